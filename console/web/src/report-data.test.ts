import { describe, expect, it } from 'vitest';
import {
  agreementRows, binLabel, dayStart, defaultPeriod, failureRows, histogramBars, kappaText, passMarkPosition, periodFromQuery,
  periodMs, rankingRows, ratePercent, scoreText, shortLabel, signedPoints, type ItemCalibration, type ItemRow, type RankedAgent, type ScoreBin,
} from './report-data';

const bins = (counts: number[]): ScoreBin[] => counts.map((calls, i) => ({ from: i * 10, to: i * 10 + 10, calls, passed: i >= 9 ? calls : 0 }));

describe('score distribution', () => {
  it('labels the bins and tones them against the pass mark', () => {
    const bars = histogramBars({ passMark: 85, calls: 2, mean: 86.25, passed: 1, bins: bins([0, 0, 0, 0, 0, 0, 0, 1, 0, 1]) });
    expect(bars.map((b) => b.label)).toEqual(['0–10', '10–20', '20–30', '30–40', '40–50', '50–60', '60–70', '70–80', '80–90', '90–100']);
    expect(bars.map((b) => b.tone)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'mixed', 'pass']);
    expect(bars[7]).toMatchObject({ calls: 1, passed: 0 });
    // A pass mark on a bin edge: the bin above passes wholly, the one below fails wholly.
    expect(histogramBars({ passMark: 80, calls: 0, mean: null, passed: 0, bins: bins(Array(10).fill(0)) }).slice(7, 9).map((b) => b.tone)).toEqual(['fail', 'pass']);
    expect(binLabel({ from: 90, to: 100 })).toBe('90–100');
  });

  it('places the pass mark on the category axis (bar i centred on i)', () => {
    const ten = bins(Array(10).fill(0));
    expect(passMarkPosition(ten, 85)).toBe(8);
    expect(passMarkPosition(ten, 80)).toBe(7.5);
    expect(passMarkPosition(ten, 100)).toBe(9.5);
    expect(passMarkPosition(ten, 0)).toBe(-0.5);
    expect(passMarkPosition([], 85)).toBeNull();
  });
});

describe('item failure rates', () => {
  const item = (itemId: string, failures: number, applicable: number, kind: ItemRow['kind'] = 'score'): ItemRow => ({
    itemId, name: itemId, sectionId: 's', kind, maxPoints: 5, calls: applicable, statuses: {}, applicable, failures,
    failureRate: kind === 'bonus' || applicable === 0 ? null : failures / applicable, meanPoints: null,
  });
  it('keeps items with a rate, highest first, then most failures, then id', () => {
    const rows = failureRows([item('b', 1, 4), item('praise', 0, 4, 'bonus'), item('a', 2, 2), item('never', 0, 0), item('c', 2, 8), item('d', 1, 4)]);
    expect(rows.map((r) => r.itemId)).toEqual(['a', 'c', 'b', 'd']); // c, b and d all 25%: c failed twice
  });
});

describe('agent ranking', () => {
  const agent = (agentId: string, mean: number, rank = 0): RankedAgent => ({ rank, agentId, teams: ['t'], calls: 1, mean, passRate: mean >= 85 ? 1 : 0, vetoes: 0 });
  it('charts every agent, highest first, when they fit', () => {
    const top = [agent('a-3', 100, 1), agent('a-1', 92.5, 2), agent('a-2', 80, 3)];
    const r = rankingRows({ eligible: 3, minCalls: 1, top, bottom: [...top].reverse() });
    expect(r.hidden).toBe(0);
    expect(r.agents.map((a) => [a.place, a.agentId])).toEqual([[1, 'a-3'], [2, 'a-1'], [3, 'a-2']]);
  });

  it('charts the highest and lowest halves beyond the maximum, with their places and how many are left out', () => {
    const all = Array.from({ length: 10 }, (_, i) => agent(`a-${i}`, 100 - i));
    const r = rankingRows({ eligible: 10, minCalls: 1, top: all.slice(0, 6), bottom: [...all].reverse().slice(0, 3) }, 4);
    expect(r.agents.map((a) => [a.place, a.agentId])).toEqual([[1, 'a-0'], [2, 'a-1'], [9, 'a-8'], [10, 'a-9']]);
    expect(r.hidden).toBe(6);
  });

  it('does not list an agent twice when the halves overlap', () => {
    const all = Array.from({ length: 5 }, (_, i) => agent(`a-${i}`, 100 - i));
    const r = rankingRows({ eligible: 5, minCalls: 1, top: all.slice(0, 3), bottom: [...all].reverse().slice(0, 3) }, 4);
    expect(r.agents.map((a) => a.agentId)).toEqual(['a-0', 'a-1', 'a-3', 'a-4']);
    expect(r.hidden).toBe(1);
  });
});

describe('calibration', () => {
  const cal = (itemId: string, n: number, percentAgreement: number | null): ItemCalibration => ({
    itemId, name: itemId, sectionId: 's', kind: 'score', maxPoints: 5, confusion: {}, n, agreements: 0, percentAgreement, kappa: null, overrides: 0, overrideRate: 0, meanPointsDelta: 0,
  });
  it('lists reviewed items, lowest agreement first, ties in the API order', () => {
    const rows = agreementRows([cal('x', 3, 66.67), cal('none', 0, null), cal('y', 3, 100), cal('w', 3, 66.67), cal('z', 3, 33.33)]);
    expect(rows.map((r) => r.itemId)).toEqual(['z', 'x', 'w', 'y']);
  });
  it('writes kappa, rates and point changes', () => {
    expect(kappaText(0.4)).toBe('0.40');
    expect(kappaText(null)).toBe('—');
    expect(ratePercent(0.25)).toBe('25%');
    expect(ratePercent(0.3333)).toBe('33.3%');
    expect(ratePercent(0.6667)).toBe('66.7%');
    expect(ratePercent(1)).toBe('100%');
    expect(signedPoints(1.67)).toBe('+1.67');
    expect(signedPoints(-0.83)).toBe('−0.83');
    expect(signedPoints(0)).toBe('0');
    expect([88.75, 77.5, 100, 90.833].map(scoreText)).toEqual(['88.75', '77.5', '100', '90.83']);
  });
});

describe('labels', () => {
  it('cuts long labels with an ellipsis, counting characters not UTF-16 units', () => {
    expect(shortLabel('控制通话节奏：无冷场、保持不超时', 8)).toBe('控制通话节奏：…');
    expect(shortLabel('录音告知', 8)).toBe('录音告知');
  });
});

describe('the period filter', () => {
  const now = new Date(2026, 10, 23, 15, 30); // 23 November 2026, local time
  it('defaults to the last 30 days including today', () => {
    expect(defaultPeriod(now)).toEqual({ from: '2026-10-25', to: '2026-11-23' });
    expect(periodFromQuery({}, now)).toEqual({ from: '2026-10-25', to: '2026-11-23' });
  });
  it('takes readable days from the query and falls back on the others', () => {
    expect(periodFromQuery({ from: '2026-11-01', to: '2026-02-30' }, now)).toEqual({ from: '2026-11-01', to: '2026-11-23' });
    expect(dayStart('2026-13-01')).toBeNull();
    expect(dayStart('yesterday')).toBeNull();
  });
  it('turns whole local days into the API\'s [from, to) in ms', () => {
    expect(periodMs({ from: '2026-11-01', to: '2026-11-23' })).toEqual({ from: new Date(2026, 10, 1).getTime(), to: new Date(2026, 10, 24).getTime() });
    expect(periodMs({ from: '2026-11-23', to: '2026-11-23' })).toEqual({ from: new Date(2026, 10, 23).getTime(), to: new Date(2026, 10, 24).getTime() });
    expect(periodMs({ from: '2026-11-24', to: '2026-11-23' })).toBeNull();
    expect(periodMs({ from: '2026-12-31', to: '2027-01-01' })).toEqual({ from: new Date(2026, 11, 31).getTime(), to: new Date(2027, 0, 2).getTime() });
  });
});
