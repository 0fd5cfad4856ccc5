/**
 * Calibration 校准: how far inspectors agree with the machine pre-score, per scorecard item, and which items'
 * machine judgements they override most (the list a rule author fixes first). Pure maths over stored results
 * with their latest review; GET /v1/qa/calibration serves it (docs/qa.md "Calibration and reports").
 *
 * The two raters are the machine (the stored result) and the inspector (the latest review: an item the review
 * does not list is confirmed, so the inspector's points equal the machine's). Each (call, item) pair is one
 * judgement, put in a category:
 * - items with points (score, bonus, penalty): `full` (|points| = the item's maximum), `zero` (0 points) or
 *   `partial` (anything between);
 * - veto-only items (0 points, `veto` rules): `veto` or `clear`. The inspector clears a machine veto with the
 *   review's `veto: false`; a veto the inspector adds (`veto: true` where the machine found none) names no item,
 *   so it counts only in the call-level veto figure.
 * Agreement and Cohen's kappa compare categories; an *override* is a change of points (or a cleared veto), so a
 * partial 2.5 raised to a partial 5 of 10 is an override on which the categories still agree.
 */
import type { ItemResult } from './score.js';
import type { Review, StoredResult } from './qa-store.js';

export type Judgement = 'full' | 'partial' | 'zero' | 'veto' | 'clear';

/** Rater A's category → rater B's category → count (here: machine → inspector). */
export type Confusion = Record<string, Record<string, number>>;

export interface Agreement {
  /** Judgements compared. */
  n: number;
  /** p_o: the share of judgements in the same category; null when n = 0. */
  observed: number | null;
  /** p_e: the agreement expected by chance from the two raters' marginals, Σ_k (a_k / n)(b_k / n). */
  expected: number | null;
  /** (p_o − p_e) / (1 − p_e); null when n = 0 or p_e = 1 (both raters put everything in one and the same category). */
  kappa: number | null;
}

/** Percent agreement and Cohen's kappa from a confusion table. */
export function agreement(confusion: Confusion): Agreement {
  let n = 0;
  let same = 0;
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  for (const [a, row] of Object.entries(confusion)) {
    for (const [b, count] of Object.entries(row)) {
      if (count <= 0) continue;
      n += count;
      if (a === b) same += count;
      rows.set(a, (rows.get(a) ?? 0) + count);
      cols.set(b, (cols.get(b) ?? 0) + count);
    }
  }
  if (n === 0) return { n: 0, observed: null, expected: null, kappa: null };
  let expected = 0;
  for (const [k, a] of rows) expected += (a / n) * ((cols.get(k) ?? 0) / n);
  const observed = same / n;
  // p_e = 1 only when both raters used a single, shared category: kappa is 0/0, undefined.
  const kappa = expected >= 1 - 1e-12 ? null : (observed - expected) / (1 - expected);
  return { n, observed, expected, kappa };
}

/** Adds one (a, b) judgement pair to a confusion table. */
export function tally(confusion: Confusion, a: string, b: string): void {
  const row = (confusion[a] ??= {});
  row[b] = (row[b] ?? 0) + 1;
}

export interface ItemCalibration {
  itemId: string;
  name: string;
  sectionId: string;
  kind: ItemResult['kind'];
  maxPoints: number;
  /** Reviewed calls whose result has this item. */
  n: number;
  /** Judgements in the same category, machine and inspector. */
  agreements: number;
  /** 100 × p_o, 2 decimals; null when n = 0. */
  percentAgreement: number | null;
  /** Cohen's kappa, 4 decimals; null when undefined (see `agreement`). */
  kappa: number | null;
  /** Calls on which the inspector gave other points than the machine (or cleared its veto). */
  overrides: number;
  /** overrides / n, 4 decimals. */
  overrideRate: number;
  /** Mean of (inspector − machine) points: negative when the machine is too lenient, positive when too harsh. */
  meanPointsDelta: number;
  /** Machine category → inspector category → calls. */
  confusion: Confusion;
}

export interface AgreementFigures {
  n: number;
  percentAgreement: number | null;
  kappa: number | null;
}

export interface CalibrationReport {
  /** Calls with at least one review. */
  reviewedCalls: number;
  /** Call level: pass/fail and veto as the machine and the inspector judged them, and the totals' difference. */
  calls: {
    pass: AgreementFigures;
    veto: AgreementFigures;
    /** Calls whose total the review changed. */
    totalsChanged: number;
    /** Mean of (inspector − machine) totals; null when no call was reviewed. */
    meanTotalDelta: number | null;
  };
  /** Every (call, item) judgement pooled (categories mean different things on different items: read per item first). */
  overall: AgreementFigures & { overrides: number; overrideRate: number | null };
  /** Per item, most overridden first: by override rate, then override count, then item id. */
  items: ItemCalibration[];
  /** The first `limit` items with at least one override, in the same order. */
  mostOverridden: Pick<ItemCalibration, 'itemId' | 'name' | 'n' | 'overrides' | 'overrideRate' | 'meanPointsDelta'>[];
}

const round = (x: number, dp: number): number => {
  const f = 10 ** dp;
  return Math.round(x * f) / f;
};
const EPS = 1e-9;

function figures(c: Confusion): AgreementFigures {
  const a = agreement(c);
  return { n: a.n, percentAgreement: a.observed === null ? null : round(a.observed * 100, 2), kappa: a.kappa === null ? null : round(a.kappa, 4) };
}

/** An item's category given its points and whether it stands vetoed. */
export function judge(item: Pick<ItemResult, 'maxPoints'>, points: number, vetoed: boolean): Judgement {
  if (item.maxPoints === 0) return vetoed ? 'veto' : 'clear';
  const p = Math.abs(points);
  if (p >= item.maxPoints - EPS) return 'full';
  if (p <= EPS) return 'zero';
  return 'partial';
}

/** The inspector's view of one item: points, and whether its machine veto stands. */
export function reviewedItem(item: ItemResult, review: Pick<Review, 'items' | 'veto'>): { points: number; vetoed: boolean } {
  const override = review.items.find((o) => o.itemId === item.itemId);
  const machineVeto = item.status === 'veto';
  return { points: override?.points ?? item.points, vetoed: machineVeto && review.veto !== false };
}

interface ItemTally {
  meta: Pick<ItemCalibration, 'itemId' | 'name' | 'sectionId' | 'kind' | 'maxPoints'>;
  n: number;
  overrides: number;
  delta: number;
  confusion: Confusion;
}

/** Calibration over stored results; results without a review are skipped. `limit` caps `mostOverridden` (10). */
export function calibrate(results: Iterable<StoredResult>, opts: { limit?: number } = {}): CalibrationReport {
  const limit = opts.limit ?? 10;
  const items = new Map<string, ItemTally>();
  const pass: Confusion = {};
  const veto: Confusion = {};
  const pooled: Confusion = {};
  let reviewed = 0;
  let totalsChanged = 0;
  let totalDelta = 0;
  let overrides = 0;

  for (const { result, review } of results) {
    if (!review) continue;
    reviewed++;
    tally(pass, result.passed ? 'pass' : 'fail', review.passed ? 'pass' : 'fail');
    const machineVeto = result.veto !== null;
    tally(veto, machineVeto ? 'veto' : 'clear', (review.veto ?? machineVeto) ? 'veto' : 'clear');
    totalDelta += review.total - result.total;
    if (Math.abs(review.total - result.total) > EPS) totalsChanged++;

    for (const item of result.items) {
      const meta = { itemId: item.itemId, name: item.name, sectionId: item.sectionId, kind: item.kind, maxPoints: item.maxPoints };
      let t = items.get(item.itemId);
      if (!t) {
        t = { meta, n: 0, overrides: 0, delta: 0, confusion: {} };
        items.set(item.itemId, t);
      } else {
        t.meta = meta; // the newest result's name and points (results come oldest first)
      }
      const machineVetoed = item.status === 'veto';
      const insp = reviewedItem(item, review);
      const a = judge(item, item.points, machineVetoed);
      const b = judge(item, insp.points, insp.vetoed);
      const overridden = Math.abs(insp.points - item.points) > EPS || machineVetoed !== insp.vetoed;
      t.n++;
      t.delta += insp.points - item.points;
      if (overridden) {
        t.overrides++;
        overrides++;
      }
      tally(t.confusion, a, b);
      tally(pooled, a, b);
    }
  }

  const perItem: ItemCalibration[] = [...items.values()].map((t) => {
    const a = agreement(t.confusion);
    const agreements = Object.entries(t.confusion).reduce((s, [k, row]) => s + (row[k] ?? 0), 0);
    return {
      ...t.meta,
      n: t.n,
      agreements,
      percentAgreement: a.observed === null ? null : round(a.observed * 100, 2),
      kappa: a.kappa === null ? null : round(a.kappa, 4),
      overrides: t.overrides,
      overrideRate: round(t.overrides / t.n, 4),
      meanPointsDelta: round(t.delta / t.n, 2),
      confusion: t.confusion,
    };
  });
  perItem.sort((x, y) => y.overrideRate - x.overrideRate || y.overrides - x.overrides || (x.itemId < y.itemId ? -1 : x.itemId > y.itemId ? 1 : 0));
  const pooledFigures = figures(pooled);
  return {
    reviewedCalls: reviewed,
    calls: {
      pass: figures(pass),
      veto: figures(veto),
      totalsChanged,
      meanTotalDelta: reviewed === 0 ? null : round(totalDelta / reviewed, 2),
    },
    overall: { ...pooledFigures, overrides, overrideRate: pooledFigures.n === 0 ? null : round(overrides / pooledFigures.n, 4) },
    items: perItem,
    mostOverridden: perItem
      .filter((i) => i.overrides > 0)
      .slice(0, limit)
      .map(({ itemId, name, n, overrides: o, overrideRate, meanPointsDelta }) => ({ itemId, name, n, overrides: o, overrideRate, meanPointsDelta })),
  };
}
