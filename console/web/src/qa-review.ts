/**
 * An inspector's review of one call's machine score (docs/qa.md "Results"): the form's state, the
 * POST /v1/qa/results/:callId/reviews body built from it, and the human total shown while editing.
 * DOM-free, so it is unit-tested in Node (qa-review.test.ts).
 */
import type { ItemResult } from './events';
import type { Review } from '../../../engine/qa/qa-store.js';
import type { QaResult } from '../../../engine/qa/score.js';

/** A stored review, as GET /v1/qa/results/:callId lists them (oldest first). */
export type { Review };

/** GET /v1/qa/results/:callId: the machine result, every review, and the scorecard's section names. */
export interface QaResultDetail extends QaResult {
  scoredAt: number;
  reviews: Review[];
  sections?: { sectionId: string; name: string }[];
  /** How reviews are totalled on a veto (the loaded scorecard's). */
  vetoMode?: 'zero' | 'fail';
}

export type VetoChoice = 'machine' | 'veto' | 'clear';

export interface ItemDecision {
  /** false: confirm the machine's points. */
  override: boolean;
  /** The input's text, parsed on submit. */
  points: string;
  comment: string;
}

export interface ReviewForm {
  reviewer: string;
  comment: string;
  veto: VetoChoice;
  items: Record<string, ItemDecision>;
}

export interface ReviewBody {
  reviewer: string;
  comment?: string;
  veto?: boolean;
  items: { itemId: string; points: number; comment?: string }[];
}

export type FormProblem = { kind: 'reviewer-missing' } | { kind: 'points-out-of-range'; itemId: string; min: number; max: number };

type ScoredItem = Pick<ItemResult, 'itemId' | 'kind' | 'maxPoints' | 'points'>;

/** The points an inspector may give an item: a penalty −max…0, anything else 0…max (as the API checks). */
export function itemRange(item: Pick<ItemResult, 'kind' | 'maxPoints'>): { min: number; max: number } {
  return item.kind === 'penalty' ? { min: -item.maxPoints, max: 0 } : { min: 0, max: item.maxPoints };
}

export function latestReview(result: Pick<QaResultDetail, 'reviews'>): Review | null {
  return result.reviews[result.reviews.length - 1] ?? null;
}

/** The form as the latest review left it (so an override shows again after a reload), else all confirmed. */
export function initialForm(result: Pick<QaResultDetail, 'items' | 'reviews'>): ReviewForm {
  const latest = latestReview(result);
  const items: Record<string, ItemDecision> = {};
  for (const item of result.items) {
    const o = latest?.items.find((x) => x.itemId === item.itemId);
    items[item.itemId] = o ? { override: true, points: String(o.points), comment: o.comment ?? '' } : { override: false, points: String(item.points), comment: '' };
  }
  const veto: VetoChoice = latest?.veto === true ? 'veto' : latest?.veto === false ? 'clear' : 'machine';
  return { reviewer: latest?.reviewer ?? '', comment: latest?.comment ?? '', veto, items };
}

function parsePoints(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** The override's points when they are a number within the item's range, else null. */
export function overridePoints(item: ScoredItem, decision: ItemDecision | undefined): number | null {
  if (!decision?.override) return null;
  const n = parsePoints(decision.points);
  const { min, max } = itemRange(item);
  return n !== null && n >= min && n <= max ? n : null;
}

/** Every problem that would make the API refuse the review (reviewer missing, points not in range). */
export function formProblems(items: readonly ScoredItem[], form: ReviewForm): FormProblem[] {
  const problems: FormProblem[] = [];
  if (form.reviewer.trim() === '') problems.push({ kind: 'reviewer-missing' });
  for (const item of items) {
    const d = form.items[item.itemId];
    if (d?.override && overridePoints(item, d) === null) problems.push({ kind: 'points-out-of-range', itemId: item.itemId, ...itemRange(item) });
  }
  return problems;
}

/** The POST body: overridden items only (the rest are confirmed); empty comments and an unchanged veto left out. */
export function reviewBody(items: readonly ScoredItem[], form: ReviewForm): ReviewBody {
  const body: ReviewBody = { reviewer: form.reviewer.trim(), items: [] };
  if (form.comment.trim()) body.comment = form.comment.trim();
  if (form.veto !== 'machine') body.veto = form.veto === 'veto';
  for (const item of items) {
    const d = form.items[item.itemId];
    const points = overridePoints(item, d);
    if (d && points !== null) body.items.push({ itemId: item.itemId, points, ...(d.comment.trim() ? { comment: d.comment.trim() } : {}) });
  }
  return body;
}

/** The result's veto mode; without one, a vetoed call whose total stayed above 0 was scored in `fail` mode. */
export function inferVetoMode(result: Pick<QaResultDetail, 'veto' | 'total' | 'vetoMode'>): 'zero' | 'fail' {
  return result.vetoMode ?? (result.veto !== null && result.total > 0 ? 'fail' : 'zero');
}

/**
 * The inspector's total and verdict as the form stands (invalid overrides count as the machine's points):
 * the same arithmetic as the server's (engine/qa/score.ts callTotal), shown before saving.
 */
export function humanTotal(result: Pick<QaResultDetail, 'items' | 'veto' | 'total' | 'passMark' | 'vetoMode'>, form: ReviewForm): { total: number; passed: boolean } {
  const points = result.items.map((i) => overridePoints(i, form.items[i.itemId]) ?? i.points);
  const sum = points.reduce((s, p) => s + p, 0);
  const maxBase = result.items.filter((i) => i.kind === 'score').reduce((s, i) => s + i.maxPoints, 0);
  const veto = form.veto === 'machine' ? result.veto !== null : form.veto === 'veto';
  let total = Math.round(Math.min(maxBase, Math.max(0, sum)) * 100) / 100;
  if (veto && inferVetoMode(result) === 'zero') total = 0;
  return { total, passed: !veto && total >= result.passMark };
}

/** Items grouped by section in scorecard order, each section named when the result carries its name. */
export function itemsBySection<T extends Pick<ItemResult, 'sectionId'>>(items: readonly T[], sections: readonly { sectionId: string; name: string }[] = []): { sectionId: string; name: string; items: T[] }[] {
  const groups: { sectionId: string; name: string; items: T[] }[] = [];
  for (const item of items) {
    let g = groups.find((x) => x.sectionId === item.sectionId);
    if (!g) {
      g = { sectionId: item.sectionId, name: sections.find((s) => s.sectionId === item.sectionId)?.name ?? item.sectionId, items: [] };
      groups.push(g);
    }
    g.items.push(item);
  }
  return groups;
}
