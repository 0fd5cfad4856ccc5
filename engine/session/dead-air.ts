import type { Channel } from '../events.js';

export interface DeadAirStretch {
  index: number;
  startMs: number;
}

export interface DeadAirListener {
  onRaised(stretch: DeadAirStretch, nowMs: number): void;
  onResolved(stretch: DeadAirStretch, endMs: number, nowMs: number): void;
}

/**
 * Dead air: every channel of the call silent for longer than the threshold, reported once per silent
 * stretch (raised when the threshold is crossed, resolved when someone speaks or the call ends). The call
 * starts silent: a customer left waiting at the start is dead air too.
 */
export interface DeadAirTracker {
  speechStarted(channel: Channel, startMs: number, nowMs: number): void;
  speechEnded(channel: Channel, endMs: number): void;
  /** Called after every frame with the audio time processed on every channel. */
  advance(nowMs: number): void;
  finish(endMs: number): void;
  /** Audio ms with every channel silent, up to `nowMs`. */
  silentMs(nowMs: number): number;
}

export function createDeadAirTracker(thresholdMs: number, listener: DeadAirListener): DeadAirTracker {
  const speaking = new Set<Channel>();
  let silentSince: number | null = 0;
  let lastSpeechEndMs = 0;
  let closedSilentMs = 0;
  let raised: DeadAirStretch | null = null;
  let stretches = 0;

  return {
    speechStarted(channel, startMs, nowMs) {
      speaking.add(channel);
      if (silentSince === null) return;
      closedSilentMs += Math.max(0, startMs - silentSince);
      if (raised) listener.onResolved(raised, Math.max(startMs, raised.startMs), nowMs);
      raised = null;
      silentSince = null;
    },
    speechEnded(channel, endMs) {
      speaking.delete(channel);
      lastSpeechEndMs = Math.max(lastSpeechEndMs, endMs);
      if (speaking.size === 0) silentSince = lastSpeechEndMs;
    },
    advance(nowMs) {
      if (silentSince === null || raised || nowMs - silentSince < thresholdMs) return;
      raised = { index: ++stretches, startMs: silentSince };
      // Raised at the audio instant the threshold passed, however coarsely analysis reports progress.
      listener.onRaised(raised, silentSince + thresholdMs);
    },
    finish(endMs) {
      if (raised) listener.onResolved(raised, endMs, endMs);
      raised = null;
    },
    silentMs(nowMs) {
      return closedSilentMs + (silentSince === null ? 0 : Math.max(0, nowMs - silentSince));
    },
  };
}
