import { describe, expect, it } from 'vitest';
import { callTotal } from '../../../engine/qa/score.js';
import { formProblems, humanTotal, initialForm, itemRange, itemsBySection, reviewBody, type QaResultDetail, type Review } from './qa-review';

const item = (itemId: string, kind: 'score' | 'bonus' | 'penalty', maxPoints: number, points: number, sectionId = 's1') => ({
  itemId, name: itemId, sectionId, kind, maxPoints, points, status: 'pass' as const, judged: '', evidence: [],
});

function result(over: Partial<QaResultDetail> = {}): QaResultDetail {
  return {
    callId: 'c1', scorecardId: 'card', scorecardVersion: '1+abc', ruleSetVersion: null, agentId: 'a-1', team: null, startedAt: 0, durationMs: 1000,
    total: 72.5, passMark: 85, passed: false, veto: null, scoredAt: 1, reviews: [],
    items: [item('courtesy', 'score', 60, 60), item('hold', 'score', 40, 17.5, 's2'), item('veto-only', 'score', 0, 0, 's2'), item('praise', 'bonus', 5, 0, 's3'), item('complaint', 'penalty', 5, -5, 's3')],
    ...over,
  };
}

const review = (over: Partial<Review> = {}): Review => ({
  reviewId: 1, callId: 'c1', reviewer: 'qa-lead', createdAt: 2, comment: 'ok', items: [{ itemId: 'hold', points: 40, comment: 'apologised' }], veto: null, total: 95, passed: true, ...over,
});

describe('the review form', () => {
  it('starts all confirmed, or as the latest review left it', () => {
    const fresh = initialForm(result());
    expect(fresh).toMatchObject({ reviewer: '', comment: '', veto: 'machine' });
    expect(fresh.items.hold).toEqual({ override: false, points: '17.5', comment: '' });
    const again = initialForm(result({ reviews: [review({ reviewer: 'old' }), review({ veto: false })] }));
    expect(again).toMatchObject({ reviewer: 'qa-lead', comment: 'ok', veto: 'clear' });
    expect(again.items.hold).toEqual({ override: true, points: '40', comment: 'apologised' });
    expect(again.items.courtesy!.override).toBe(false);
  });

  it('bounds points by the item: penalties below zero, others up to full marks', () => {
    expect(itemRange({ kind: 'score', maxPoints: 10 })).toEqual({ min: 0, max: 10 });
    expect(itemRange({ kind: 'bonus', maxPoints: 5 })).toEqual({ min: 0, max: 5 });
    expect(itemRange({ kind: 'penalty', maxPoints: 5 })).toEqual({ min: -5, max: 0 });
  });

  it('sends only overridden items, trimmed, with the veto only when changed', () => {
    const r = result();
    const form = initialForm(r);
    form.reviewer = '  qa-lead ';
    form.items.hold = { override: true, points: ' 30 ', comment: '  ' };
    form.items.complaint = { override: true, points: '0', comment: 'not the agent' };
    expect(reviewBody(r.items, form)).toEqual({
      reviewer: 'qa-lead',
      items: [{ itemId: 'hold', points: 30 }, { itemId: 'complaint', points: 0, comment: 'not the agent' }],
    });
    form.veto = 'clear';
    form.comment = ' fine ';
    expect(reviewBody(r.items, form)).toMatchObject({ veto: false, comment: 'fine' });
  });

  it('names what the API would refuse: no reviewer, points out of range or not a number', () => {
    const r = result();
    const form = initialForm(r);
    form.items.hold = { override: true, points: '41', comment: '' };
    form.items.complaint = { override: true, points: '3', comment: '' };
    form.items.praise = { override: true, points: '', comment: '' };
    form.items.courtesy = { override: false, points: 'junk', comment: '' }; // confirmed: its text is ignored
    expect(formProblems(r.items, form)).toEqual([
      { kind: 'reviewer-missing' },
      { kind: 'points-out-of-range', itemId: 'hold', min: 0, max: 40 },
      { kind: 'points-out-of-range', itemId: 'praise', min: 0, max: 5 },
      { kind: 'points-out-of-range', itemId: 'complaint', min: -5, max: 0 },
    ]);
    form.reviewer = 'x';
    form.items.hold.points = '40';
    form.items.praise.points = '2.5';
    form.items.complaint.points = '-2.5';
    expect(formProblems(r.items, form)).toEqual([]);
  });

  it('totals as the server does (callTotal), veto included', () => {
    const r = result();
    const form = initialForm(r);
    expect(humanTotal(r, form)).toEqual({ total: 72.5, passed: false });
    form.items.hold = { override: true, points: '40', comment: '' };
    form.items.praise = { override: true, points: '5', comment: '' };
    const points = r.items.map((i) => (i.itemId === 'hold' ? 40 : i.itemId === 'praise' ? 5 : i.points));
    const withPoints = r.items.map((i, n) => ({ ...i, points: points[n]! }));
    expect(humanTotal(r, form)).toEqual(callTotal(withPoints, false, 'zero', 85)); // 100 + 5 − 5, kept within 100
    expect(humanTotal(r, form)).toEqual({ total: 100, passed: true });
    form.items.hold.points = '99'; // out of range: the machine's 17.5 stand, the bonus's 5 count
    expect(humanTotal(r, form).total).toBe(77.5);
    form.items.hold.points = '40';
    form.veto = 'veto';
    expect(humanTotal(r, form)).toEqual(callTotal(withPoints, true, 'zero', 85));
    expect(humanTotal({ ...r, vetoMode: 'fail' }, form)).toEqual(callTotal(withPoints, true, 'fail', 85));
    const vetoed = result({ veto: { itemId: 'veto-only', ruleIds: ['x'] }, total: 0 });
    expect(humanTotal(vetoed, initialForm(vetoed))).toEqual({ total: 0, passed: false });
    const cleared = { ...initialForm(vetoed), veto: 'clear' as const };
    expect(humanTotal(vetoed, cleared)).toEqual({ total: 72.5, passed: false });
    // No vetoMode from the server: a vetoed result that kept its points was scored in `fail` mode.
    const failMode = result({ veto: { itemId: 'veto-only', ruleIds: ['x'] }, total: 72.5 });
    expect(humanTotal(failMode, initialForm(failMode)).total).toBe(72.5);
  });

  it('groups items by section in scorecard order, named when the names came with the result', () => {
    const groups = itemsBySection(result().items, [{ sectionId: 's1', name: '服务态度' }]);
    expect(groups.map((g) => [g.sectionId, g.name, g.items.map((i) => i.itemId)])).toEqual([
      ['s1', '服务态度', ['courtesy']],
      ['s2', 's2', ['hold', 'veto-only']],
      ['s3', 's3', ['praise', 'complaint']],
    ]);
  });
});
