/**
 * The QA list's filters: read from the page's URL query (a reload keeps them), written back to it, and
 * turned into GET /v1/qa/results parameters. DOM-free (qa-filters.test.ts).
 */
import { query } from './api';

export type TriState = '' | 'true' | 'false';

export interface QaListFilters {
  agentId: string;
  team: string;
  /** The machine verdict. */
  passed: TriState;
  veto: TriState;
  reviewed: TriState;
  /** A band on the machine total, 0–100 (inclusive). */
  minScore: string;
  maxScore: string;
  failedItem: string;
  /** Call start days, YYYY-MM-DD in the browser's time zone, both included. */
  from: string;
  to: string;
}

export const NO_FILTERS: QaListFilters = { agentId: '', team: '', passed: '', veto: '', reviewed: '', minScore: '', maxScore: '', failedItem: '', from: '', to: '' };

export const PAGE_SIZE = 50;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ITEM_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const tri = (v: string | undefined): TriState => (v === 'true' || v === 'false' ? v : '');
const score = (v: string | undefined): string => (v !== undefined && /^\d+(\.\d+)?$/.test(v) && Number(v) <= 100 ? v : '');
const day = (v: string | undefined): string => (v !== undefined && DAY.test(v) ? v : '');
const text = (v: string | undefined): string => (v ?? '').trim().slice(0, 128);

/** Filters from the URL query; values the API would refuse are dropped. */
export function filtersFromQuery(q: Record<string, string | undefined>): QaListFilters {
  return {
    agentId: text(q.agentId), team: text(q.team), passed: tri(q.passed), veto: tri(q.veto), reviewed: tri(q.reviewed),
    minScore: score(q.minScore), maxScore: score(q.maxScore), failedItem: ITEM_ID.test(q.failedItem ?? '') ? q.failedItem! : '',
    from: day(q.from), to: day(q.to),
  };
}

/** The paging cursor from the URL query: calls that started before this time. */
export function beforeFromQuery(q: Record<string, string | undefined>): number | null {
  return q.before !== undefined && /^\d{1,15}$/.test(q.before) ? Number(q.before) : null;
}

/** The page's own URL for these filters and page. */
export function listUrl(path: string, f: QaListFilters, before: number | null = null): string {
  return path + query({ ...f, before });
}

/** Local midnight of a YYYY-MM-DD day, `plusDays` later, in ms since the epoch. */
export function dayStart(value: string, plusDays = 0): number {
  const [, y, m, d] = DAY.exec(value)!;
  return new Date(Number(y), Number(m) - 1, Number(d) + plusDays).getTime();
}

/** GET /v1/qa/results with these filters: the `to` day is included (the API's `to` is exclusive). */
export function resultsPath(f: QaListFilters, before: number | null, limit = PAGE_SIZE): string {
  return (
    '/v1/qa/results' +
    query({
      agentId: f.agentId, team: f.team, passed: f.passed, veto: f.veto, reviewed: f.reviewed, minScore: f.minScore, maxScore: f.maxScore,
      failedItem: f.failedItem, from: f.from ? dayStart(f.from) : '', to: f.to ? dayStart(f.to, 1) : '', before, limit,
    })
  );
}
