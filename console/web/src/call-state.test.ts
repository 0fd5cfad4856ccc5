import { describe, expect, it } from 'vitest';
import { alertsFor, applyEvent, applyEvents, elapsedMs, emptyCall } from './call-state';
import type { AlertEvent, CallEvent, UtteranceEvent } from './events';

const base = { v: 1 as const, callId: 'c1', emittedAt: 1_000 };
function utt(seq: number, id: string, text: string, final: boolean, startMs = 0, channel: 'agent' | 'customer' = 'customer'): UtteranceEvent {
  return { ...base, type: final ? 'utterance.final' : 'utterance.partial', seq, at: startMs + 500, utteranceId: id, channel, text, startMs, endMs: startMs + 500, source: 'asr' };
}
function alert(seq: number, alertId: string, status: AlertEvent['status'], extra: Partial<AlertEvent> = {}): AlertEvent {
  return {
    ...base, type: 'alert', seq, at: 100, alertId, ruleId: 'r', kind: 'phrase', severity: 'warning', channel: 'agent', status, startMs: 100, endMs: null,
    durationMs: 0, message: 'm', notify: ['agent'], ...extra,
  };
}

describe('call state', () => {
  it('replaces a partial in place and never lets a partial replace its final', () => {
    let s = emptyCall('c1');
    s = applyEvent(s, utt(1, 'u1', '我的', false));
    s = applyEvent(s, utt(2, 'u1', '我的信用', false));
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatchObject({ text: '我的信用', final: false });
    s = applyEvent(s, utt(4, 'u1', '我的信用卡丢了', true));
    s = applyEvent(s, utt(3, 'u1', '我的信用卡', false)); // a late partial, arriving after its final
    expect(s.lines).toEqual([expect.objectContaining({ text: '我的信用卡丢了', final: true })]);
  });

  it('gives the same state whatever order the socket and the REST catch-up deliver events in', () => {
    const events: CallEvent[] = [
      utt(1, 'u1', '你好', true, 0, 'agent'),
      utt(2, 'u2', '我想', false, 2000),
      alert(3, 'a1', 'raised'),
      utt(4, 'u2', '我想查账单', true, 2000),
      alert(5, 'a1', 'updated', { occurrences: 2 }),
      utt(6, 'u3', '好的', true, 1000, 'agent'),
    ];
    const inOrder = applyEvents(emptyCall('c1'), events);
    const shuffled = applyEvents(emptyCall('c1'), [events[5]!, events[3]!, events[4]!, events[0]!, events[2]!, events[1]!, events[3]!]);
    for (const s of [inOrder, shuffled]) {
      expect(s.lines.map((l) => l.text)).toEqual(['你好', '好的', '我想查账单']); // by start time
      expect(s.alerts).toHaveLength(1);
      expect(s.alerts[0]).toMatchObject({ status: 'updated', occurrences: 2 });
    }
  });

  it('applies an event seen twice once and ignores another call', () => {
    const s1 = applyEvent(emptyCall('c1'), utt(1, 'u1', '你好', true));
    expect(applyEvent(s1, utt(1, 'u1', '你好', true))).toBe(s1);
    expect(applyEvent(s1, { ...utt(2, 'u9', 'x', true), callId: 'c2' })).toBe(s1);
  });

  it('keeps the highest risk, the call end and who an alert is for', () => {
    let s = emptyCall('c1');
    s = applyEvent(s, alert(1, 'a1', 'raised', { risk: { level: 'high', alerts: 1 }, severity: 'critical', notify: ['agent', 'supervisor'] }));
    s = applyEvent(s, alert(2, 'a2', 'raised', { risk: { level: 'medium', alerts: 2 }, notify: ['supervisor'] })); // an older view of risk
    expect(s.risk.level).toBe('high');
    expect(alertsFor(s, 'agent').map((a) => a.alertId)).toEqual(['a1']);
    expect(alertsFor(s, 'supervisor').map((a) => a.alertId)).toEqual(['a2', 'a1']);
    s = applyEvent(s, { ...base, type: 'call.ended', seq: 3, at: 9000, durationMs: 9000, endReason: 'stop', channels: {} });
    expect(s.status).toBe('ended');
    expect(elapsedMs(s, 99_999)).toBe(9000);
  });

  it('advances a live call by the wall clock since its latest event', () => {
    const s = applyEvent(emptyCall('c1'), { ...utt(1, 'u1', 'x', true, 4000), emittedAt: 50_000 });
    expect(elapsedMs(s, 52_000)).toBe(4500 + 2000);
  });
});
