import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { createCallDetector, type AlertBody } from '../detector.js';
import { replayTranscript, turns } from '../replay.js';
import type { TalkoverRule } from '../rule.js';

const rule: TalkoverRule = {
  id: 'talkover', kind: 'talkover', description: '抢话 — test', channel: 'agent', severity: 'warning', notify: 'both', minOverlapMs: 1000, minCount: 2,
};

describe('talk-over rules', () => {
  it('count agent speech started over the customer beyond the overlap; raise at minCount, then update the count', () => {
    const alerts = replayTranscript(compileRules([rule]), turns(
      [0, 6, 'customer', '我上个月的账单有一笔消费我不认识'],
      [2, 5, 'agent', '您说的是哪一笔呢'], // 3 s over the customer
      [10, 16, 'customer', '就是那个十号的，在外地刷的'],
      [11, 11.6, 'agent', '嗯'], // back-channel: 0.6 s
      [14, 18, 'agent', '好的我帮您查一下'], // 2 s over
      [20, 26, 'customer', '还有一笔'],
      [21, 24, 'agent', '这笔是年费'], // 3 s over
    ));
    expect(alerts.map((a) => [a.status, a.occurrences, a.startMs])).toEqual([['raised', 1, 14_000], ['updated', 2, 21_000]]);
    expect(alerts[0]!.message).toContain('2 in this call');
  });

  it('the customer interrupting the agent is not an agent talk-over; speech after the customer stopped is not either', () => {
    const alerts = replayTranscript(compileRules([{ ...rule, minCount: 1 }]), turns(
      [0, 6, 'agent', '根据规定，这笔年费需要在……'],
      [2, 5, 'customer', '我不要听这个'],
      [7, 9, 'customer', '你说吧'],
      [9.2, 12, 'agent', '好的'],
    ));
    expect(alerts).toEqual([]);
  });

  it('judges overlaps from VAD segments as they end', () => {
    const alerts: AlertBody[] = [];
    const d = createCallDetector('c', compileRules([{ ...rule, minCount: 1 }]), (a) => alerts.push(a));
    d.speechStart('customer', 0);
    d.speechStart('agent', 1000);
    d.speechEnd('customer', 0, 4000); // 3 s overlap, decided now although the agent goes on
    expect(alerts).toHaveLength(1);
    d.speechEnd('agent', 1000, 6000);
    expect(alerts).toHaveLength(1);
  });
});
