import { describe, expect, it } from 'vitest';
import type { Review, StoredResult } from './qa-store.js';
import { agentReport, applyReview, goLiveCheck, itemReport, ranking, reportResults, scoreDistribution, teamReport, WEEK_MS, type ReportResult } from './reports.js';
import type { ItemResult, ItemStatus, QaResult } from './score.js';

const item = (itemId: string, kind: ItemResult['kind'], maxPoints: number, points: number, status: ItemStatus): ItemResult => ({
  itemId, name: itemId, sectionId: 's', kind, maxPoints, points, status, judged: '', evidence: [],
});
const result = (callId: string, agentId: string | null, team: string | null, total: number, patch: Partial<QaResult> = {}): QaResult => ({
  callId, scorecardId: 'card', scorecardVersion: 'v1', ruleSetVersion: null, agentId, team, startedAt: 1000, durationMs: 60_000,
  total, passMark: 85, passed: total >= 85, veto: null, items: [], ...patch,
});
const counted = (r: QaResult, reviewed = false): ReportResult => ({ ...r, reviewed });
const review = (callId: string, patch: Partial<Review>): Review => ({
  reviewId: 1, callId, reviewer: 'qa-1', createdAt: 5, comment: null, items: [], veto: null, total: 0, passed: false, ...patch,
});

describe('which score counts', () => {
  const machine = result('c1', 'a', 't', 0, {
    passed: false, veto: { itemId: 'privacy', ruleIds: ['password-request'] },
    items: [item('hold', 'score', 5, 0, 'failed'), item('greet', 'score', 10, 10, 'pass'), item('privacy', 'score', 0, 0, 'veto'), item('complaint', 'penalty', 5, -5, 'penalty'), item('na', 'score', 5, 5, 'not-applicable')],
  });

  it('final: the latest review\u2019s points (with a status to match), total, pass and veto', () => {
    const r = applyReview(machine, review('c1', { items: [{ itemId: 'hold', points: 2.5 }, { itemId: 'complaint', points: 0 }, { itemId: 'na', points: 0 }], veto: false, total: 92.5, passed: true }));
    expect(r).toMatchObject({ total: 92.5, passed: true, veto: null, reviewed: true });
    expect(r.items.map((i) => [i.itemId, i.points, i.status])).toEqual([
      ['hold', 2.5, 'deducted'], ['greet', 10, 'pass'], ['privacy', 0, 'pass'], ['complaint', 0, 'none'], ['na', 0, 'failed'],
    ]);
    expect(machine.items[0]!.points).toBe(0); // the input is not changed
  });

  it('a review that keeps the veto keeps it; one that adds a veto marks the call vetoed', () => {
    expect(applyReview(machine, review('c1', { total: 0 })).veto).toEqual(machine.veto);
    const clean = result('c2', 'a', 't', 90);
    expect(applyReview(clean, review('c2', { veto: true, total: 0 }))).toMatchObject({ veto: { itemId: 'review', ruleIds: [] }, total: 0, passed: false });
    expect(applyReview(clean, null)).toEqual({ ...clean, reviewed: false });
  });

  it('machine: reviews are ignored, but still counted as reviewed', () => {
    const stored: StoredResult[] = [{ result: machine, scoredAt: 1, review: review('c1', { total: 90, passed: true, veto: false }) }];
    expect([...reportResults(stored, 'machine')][0]).toMatchObject({ total: 0, passed: false, veto: machine.veto, reviewed: true });
    expect([...reportResults(stored)][0]).toMatchObject({ total: 90, passed: true, veto: null, reviewed: true });
  });
});

describe('scores per agent and team', () => {
  const calls = [
    counted(result('1', 'a-1', 'cards-1', 72.5)),
    counted(result('2', 'a-1', 'cards-1', 100)),
    counted(result('3', 'a-1', 'cards-1', 90), true),
    counted(result('4', 'a-2', 'cards-1', 0, { passed: false, veto: { itemId: 'privacy', ruleIds: ['x'] } })),
    counted(result('5', 'a-3', 'cards-2', 85)),
    counted(result('6', 'a-3', null, 80)),
    counted(result('7', null, 'cards-2', 60)),
  ];

  it('per agent: calls, mean, min, max, pass rate, vetoes, teams', () => {
    expect(agentReport(calls)).toEqual([
      { agentId: 'a-1', teams: ['cards-1'], calls: 3, mean: 87.5, min: 72.5, max: 100, passed: 2, passRate: 0.6667, vetoes: 0, reviewed: 1 },
      { agentId: 'a-2', teams: ['cards-1'], calls: 1, mean: 0, min: 0, max: 0, passed: 0, passRate: 0, vetoes: 1, reviewed: 0 },
      { agentId: 'a-3', teams: ['cards-2'], calls: 2, mean: 82.5, min: 80, max: 85, passed: 1, passRate: 0.5, vetoes: 0, reviewed: 0 },
      { agentId: null, teams: ['cards-2'], calls: 1, mean: 60, min: 60, max: 60, passed: 0, passRate: 0, vetoes: 0, reviewed: 0 },
    ]);
  });

  it('per team, with its distinct agents', () => {
    expect(teamReport(calls)).toEqual([
      { team: 'cards-1', agents: 2, calls: 4, mean: 65.63, min: 0, max: 100, passed: 2, passRate: 0.5, vetoes: 1, reviewed: 1 }, // 262.5 / 4
      { team: 'cards-2', agents: 1, calls: 2, mean: 72.5, min: 60, max: 85, passed: 1, passRate: 0.5, vetoes: 0, reviewed: 0 },
      { team: null, agents: 1, calls: 1, mean: 80, min: 80, max: 80, passed: 0, passRate: 0, vetoes: 0, reviewed: 0 },
    ]);
  });

  it('no calls: no rows', () => {
    expect(agentReport([])).toEqual([]);
    expect(teamReport([])).toEqual([]);
  });
});

describe('per-item failure rates', () => {
  it('counts failures among applicable calls only, by item kind, worst first', () => {
    const rows = itemReport([
      { items: [item('hold', 'score', 5, 5, 'not-applicable'), item('greet', 'score', 10, 6, 'deducted'), item('praise', 'bonus', 3, 3, 'bonus'), item('complaint', 'penalty', 5, -5, 'penalty'), item('privacy', 'score', 0, 0, 'pass')] },
      { items: [item('hold', 'score', 5, 0, 'failed'), item('greet', 'score', 10, 10, 'pass'), item('praise', 'bonus', 3, 0, 'none'), item('complaint', 'penalty', 5, 0, 'none'), item('privacy', 'score', 0, 0, 'veto')] },
      { items: [item('hold', 'score', 5, 5, 'pass'), item('greet', 'score', 10, 10, 'pass'), item('praise', 'bonus', 3, 0, 'none'), item('complaint', 'penalty', 5, 0, 'none'), item('privacy', 'score', 0, 0, 'pass')] },
      { items: [item('hold', 'score', 5, 5, 'not-applicable'), item('greet', 'score', 10, 0, 'failed'), item('praise', 'bonus', 3, 0, 'none'), item('complaint', 'penalty', 5, 0, 'none'), item('privacy', 'score', 0, 0, 'pass')] },
    ]);
    expect(rows.map((r) => [r.itemId, r.calls, r.applicable, r.failures, r.failureRate, r.meanPoints])).toEqual([
      ['greet', 4, 4, 2, 0.5, 6.5],
      ['hold', 4, 2, 1, 0.5, 2.5], // the two not-applicable calls left out of the rate and the mean
      ['complaint', 4, 4, 1, 0.25, -1.25],
      ['privacy', 4, 4, 1, 0.25, 0],
      ['praise', 4, 4, 0, null, 0.75], // a bonus is never a failure
    ]);
    expect(rows.find((r) => r.itemId === 'hold')!.statuses).toEqual({ 'not-applicable': 2, failed: 1, pass: 1 });
  });

  it('an item that never applied has no rate and no mean', () => {
    expect(itemReport([{ items: [item('hold', 'score', 5, 5, 'not-applicable')] }])).toMatchObject([{ itemId: 'hold', applicable: 0, failures: 0, failureRate: null, meanPoints: null }]);
  });
});

describe('coaching ranking', () => {
  const agents = agentReport([
    ...['a', 'a'].map((a, i) => counted(result(`${a}${i}`, a, 't', 90))),
    counted(result('b0', 'b', 't', 70)),
    counted(result('b1', 'b', 't', 100)), // b: mean 85, pass rate .5
    counted(result('c0', 'c', 't', 85)), // c: mean 85, pass rate 1
    counted(result('d0', 'd', 't', 60)),
    counted(result('e0', 'e', 't', 85)),
    counted(result('e1', 'e', 't', 85)), // e: mean 85, pass rate 1, more calls than c
    counted(result('x0', null, 't', 10)),
  ]);

  it('bottom-N by lowest mean and top-N by highest, ties broken by pass rate, calls, id; no agent, no rank', () => {
    const r = ranking(agents, { bottom: 3, top: 2, minCalls: 1 });
    expect(r.eligible).toBe(5);
    expect(r.bottom.map((a) => [a.rank, a.agentId, a.mean])).toEqual([[1, 'd', 60], [2, 'b', 85], [3, 'e', 85]]);
    expect(r.top.map((a) => [a.rank, a.agentId, a.mean])).toEqual([[1, 'a', 90], [2, 'e', 85]]);
    expect(r.bottom[0]).toEqual({ rank: 1, agentId: 'd', teams: ['t'], calls: 1, mean: 60, passRate: 0, vetoes: 0 });
  });

  it('leaves out agents with fewer than minCalls calls; lists may overlap when agents are few', () => {
    const r = ranking(agents, { bottom: 100, top: 30, minCalls: 2 });
    expect(r).toMatchObject({ eligible: 3, minCalls: 2 });
    expect(r.bottom.map((a) => a.agentId)).toEqual(['b', 'e', 'a']);
    expect(r.top.map((a) => a.agentId)).toEqual(['a', 'e', 'b']);
    expect(ranking(agents, { bottom: 0, top: 0, minCalls: 1 })).toEqual({ eligible: 5, minCalls: 1, bottom: [], top: [] });
  });
});

describe('go-live check', () => {
  const from = Date.UTC(2026, 10, 2);
  const at = (callId: string, startedAt: number, total: number, agentId = 'new-1') => counted(result(callId, agentId, 't', total, { startedAt }));

  it('averages the agent\u2019s calls of the week from `from` against the pass mark', () => {
    const calls = [
      at('before', from - 1, 0),
      at('w1', from, 80),
      at('w3', from + 3 * 86_400_000, 95),
      at('w2', from + 86_400_000, 80),
      at('last', from + WEEK_MS - 1, 85),
      at('after', from + WEEK_MS, 0),
      at('other', from + 5, 0, 'someone-else'),
    ];
    const r = goLiveCheck(calls, { agentId: 'new-1', from, passMark: 85, now: from + WEEK_MS });
    expect(r).toMatchObject({ agentId: 'new-1', from, to: from + WEEK_MS, complete: true, calls: 4, average: 85, passMark: 85, passed: true });
    expect(r.results.map((c) => c.callId)).toEqual(['w1', 'w2', 'w3', 'last']);
    expect(r.results[0]).toEqual({ callId: 'w1', startedAt: from, total: 80, passed: false, veto: false, reviewed: false });
  });

  it('fails below the pass mark, and without calls; is provisional until the week is over', () => {
    const r = goLiveCheck([at('w1', from, 84.5), at('w2', from + 1, 85)], { agentId: 'new-1', from, passMark: 85, now: from + 2 });
    expect(r).toMatchObject({ calls: 2, average: 84.75, passed: false, complete: false });
    expect(goLiveCheck([], { agentId: 'new-1', from, passMark: 85, now: from })).toMatchObject({ calls: 0, average: null, passed: false, results: [] });
  });
});

describe('score distribution', () => {
  it('bins totals by ten points, 100 in the last bin, with count, mean and passes', () => {
    const d = scoreDistribution([
      { total: 72.5, passed: false },
      { total: 100, passed: true },
      { total: 90, passed: true },
      { total: 0, passed: false },
      { total: 79.99, passed: false },
    ]);
    expect(d.bins.map((b) => b.calls)).toEqual([1, 0, 0, 0, 0, 0, 0, 2, 0, 2]);
    expect(d.bins[9]).toEqual({ from: 90, to: 100, calls: 2, passed: 2 });
    expect(d).toMatchObject({ calls: 5, passed: 2, mean: 68.5 });
  });

  it('has no mean without calls', () => {
    const d = scoreDistribution([]);
    expect(d.mean).toBeNull();
    expect(d.bins).toHaveLength(10);
  });
});
