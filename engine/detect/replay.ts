import type { Channel, EndReason } from '../events.js';
import { createCallDetector, type AlertBody } from './detector.js';
import type { CompiledRule, DetectUtterance } from './evaluator.js';

export interface ReplayTurn {
  channel: Channel;
  text: string;
  /** Toneless pinyin, as a pinyin-unit recogniser gives it. */
  pinyin?: string;
  startMs: number;
  endMs: number;
}

/**
 * Runs a transcript (text utterances with times, as a text-only call: their spans are the speech) through a
 * rule set and returns the alerts. The same path a live text call takes; used by tests, the rules evaluation
 * and re-scoring stored calls.
 */
export function replayTranscript(rules: readonly CompiledRule[], turns: readonly ReplayTurn[], end: { endMs?: number; reason?: EndReason } = {}, callId = 'replay'): AlertBody[] {
  const alerts: AlertBody[] = [];
  const d = createCallDetector(callId, rules, (a) => alerts.push(a));
  const ordered = [...turns].sort((a, b) => a.endMs - b.endMs);
  ordered.forEach((t, i) => {
    const u: DetectUtterance = {
      utteranceId: `${callId}:u${i + 1}`, channel: t.channel, text: t.text, ...(t.pinyin !== undefined ? { pinyin: t.pinyin } : {}), startMs: t.startMs, endMs: t.endMs,
    };
    d.utterance(u, true);
    d.advance(t.endMs);
  });
  const last = ordered.reduce((m, t) => Math.max(m, t.endMs), 0);
  d.finish(end.endMs ?? last, end.reason ?? 'stop');
  return alerts;
}

/** Turns written as [startSeconds, endSeconds, channel, text]. */
export function turns(...rows: [number, number, Channel, string][]): ReplayTurn[] {
  return rows.map(([s, e, channel, text]) => ({ channel, text, startMs: Math.round(s * 1000), endMs: Math.round(e * 1000) }));
}
