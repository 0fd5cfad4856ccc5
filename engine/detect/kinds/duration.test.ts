import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { replayTranscript, turns } from '../replay.js';
import type { DurationRule } from '../rule.js';

const long: DurationRule = { id: 'long', kind: 'duration', description: '通话过长 — test', channel: 'any', severity: 'info', notify: 'supervisor', maxCallMs: 600_000 };
const hangup: DurationRule = { ...long, id: 'hangup', maxCallMs: undefined, endReasons: ['socket-closed'] };

describe('duration rules', () => {
  it('raise once when the call passes its limit', () => {
    const alerts = replayTranscript(compileRules([long]), turns([0, 2, 'agent', '您好'], [650, 652, 'agent', '再见']), { endMs: 700_000 });
    expect(alerts.map((a) => [a.at, a.message])).toEqual([[600_000, 'call longer than 10 min']]);
    expect(replayTranscript(compileRules([long]), turns([0, 2, 'agent', '您好']), { endMs: 500_000 })).toEqual([]);
    expect(replayTranscript(compileRules([long]), turns([0, 2, 'agent', '您好']), { endMs: 600_000 })).toEqual([]); // more than 10 min
  });

  it('raise on an abnormal end', () => {
    expect(replayTranscript(compileRules([hangup]), turns([0, 2, 'agent', '您好']), { endMs: 5000, reason: 'socket-closed' })).toHaveLength(1);
    expect(replayTranscript(compileRules([hangup]), turns([0, 2, 'agent', '您好']), { endMs: 5000, reason: 'stop' })).toEqual([]);
  });
});
