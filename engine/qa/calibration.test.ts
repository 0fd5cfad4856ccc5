import { describe, expect, it } from 'vitest';
import { agreement, calibrate, judge, type Confusion } from './calibration.js';
import type { Review, StoredResult } from './qa-store.js';
import type { ItemResult, ItemStatus, QaResult } from './score.js';

const yesNo = (yy: number, yn: number, ny: number, nn: number): Confusion => ({ yes: { yes: yy, no: yn }, no: { yes: ny, no: nn } });

describe("Cohen's kappa and percent agreement", () => {
  it('matches the textbook 2×2 example: p_o 0.7, p_e 0.5, kappa 0.4', () => {
    // Wikipedia "Cohen's kappa", worked example: 50 grant proposals, two readers.
    const a = agreement(yesNo(20, 5, 10, 15));
    expect(a.n).toBe(50);
    expect(a.observed).toBeCloseTo(0.7, 12);
    expect(a.expected).toBeCloseTo(0.5, 12);
    expect(a.kappa).toBeCloseTo(0.4, 12);
  });

  it('gives the same agreement different kappas when the marginals differ (the textbook pair)', () => {
    // 45/15/25/15: p_e = .6×.7 + .4×.3 = .54, kappa = .06/.46; 25/35/5/35: p_e = .6×.3 + .4×.7 = .46, kappa = .14/.54.
    const balanced = agreement(yesNo(45, 15, 25, 15));
    const skewed = agreement(yesNo(25, 35, 5, 35));
    expect(balanced.observed).toBeCloseTo(0.6, 12);
    expect(skewed.observed).toBeCloseTo(0.6, 12);
    expect(balanced.kappa).toBeCloseTo(0.06 / 0.46, 12);
    expect(skewed.kappa).toBeCloseTo(0.14 / 0.54, 12);
  });

  it('handles three categories: p_o 0.8, p_e .6×.5 + .3×.3 + .1×.2 = .41', () => {
    const a = agreement({ full: { full: 5, partial: 1 }, partial: { partial: 2, zero: 1 }, zero: { zero: 1 } });
    expect(a.observed).toBeCloseTo(0.8, 12);
    expect(a.expected).toBeCloseTo(0.41, 12);
    expect(a.kappa).toBeCloseTo(0.39 / 0.59, 12);
  });

  it('edge cases: nothing to compare, perfect agreement, one shared category, one rater constant, total disagreement', () => {
    expect(agreement({})).toEqual({ n: 0, observed: null, expected: null, kappa: null });
    expect(agreement(yesNo(0, 0, 0, 0))).toEqual({ n: 0, observed: null, expected: null, kappa: null });
    expect(agreement(yesNo(3, 0, 0, 7)).kappa).toBeCloseTo(1, 12);
    // Both raters put everything in one category: p_o = p_e = 1, kappa is 0/0.
    expect(agreement({ full: { full: 12 } })).toEqual({ n: 12, observed: 1, expected: 1, kappa: null });
    // The machine always says full, the inspector not always: agreement no better than chance.
    expect(agreement({ full: { full: 7, partial: 3 } }).kappa).toBeCloseTo(0, 12);
    expect(agreement(yesNo(0, 5, 5, 0)).kappa).toBeCloseTo(-1, 12);
  });
});

describe('judging an item', () => {
  it('puts points in full / partial / zero, and veto-only items in veto / clear', () => {
    expect(judge({ maxPoints: 5 }, 5, false)).toBe('full');
    expect(judge({ maxPoints: 5 }, 2.5, false)).toBe('partial');
    expect(judge({ maxPoints: 5 }, 0, false)).toBe('zero');
    expect(judge({ maxPoints: 5 }, -5, false)).toBe('full'); // a penalty taken in full
    expect(judge({ maxPoints: 0 }, 0, true)).toBe('veto');
    expect(judge({ maxPoints: 0 }, 0, false)).toBe('clear');
  });
});

const item = (itemId: string, maxPoints: number, points: number, status: ItemStatus, kind: ItemResult['kind'] = 'score'): ItemResult => ({
  itemId, name: itemId.toUpperCase(), sectionId: 's', kind, maxPoints, points, status, judged: '', evidence: [],
});
const scoreStatus = (max: number, p: number): ItemStatus => (p === max ? 'pass' : p === 0 ? 'failed' : 'deducted');

/**
 * Ten reviewed calls (and one not reviewed) on four items:
 * - hold (max 5), machine → inspector: 5→5 ×5, 5→2.5, 2.5→0, 2.5→2.5 ×2, 0→0: the 3×3 table above, 2 overrides;
 * - greet (max 10): machine always 10, inspector 6 on c3–c5: 3 overrides, kappa 0;
 * - privacy (veto-only): machine veto on c1, cleared by the inspector: 1 override, kappa 0;
 * - praise (bonus, max 3): 0 and 0 everywhere: kappa undefined, no override.
 */
function fixture(): StoredResult[] {
  const hold: [number, number][] = [[5, 5], [5, 5], [5, 5], [5, 5], [5, 5], [5, 2.5], [2.5, 0], [2.5, 2.5], [2.5, 2.5], [0, 0]];
  const machineTotal = [0, 60, 90, 90, 90, 90, 90, 90, 90, 90];
  const reviewTotal = [90, 60, 86, 86, 86, 87.5, 87.5, 90, 90, 90];
  const out: StoredResult[] = hold.map(([m, r], i) => {
    const callId = `c${i + 1}`;
    const greetReviewed = i >= 2 && i <= 4 ? 6 : 10;
    const vetoed = i === 0;
    const result: QaResult = {
      callId, scorecardId: 'card', scorecardVersion: 'v1', ruleSetVersion: null, agentId: 'a', team: 't', startedAt: i, durationMs: 1000,
      total: machineTotal[i]!, passMark: 85, passed: machineTotal[i]! >= 85, veto: vetoed ? { itemId: 'privacy', ruleIds: ['password-request'] } : null,
      items: [item('hold', 5, m, scoreStatus(5, m)), item('greet', 10, 10, 'pass'), item('privacy', 0, 0, vetoed ? 'veto' : 'pass'), item('praise', 3, 0, 'none', 'bonus')],
    };
    const overrides = [...(r !== m ? [{ itemId: 'hold', points: r }] : []), ...(greetReviewed !== 10 ? [{ itemId: 'greet', points: greetReviewed }] : [])];
    const review: Review = {
      reviewId: i + 1, callId, reviewer: 'qa-1', createdAt: 100 + i, comment: null, items: overrides, veto: vetoed ? false : null,
      total: reviewTotal[i]!, passed: reviewTotal[i]! >= 85,
    };
    return { result, scoredAt: 50 + i, review };
  });
  out.push({ result: { ...out[9]!.result, callId: 'c11' }, scoredAt: 99, review: null });
  return out;
}

describe('calibration over reviewed results', () => {
  it('computes agreement, kappa, overrides and their direction per item, most overridden first', () => {
    const c = calibrate(fixture());
    expect(c.reviewedCalls).toBe(10);
    expect(c.items.map((i) => [i.itemId, i.n, i.overrides, i.overrideRate, i.percentAgreement, i.kappa, i.meanPointsDelta])).toEqual([
      ['greet', 10, 3, 0.3, 70, 0, -1.2],
      ['hold', 10, 2, 0.2, 80, 0.661, -0.5], // 0.39 / 0.59 = 0.66102 → 0.661
      ['privacy', 10, 1, 0.1, 90, 0, 0],
      ['praise', 10, 0, 0, 100, null, 0],
    ]);
    expect(c.items.find((i) => i.itemId === 'hold')).toMatchObject({
      name: 'HOLD', kind: 'score', maxPoints: 5, agreements: 8,
      confusion: { full: { full: 5, partial: 1 }, partial: { partial: 2, zero: 1 }, zero: { zero: 1 } },
    });
    expect(c.items.find((i) => i.itemId === 'privacy')!.confusion).toEqual({ veto: { clear: 1 }, clear: { clear: 9 } });
    expect(c.mostOverridden.map((i) => i.itemId)).toEqual(['greet', 'hold', 'privacy']);
    expect(calibrate(fixture(), { limit: 2 }).mostOverridden).toEqual([
      { itemId: 'greet', name: 'GREET', n: 10, overrides: 3, overrideRate: 0.3, meanPointsDelta: -1.2 },
      { itemId: 'hold', name: 'HOLD', n: 10, overrides: 2, overrideRate: 0.2, meanPointsDelta: -0.5 },
    ]);
  });

  it('computes call-level pass and veto agreement, totals changed, and the pooled figures', () => {
    const c = calibrate(fixture());
    // pass: F→P, F→F, P→P ×8: p_o .9, p_e .8×.9 + .2×.1 = .74, kappa .16/.26 = .61538.
    expect(c.calls.pass).toEqual({ n: 10, percentAgreement: 90, kappa: 0.6154 });
    // veto: the machine's one veto cleared: p_o .9 = p_e, kappa 0.
    expect(c.calls.veto).toEqual({ n: 10, percentAgreement: 90, kappa: 0 });
    expect(c.calls.totalsChanged).toBe(6);
    expect(c.calls.meanTotalDelta).toBe(7.3); // (+90 − 4 × 3 − 2.5 × 2) / 10
    // 40 judgements, 34 agree; machine marginals full 16, partial 3, zero 11, veto 1, clear 9; inspector full 12,
    // partial 6, zero 12, clear 10: p_e = (16×12 + 3×6 + 11×12 + 9×10) / 1600 = .27, kappa = .58/.73 = .79452.
    expect(c.overall).toEqual({ n: 40, percentAgreement: 85, kappa: 0.7945, overrides: 6, overrideRate: 0.15 });
  });

  it('with no reviews: empty figures, nothing undefined but kappa and rates', () => {
    const unreviewed = fixture().map((s) => ({ ...s, review: null }));
    for (const input of [[], unreviewed]) {
      expect(calibrate(input)).toEqual({
        reviewedCalls: 0,
        calls: { pass: { n: 0, percentAgreement: null, kappa: null }, veto: { n: 0, percentAgreement: null, kappa: null }, totalsChanged: 0, meanTotalDelta: null },
        overall: { n: 0, percentAgreement: null, kappa: null, overrides: 0, overrideRate: null },
        items: [],
        mostOverridden: [],
      });
    }
  });

  it('with perfect agreement: kappa 1 where both raters used two categories, null where one', () => {
    const confirmed = fixture().slice(0, 10).map((s) => ({ ...s, review: { ...s.review!, items: [], veto: null, total: s.result.total, passed: s.result.passed } }));
    const c = calibrate(confirmed);
    expect(c.items.map((i) => [i.itemId, i.percentAgreement, i.kappa, i.overrides])).toEqual([
      ['greet', 100, null, 0], // all full, both
      ['hold', 100, 1, 0],
      ['praise', 100, null, 0],
      ['privacy', 100, 1, 0],
    ]);
    expect(c.mostOverridden).toEqual([]);
    expect(c.calls).toEqual({ pass: { n: 10, percentAgreement: 100, kappa: 1 }, veto: { n: 10, percentAgreement: 100, kappa: 1 }, totalsChanged: 0, meanTotalDelta: 0 });
  });

  it('counts a veto the inspector adds on the call only, and a lifted veto with points on the item', () => {
    const [first, second] = fixture();
    const added = { ...second!, review: { ...second!.review!, veto: true, total: 0, passed: false } };
    const c = calibrate([added]);
    expect(c.calls.veto.n).toBe(1);
    expect(c.items.find((i) => i.itemId === 'privacy')).toMatchObject({ overrides: 0, confusion: { clear: { clear: 1 } } });
    const lifted = calibrate([first!]);
    expect(lifted.items.find((i) => i.itemId === 'privacy')).toMatchObject({ overrides: 1, overrideRate: 1, confusion: { veto: { clear: 1 } } });
  });
});
