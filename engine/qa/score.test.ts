import { describe, expect, it } from 'vitest';
import { compileRules } from '../detect/compile.js';
import type { Rule } from '../detect/rule.js';
import { turns } from '../detect/replay.js';
import { scoreTranscript } from './rescore.js';
import type { LoadedScorecard, Scorecard } from './scorecard.js';

const phrase = (id: string, phrases: string[], channel: 'agent' | 'customer' = 'agent'): Rule => ({
  id, kind: 'phrase', description: `${id} — test`, channel, severity: 'warning', notify: 'none', phrases,
});
const RULES = compileRules([
  phrase('rude', ['你明白吗']),
  phrase('insult', ['你烦不烦']),
  phrase('late', ['等一下']),
  phrase('angry', ['气死我了'], 'customer'),
  phrase('soothe-missing', ['这是规定']),
  phrase('market', ['为您推荐']),
  phrase('complaint', ['投诉'], 'customer'),
]);
const card = (patch: Partial<Scorecard> = {}): LoadedScorecard => ({
  version: 'test+0', file: 'test.yaml',
  scorecard: {
    id: 'test', version: 'test', name: 'test', passMark: 85,
    sections: [{
      id: 's', name: 'S', items: [
        { id: 'polite', name: 'polite', points: 60, deduct: [{ rule: 'rude', points: 10, max: 2 }] },
        { id: 'pace', name: 'pace', points: 20, failIf: [{ rule: 'late', atLeast: 2 }] },
        { id: 'soothing', name: 'soothing', points: 20, deduct: [{ rule: 'soothe-missing', points: 20 }], notApplicableUnless: { rule: 'angry' }, notApplicableReason: '客户无不满情绪' },
        { id: 'veto', name: 'veto', points: 0, veto: ['insult'] },
        { id: 'bonus', name: 'bonus', kind: 'bonus', points: 5, add: [{ rule: 'market', points: 5 }] },
        { id: 'penalty', name: 'penalty', kind: 'penalty', points: 5, add: [{ rule: 'complaint', points: 5 }] },
        { id: 'hold', name: 'hold', points: 0, deduct: [{ rule: 'late', points: 0 }], notApplicableUnless: { said: { channel: 'agent', phrases: ['请稍等'] } } },
      ],
    }],
    ...patch,
  },
});
const score = (rows: Parameters<typeof turns>, patch?: Partial<Scorecard>) => scoreTranscript(card(patch), RULES, { callId: 'c', agentId: 'a', turns: turns(...rows) });
const item = (r: ReturnType<typeof score>, id: string) => r.items.find((i) => i.itemId === id)!;

describe('scoring a call on a scorecard', () => {
  it('gives full marks to a clean call, with not-applicable items explained', () => {
    const r = score([[0, 2, 'agent', '您好']]);
    expect(r).toMatchObject({ total: 100, passed: true, veto: null, agentId: 'a' });
    expect(item(r, 'soothing')).toMatchObject({ status: 'not-applicable', points: 20, notApplicableReason: '客户无不满情绪' });
    expect(item(r, 'hold')).toMatchObject({ status: 'not-applicable' });
  });

  it('deducts per occurrence up to the cap, with the evidence of each', () => {
    const r = score([[0, 2, 'agent', '你明白吗'], [3, 5, 'agent', '你明白吗？'], [6, 8, 'agent', '你明白吗'], [9, 10, 'agent', '好']]);
    expect(item(r, 'polite')).toMatchObject({ points: 40, status: 'deducted', judged: '− rude ×2 (of 3, capped) × 10' });
    expect(item(r, 'polite').evidence.map((e) => [e.quote, e.channel, e.startMs >= 0])).toEqual([['你明白吗', 'agent', true], ['你明白吗', 'agent', true], ['你明白吗', 'agent', true]]);
    expect(r.total).toBe(80);
    expect(r.passed).toBe(false);
  });

  it('fails an item past a threshold, and only then', () => {
    expect(item(score([[0, 2, 'agent', '等一下']]), 'pace')).toMatchObject({ points: 20, status: 'pass' });
    expect(item(score([[0, 2, 'agent', '等一下'], [3, 4, 'agent', '等一下']]), 'pace')).toMatchObject({ points: 0, status: 'failed', judged: 'late ×2 (≥ 2)' });
  });

  it('judges an item once its condition happened (the customer got angry)', () => {
    expect(item(score([[0, 2, 'customer', '气死我了'], [3, 5, 'agent', '这是规定']]), 'soothing')).toMatchObject({ points: 0, status: 'failed' });
    expect(item(score([[0, 2, 'customer', '气死我了'], [3, 5, 'agent', '非常抱歉']]), 'soothing')).toMatchObject({ points: 20, status: 'pass' });
  });

  it('a veto scores the call 0 (or only fails it, in fail mode), whatever else it earned', () => {
    const r = score([[0, 2, 'agent', '你烦不烦']]);
    expect(r).toMatchObject({ total: 0, passed: false, veto: { itemId: 'veto', ruleIds: ['insult'] } });
    expect(item(r, 'veto')).toMatchObject({ status: 'veto', evidence: [{ ruleId: 'insult', quote: '你烦不烦' }] });
    expect(score([[0, 2, 'agent', '你烦不烦']], { vetoMode: 'fail' })).toMatchObject({ total: 100, passed: false });
  });

  it('adds bonuses and takes penalties, the total staying within 0–100', () => {
    expect(score([[0, 2, 'agent', '为您推荐一款产品']]).total).toBe(100); // capped at 100
    const r = score([[0, 2, 'agent', '你明白吗'], [3, 4, 'agent', '为您推荐'], [5, 6, 'customer', '我要投诉']]);
    expect(item(r, 'bonus')).toMatchObject({ points: 5, status: 'bonus' });
    expect(item(r, 'penalty')).toMatchObject({ points: -5, status: 'penalty' });
    expect(r.total).toBe(90);
  });

  it('is a pure function: the same call scores the same', () => {
    const rows: Parameters<typeof turns> = [[0, 2, 'agent', '你明白吗'], [3, 4, 'customer', '气死我了']];
    expect(score(rows)).toEqual(score(rows));
  });
});
