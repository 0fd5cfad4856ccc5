import { describe, expect, it } from 'vitest';
import { applyEvents, emptyCall } from './call-state';
import { covered, talkShares } from './talk-meter';

describe('talk meter', () => {
  it('measures the union of spans', () => {
    expect(covered([[0, 10], [5, 15], [20, 30], [22, 25]])).toBe(25);
    expect(covered([])).toBe(0);
  });

  it('reads a text-only call from its finals when no metric came', () => {
    const base = { v: 1 as const, callId: 'c', emittedAt: 0, source: 'external' as const };
    const s = applyEvents(emptyCall('c'), [
      { ...base, type: 'utterance.final', seq: 1, at: 4000, utteranceId: 'u1', channel: 'agent', text: 'a', startMs: 0, endMs: 4000 },
      { ...base, type: 'utterance.final', seq: 2, at: 6000, utteranceId: 'u2', channel: 'customer', text: 'b', startMs: 3000, endMs: 6000 },
    ]);
    expect(talkShares(s, 10_000)).toEqual({ agentMs: 4000, customerMs: 3000, silenceMs: 4000, totalMs: 10_000 });
  });

  it('prefers the VAD metric of an audio call', () => {
    const s = applyEvents(emptyCall('c'), [
      { v: 1, callId: 'c', emittedAt: 0, type: 'metric', seq: 1, at: 10_000, bothSilentMs: 2500, lagMs: 0,
        channels: { agent: { talkMs: 4000, silenceMs: 6000, silenceRatio: 0.6 }, customer: { talkMs: 3500, silenceMs: 6500, silenceRatio: 0.65 } } },
    ]);
    expect(talkShares(s, 12_000)).toEqual({ agentMs: 4000, customerMs: 3500, silenceMs: 2500, totalMs: 10_000 });
  });
});
