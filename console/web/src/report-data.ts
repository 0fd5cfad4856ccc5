/**
 * The QA reports and calibration pages' figures: API responses (console/routes/reports.ts) turned into the rows
 * and bar series the pages draw and tabulate, and the period filter's dates. Pure and DOM-free (unit-tested in
 * Node: report-data.test.ts).
 */

import type { AgreementFigures, CalibrationReport, ItemCalibration } from '../../../engine/qa/calibration.js';
import type { ItemRow, RankedAgent, Ranking, ScoreBin, ScoreDistribution, ScoreSource, TeamRow } from '../../../engine/qa/reports.js';

/** The report shapes are the engine's (types only; nothing of the engine is bundled). */
export type { AgreementFigures, ItemCalibration, ItemRow, RankedAgent, ScoreBin, ScoreSource, TeamRow };

/** GET /v1/reports/distribution */
export type DistributionResponse = ScoreDistribution & { passMark: number };

/** GET /v1/reports/items */
export interface ItemsResponse {
  calls: number;
  items: ItemRow[];
}

/** GET /v1/reports/ranking */
export type RankingResponse = Ranking;

/** GET /v1/reports/teams */
export interface TeamsResponse {
  teams: TeamRow[];
}

/** GET /v1/qa/calibration */
export type CalibrationResponse = CalibrationReport;

/** How a bar reads against the pass mark: wholly at or above it, wholly below, or across it. */
export type Tone = 'pass' | 'fail' | 'mixed';

export interface HistogramBar extends ScoreBin {
  label: string;
  tone: Tone;
}

/** A bin's label: "70–80"; the last bin includes 100. */
export function binLabel(bin: Pick<ScoreBin, 'from' | 'to'>): string {
  return `${bin.from}–${bin.to}`;
}

/** The distribution's bins as bars, each toned by where it lies against the pass mark. */
export function histogramBars(d: DistributionResponse): HistogramBar[] {
  return d.bins.map((bin) => ({
    ...bin,
    label: binLabel(bin),
    tone: bin.from >= d.passMark ? 'pass' : bin.to <= d.passMark ? 'fail' : 'mixed',
  }));
}

/**
 * Where the pass mark falls on a category axis of equal bins (bar i centred on i): 85 in 10-point bins from 0
 * is 8.0, the middle of the 80–90 bar.
 */
export function passMarkPosition(bins: readonly Pick<ScoreBin, 'from' | 'to'>[], passMark: number): number | null {
  const first = bins[0];
  if (!first) return null;
  const width = first.to - first.from;
  return (passMark - first.from) / width - 0.5;
}

/** The items with a failure rate (bonus items and items that never applied have none), highest rate first. */
export function failureRows(items: readonly ItemRow[]): (ItemRow & { failureRate: number })[] {
  return items
    .filter((i): i is ItemRow & { failureRate: number } => i.failureRate !== null)
    .sort((a, b) => b.failureRate - a.failureRate || b.failures - a.failures || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}

export interface RankingRows {
  /** Highest mean first, each with its place among all eligible agents (1 = the highest mean). */
  agents: (RankedAgent & { place: number })[];
  /** Agents left out between the highest and the lowest when there are more than the chart shows. */
  hidden: number;
}

/**
 * The agents to chart, highest mean first: all of them when `top` holds every eligible agent and they are no
 * more than `max`, else the `max / 2` highest and the `max / 2` lowest (for coaching), `hidden` counting those
 * between.
 */
export function rankingRows(r: RankingResponse, max = 30): RankingRows {
  if (r.top.length >= r.eligible && r.eligible <= max) return { agents: r.top.slice(0, r.eligible).map((a, i) => ({ ...a, place: i + 1 })), hidden: 0 };
  const half = Math.floor(max / 2);
  const highest = r.top.slice(0, half).map((a, i) => ({ ...a, place: i + 1 }));
  const lowest = r.bottom
    .slice(0, half)
    .map((a, j) => ({ ...a, place: r.eligible - j }))
    .filter((a) => !highest.some((h) => h.agentId === a.agentId))
    .reverse();
  return { agents: [...highest, ...lowest], hidden: Math.max(0, r.eligible - highest.length - lowest.length) };
}

/** Items someone reviewed, lowest agreement first (ties keep the API's most-overridden-first order). */
export function agreementRows(items: readonly ItemCalibration[]): (ItemCalibration & { percentAgreement: number })[] {
  return items
    .filter((i): i is ItemCalibration & { percentAgreement: number } => i.n > 0 && i.percentAgreement !== null)
    .map((item, order) => ({ item, order }))
    .sort((a, b) => a.item.percentAgreement - b.item.percentAgreement || a.order - b.order)
    .map(({ item }) => item);
}

/** A label cut to `max` characters with an ellipsis (axis labels; the table and tooltip keep the whole name). */
export function shortLabel(text: string, max = 14): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A score or mean with up to 2 decimals, as the API rounds it: 88.75, 77.5, 100. */
export function scoreText(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** A kappa to 2 decimals, "—" where undefined. */
export function kappaText(kappa: number | null): string {
  return kappa === null ? '—' : kappa.toFixed(2);
}

/** A 0–1 rate as a percentage with one decimal when it needs one: 0.25 → "25%", 0.3333 → "33.3%". */
export function ratePercent(rate: number): string {
  const p = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** Height in px of a horizontal bar chart with `bars` bars: room per bar plus the axis. */
export function barChartHeight(bars: number): number {
  return Math.max(140, 60 + 28 * bars);
}

// ---- The period filter: whole local days, from/to inclusive, as YYYY-MM-DD in the URL ----

export interface PeriodDays {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day (included), YYYY-MM-DD. */
  to: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A local date as YYYY-MM-DD. */
export function dayString(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight of a YYYY-MM-DD day, in ms; null when it is no real date. */
export function dayStart(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d ? date.getTime() : null;
}

/** The last `days` days up to and including today. */
export function defaultPeriod(now: Date, days = 30): PeriodDays {
  const first = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  return { from: dayString(first), to: dayString(now) };
}

/** The period from the URL query, the default where a day is missing or unreadable. */
export function periodFromQuery(query: Record<string, string | undefined>, now: Date): PeriodDays {
  const fallback = defaultPeriod(now);
  const ok = (d: string | undefined): d is string => d !== undefined && dayStart(d) !== null;
  return { from: ok(query.from) ? query.from : fallback.from, to: ok(query.to) ? query.to : fallback.to };
}

/** The API's [from, to) in ms: from the first day's midnight to the midnight after the last; null when to is before from. */
export function periodMs(p: PeriodDays): { from: number; to: number } | null {
  const from = dayStart(p.from);
  const last = dayStart(p.to);
  if (from === null || last === null) return null;
  const d = new Date(last);
  const to = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  return from <= last ? { from, to } : null;
}

/** A points difference with its sign: "+1.67", "−0.83", "0". */
export function signedPoints(delta: number): string {
  if (delta === 0) return '0';
  const text = String(Math.round(Math.abs(delta) * 100) / 100);
  return delta > 0 ? `+${text}` : `−${text}`;
}
