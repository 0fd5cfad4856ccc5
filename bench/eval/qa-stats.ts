/**
 * Agreement statistics for the QA evaluation: confusion counts and Cohen's kappa on a binary judgement
 * (machine vs inspector), and the inspector's total computed with the scorecard's own arithmetic.
 */
import type { Scorecard } from '../../engine/qa/scorecard.js';
import { callTotal } from '../../engine/qa/score.js';
import { cardItems, expectedPoints, type ExpectedValue } from './qa-set.js';

/** Machine vs inspector on one binary judgement: both yes (tp), machine only (fp), inspector only (fn), neither (tn). */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function confusion(pairs: readonly { machine: boolean; expected: boolean }[]): Confusion {
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const p of pairs) {
    if (p.machine && p.expected) c.tp++;
    else if (p.machine) c.fp++;
    else if (p.expected) c.fn++;
    else c.tn++;
  }
  return c;
}

export interface Kappa {
  /** Observed agreement. */
  po: number;
  /** Agreement expected by chance from the two raters' marginals. */
  pe: number;
  /**
   * (po − pe) / (1 − pe). null when pe = 1: both raters gave one and the same answer to every call, so agreement
   * beyond chance is undefined (the set has no case that could tell them apart).
   */
  kappa: number | null;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Cohen's kappa for two raters on a binary judgement, from the confusion counts. */
export function cohenKappa(c: Confusion): Kappa {
  const n = c.tp + c.fp + c.fn + c.tn;
  if (n === 0) return { po: 0, pe: 0, kappa: null };
  const po = (c.tp + c.tn) / n;
  const machineYes = (c.tp + c.fp) / n;
  const expectedYes = (c.tp + c.fn) / n;
  const pe = machineYes * expectedYes + (1 - machineYes) * (1 - expectedYes);
  if (Math.abs(1 - pe) < 1e-12) return { po: r3(po), pe: r3(pe), kappa: null };
  return { po: r3(po), pe: r3(pe), kappa: r3((po - pe) / (1 - pe)) };
}

/**
 * The inspector's total, with score.ts's arithmetic (callTotal): score items (not applicable = full marks) + bonus + penalty,
 * kept between 0 and the score items' full marks; a veto scores 0 when the scorecard's vetoMode is `zero`.
 */
export function expectedTotal(card: Scorecard, labels: Readonly<Record<string, ExpectedValue>>, veto: boolean): { total: number; passed: boolean } {
  const items = cardItems(card).map((ci) => ({ kind: ci.kind, maxPoints: ci.item.points, points: expectedPoints(ci, labels[ci.item.id]!) }));
  return callTotal(items, veto, card.vetoMode, card.passMark);
}

/** Is the item flagged: a score item below full marks, a bonus given, a penalty taken, a veto. */
export function flagged(kind: 'score' | 'bonus' | 'penalty', maxPoints: number, points: number, vetoed: boolean): boolean {
  if (vetoed) return true;
  if (kind === 'score') return points < maxPoints - 1e-9;
  return Math.abs(points) > 1e-9;
}
