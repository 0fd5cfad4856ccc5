import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { replayTranscript, turns } from '../replay.js';
import type { SequenceRule } from '../rule.js';

const base = { description: '测试 — test', severity: 'critical', notify: 'both' } as const;
const risk: SequenceRule = {
  ...base, id: 'risk', kind: 'sequence', channel: 'agent', mode: 'required-after', withinMs: 60_000,
  trigger: { channel: 'agent', phrases: ['理财产品', '基金'], negatable: true }, expect: { phrases: ['投资需谨慎', '产品有风险'] },
};
const identity: SequenceRule = {
  ...base, id: 'identity', kind: 'sequence', channel: 'agent', mode: 'required-before',
  trigger: { channel: 'agent', phrases: ['身份证后四位', '核实您的身份'] }, expect: { phrases: ['您的余额', '可用额度是'] },
};
const apology: SequenceRule = {
  ...base, id: 'apology', kind: 'sequence', channel: 'agent', mode: 'required-on-return', minGapMs: 10_000,
  trigger: { channel: 'agent', phrases: ['请您稍等'] }, expect: { phrases: ['让您久等了'], negatable: true },
};
const raised = (rule: SequenceRule, rows: Parameters<typeof turns>) =>
  replayTranscript(compileRules([rule]), turns(...rows)).filter((a) => a.status === 'raised').map((a) => a.at);

describe('sequence rules', () => {
  it('required-after: a disclosure must follow the product within the time, in the same or a later utterance', () => {
    expect(raised(risk, [[0, 4, 'agent', '我们有一款理财产品'], [5, 9, 'agent', '理财非存款，产品有风险，投资需谨慎']])).toEqual([]);
    expect(raised(risk, [[0, 4, 'agent', '这款理财产品有风险，投资需谨慎']])).toEqual([]);
    expect(raised(risk, [[0, 4, 'agent', '我们有一款理财产品'], [70, 72, 'agent', '还有别的吗']])).toEqual([70_000]);
    expect(raised(risk, [[0, 4, 'agent', '我们有一款基金'], [10, 12, 'agent', '好的']])).toEqual([12_000]); // call ended first
    expect(raised(risk, [[0, 4, 'agent', '我们没有理财产品'], [70, 72, 'agent', '好的']])).toEqual([]); // negated mention
  });

  it('required-before: account details only after identity verification', () => {
    expect(raised(identity, [[0, 4, 'agent', '请提供身份证后四位'], [5, 9, 'agent', '您的余额是三千元']])).toEqual([]);
    expect(raised(identity, [[0, 4, 'agent', '您的余额是三千元'], [5, 9, 'agent', '请提供身份证后四位']])).toEqual([4000]);
    expect(raised(identity, [[0, 4, 'agent', '查询您的余额需要先核实您的身份']])).toEqual([]); // asking, not reading out
  });

  it('required-on-return: back from a hold, the first words must apologise; 不会让您久等 is no apology', () => {
    expect(raised(apology, [[0, 3, 'agent', '请您稍等，我帮您查询'], [40, 43, 'agent', '对不起，让您久等了']])).toEqual([]);
    expect(raised(apology, [[0, 3, 'agent', '请您稍等，我帮您查询'], [40, 43, 'agent', '查到了，您的卡已激活']])).toEqual([43_000]);
    expect(raised(apology, [[0, 3, 'agent', '请您稍等，不会让您久等'], [40, 43, 'agent', '不会让您久等的，查到了']])).toEqual([43_000]);
    // no hold happened (the agent kept talking): nothing to apologise for, now or later in the call
    expect(raised(apology, [[0, 3, 'agent', '请您稍等'], [4, 6, 'agent', '查到了']])).toEqual([]);
    expect(raised(apology, [[0, 3, 'agent', '请您稍等'], [8, 10, 'agent', '查到了'], [11, 25, 'customer', '好的那我再问一下另外一张卡的问题'], [26, 28, 'agent', '您说']])).toEqual([]);
  });
});
