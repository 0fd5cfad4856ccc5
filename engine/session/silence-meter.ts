import type { Channel } from '../events.js';

/**
 * Audio time with every channel silent, for the `metric` events' `bothSilentMs`. The dead-air alert is a
 * rule (engine/detect/kinds/silence.ts); this only measures.
 */
export interface SilenceMeter {
  speechStarted(channel: Channel, startMs: number): void;
  speechEnded(channel: Channel, endMs: number): void;
  /** Audio ms with every channel silent, up to `nowMs`. */
  silentMs(nowMs: number): number;
}

export function createSilenceMeter(): SilenceMeter {
  const speaking = new Set<Channel>();
  let silentSince: number | null = 0;
  let lastEndMs = 0;
  let closedMs = 0;
  return {
    speechStarted(channel, startMs) {
      speaking.add(channel);
      if (silentSince === null) return;
      closedMs += Math.max(0, startMs - silentSince);
      silentSince = null;
    },
    speechEnded(channel, endMs) {
      speaking.delete(channel);
      lastEndMs = Math.max(lastEndMs, endMs);
      if (speaking.size === 0) silentSince = lastEndMs;
    },
    silentMs(nowMs) {
      return closedMs + (silentSince === null ? 0 : Math.max(0, nowMs - silentSince));
    },
  };
}
