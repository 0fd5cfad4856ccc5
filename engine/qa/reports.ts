/**
 * QA reports 质检报表 for the QA lead and trainers: scores per agent and team, per-item failure rates, the
 * bottom-N agents for one-to-one coaching and the top-N, and a new agent's go-live check. Pure functions over
 * results (the period is chosen in SQL: report-queries.ts); console/routes/reports.ts serves them as JSON.
 *
 * Which score counts (`ScoreSource`): `final` (the default) takes an inspector's latest review where the call was
 * reviewed — its points per item, total, pass and veto — and the machine's score elsewhere; `machine` ignores
 * reviews. Every function takes an Iterable and keeps only per-group sums, so a long period is streamed, not held.
 */
import type { Review, StoredResult } from './qa-store.js';
import type { ItemResult, ItemStatus, QaResult } from './score.js';

export type ScoreSource = 'final' | 'machine';

/** A result as the reports count it. */
export type ReportResult = QaResult & { reviewed: boolean };

const round = (x: number, dp: number): number => {
  const f = 10 ** dp;
  return Math.round(x * f) / f;
};
const EPS = 1e-9;
const byKey = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);

/** An item's status once an inspector gave it `points`. */
function reviewedStatus(item: ItemResult, points: number, vetoStands: boolean): ItemStatus {
  if (item.status === 'veto' && vetoStands) return 'veto';
  if (item.kind === 'bonus') return Math.abs(points) <= EPS ? 'none' : 'bonus';
  if (item.kind === 'penalty') return Math.abs(points) <= EPS ? 'none' : 'penalty';
  if (points >= item.maxPoints - EPS) return item.status === 'not-applicable' ? 'not-applicable' : 'pass';
  return points <= EPS ? 'failed' : 'deducted';
}

/**
 * The result with the review applied: overridden items get the inspector's points (and a status to match), the
 * total and pass are the review's; `veto: false` clears the machine's veto, `veto: true` on a call the machine
 * found clean marks it vetoed (itemId "review", no rules).
 */
export function applyReview(result: QaResult, review: Review | null): ReportResult {
  if (!review) return { ...result, reviewed: false };
  const overrides = new Map(review.items.map((o) => [o.itemId, o.points]));
  const vetoStands = review.veto !== false;
  const items = result.items.map((item) => {
    const points = overrides.get(item.itemId);
    if (points === undefined && (item.status !== 'veto' || vetoStands)) return item;
    const p = points ?? item.points;
    return { ...item, points: p, status: reviewedStatus(item, p, vetoStands) };
  });
  const veto = review.veto === false ? null : review.veto === true && !result.veto ? { itemId: 'review', ruleIds: [] } : result.veto;
  return { ...result, items, total: review.total, passed: review.passed, veto, reviewed: true };
}

/** Stored results as the reports count them. */
export function* reportResults(stored: Iterable<StoredResult>, source: ScoreSource = 'final'): Generator<ReportResult> {
  for (const s of stored) yield source === 'machine' ? { ...s.result, reviewed: s.review !== null } : applyReview(s.result, s.review);
}

export interface ScoreStats {
  calls: number;
  /** Mean total, 2 decimals. */
  mean: number;
  min: number;
  max: number;
  passed: number;
  /** passed / calls, 4 decimals. */
  passRate: number;
  /** Calls failed by a veto (一票否决). */
  vetoes: number;
  /** Calls an inspector reviewed. */
  reviewed: number;
}

class Stats {
  calls = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  passed = 0;
  vetoes = 0;
  reviewed = 0;
  add(r: Pick<ReportResult, 'total' | 'passed' | 'veto' | 'reviewed'>): void {
    this.calls++;
    this.sum += r.total;
    this.min = Math.min(this.min, r.total);
    this.max = Math.max(this.max, r.total);
    if (r.passed) this.passed++;
    if (r.veto) this.vetoes++;
    if (r.reviewed) this.reviewed++;
  }
  get rawMean(): number {
    return this.sum / this.calls;
  }
  out(): ScoreStats {
    return {
      calls: this.calls, mean: round(this.rawMean, 2), min: this.min, max: this.max, passed: this.passed,
      passRate: round(this.passed / this.calls, 4), vetoes: this.vetoes, reviewed: this.reviewed,
    };
  }
}

export interface AgentRow extends ScoreStats {
  /** null: calls that named no agent. */
  agentId: string | null;
  /** Teams the agent's calls named, sorted. */
  teams: string[];
}

export interface TeamRow extends ScoreStats {
  /** null: calls that named no team (metadata.team). */
  team: string | null;
  /** Distinct agents with calls in the team. */
  agents: number;
}

/** Scores per agent, sorted by agent id (calls without an agent last). */
export function agentReport(results: Iterable<ReportResult>): AgentRow[] {
  const groups = new Map<string | null, { stats: Stats; teams: Set<string> }>();
  for (const r of results) {
    let g = groups.get(r.agentId);
    if (!g) groups.set(r.agentId, (g = { stats: new Stats(), teams: new Set() }));
    g.stats.add(r);
    if (r.team !== null) g.teams.add(r.team);
  }
  return [...groups.entries()].sort(([a], [b]) => byKey(a, b)).map(([agentId, g]) => ({ agentId, teams: [...g.teams].sort(), ...g.stats.out() }));
}

/** Scores per team, sorted by team (calls without a team last). */
export function teamReport(results: Iterable<ReportResult>): TeamRow[] {
  const groups = new Map<string | null, { stats: Stats; agents: Set<string> }>();
  for (const r of results) {
    let g = groups.get(r.team);
    if (!g) groups.set(r.team, (g = { stats: new Stats(), agents: new Set() }));
    g.stats.add(r);
    if (r.agentId !== null) g.agents.add(r.agentId);
  }
  return [...groups.entries()].sort(([a], [b]) => byKey(a, b)).map(([team, g]) => ({ team, agents: g.agents.size, ...g.stats.out() }));
}

export interface ItemRow {
  itemId: string;
  name: string;
  sectionId: string;
  kind: ItemResult['kind'];
  maxPoints: number;
  /** Calls whose result has the item. */
  calls: number;
  /** Calls on which the item applied (not `not-applicable`). */
  applicable: number;
  /**
   * Applicable calls on which the item was lost: score items `deducted`, `failed` or `veto`; penalty items
   * `penalty` (the deduction was made) or `veto`; bonus items only `veto`.
   */
  failures: number;
  /** failures / applicable, 4 decimals; null when the item never applied, and for bonus items. */
  failureRate: number | null;
  /** Mean points over the applicable calls (not-applicable calls get full marks and would flatter it), 2 decimals. */
  meanPoints: number | null;
  /** Calls per item status. */
  statuses: Partial<Record<ItemStatus, number>>;
}

const FAILED: Record<ItemResult['kind'], ReadonlySet<ItemStatus>> = {
  score: new Set(['deducted', 'failed', 'veto']),
  penalty: new Set(['penalty', 'veto']),
  bonus: new Set(['veto']),
};

/** Per scorecard item: how often it applied and was lost. Highest failure rate first, then most failures, then id. */
export function itemReport(results: Iterable<Pick<QaResult, 'items'>>): ItemRow[] {
  const rows = new Map<string, ItemRow & { sum: number }>();
  for (const r of results) {
    for (const item of r.items) {
      let row = rows.get(item.itemId);
      if (!row) {
        row = { itemId: item.itemId, name: item.name, sectionId: item.sectionId, kind: item.kind, maxPoints: item.maxPoints, calls: 0, applicable: 0, failures: 0, failureRate: null, meanPoints: null, statuses: {}, sum: 0 };
        rows.set(item.itemId, row);
      }
      Object.assign(row, { name: item.name, sectionId: item.sectionId, kind: item.kind, maxPoints: item.maxPoints });
      row.calls++;
      row.statuses[item.status] = (row.statuses[item.status] ?? 0) + 1;
      if (item.status === 'not-applicable') continue;
      row.applicable++;
      row.sum += item.points;
      if (FAILED[item.kind].has(item.status)) row.failures++;
    }
  }
  const out: ItemRow[] = [...rows.values()].map(({ sum, ...row }) => ({
    ...row,
    failureRate: row.applicable === 0 || row.kind === 'bonus' ? null : round(row.failures / row.applicable, 4),
    meanPoints: row.applicable === 0 ? null : round(sum / row.applicable, 2),
  }));
  return out.sort((a, b) => (b.failureRate ?? -1) - (a.failureRate ?? -1) || b.failures - a.failures || byKey(a.itemId, b.itemId));
}

export interface RankedAgent {
  /** 1 = the lowest mean in `bottom`, the highest in `top`. */
  rank: number;
  agentId: string;
  teams: string[];
  calls: number;
  mean: number;
  passRate: number;
  vetoes: number;
}

export interface Ranking {
  /** Agents with at least `minCalls` calls in the period (calls without an agent are not ranked). */
  eligible: number;
  minCalls: number;
  /** The lowest means first (ties: lower pass rate, then more calls, then agent id): one-to-one coaching. */
  bottom: RankedAgent[];
  /** The highest means first (ties: higher pass rate, then more calls, then agent id): recording sessions. */
  top: RankedAgent[];
}

/** Bottom-N and top-N agents by mean score. With fewer than bottom + top agents the two lists overlap. */
export function ranking(agents: readonly AgentRow[], opts: { bottom: number; top: number; minCalls: number }): Ranking {
  const eligible = agents.filter((a): a is AgentRow & { agentId: string } => a.agentId !== null && a.calls >= opts.minCalls);
  const entry = (a: AgentRow & { agentId: string }, i: number): RankedAgent => ({
    rank: i + 1, agentId: a.agentId, teams: a.teams, calls: a.calls, mean: a.mean, passRate: a.passRate, vetoes: a.vetoes,
  });
  const tie = (a: AgentRow & { agentId: string }, b: AgentRow & { agentId: string }): number => b.calls - a.calls || byKey(a.agentId, b.agentId);
  const asc = [...eligible].sort((a, b) => a.mean - b.mean || a.passRate - b.passRate || tie(a, b));
  const desc = [...eligible].sort((a, b) => b.mean - a.mean || b.passRate - a.passRate || tie(a, b));
  return { eligible: eligible.length, minCalls: opts.minCalls, bottom: asc.slice(0, opts.bottom).map(entry), top: desc.slice(0, opts.top).map(entry) };
}

export const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface GoLiveCheck {
  agentId: string;
  /** The week checked: calls that started in [from, to). */
  from: number;
  to: number;
  /** Whether the week is over (now ≥ to): before that the verdict is provisional. */
  complete: boolean;
  calls: number;
  /** Mean total of the week's calls, 2 decimals; null without calls. */
  average: number | null;
  passMark: number;
  /** At least one call, and the (unrounded) average ≥ passMark. */
  passed: boolean;
  /** The week's calls, oldest first. */
  results: { callId: string; startedAt: number; total: number; passed: boolean; veto: boolean; reviewed: boolean }[];
}

/** A new agent's go-live check: the average over the agent's calls in the week from `from` against the pass mark. */
export function goLiveCheck(results: Iterable<ReportResult>, opts: { agentId: string; from: number; passMark: number; now: number }): GoLiveCheck {
  const to = opts.from + WEEK_MS;
  const calls = [...results]
    .filter((r) => r.agentId === opts.agentId && r.startedAt >= opts.from && r.startedAt < to)
    .sort((a, b) => a.startedAt - b.startedAt || byKey(a.callId, b.callId));
  const mean = calls.length === 0 ? null : calls.reduce((s, r) => s + r.total, 0) / calls.length;
  return {
    agentId: opts.agentId, from: opts.from, to, complete: opts.now >= to, calls: calls.length,
    average: mean === null ? null : round(mean, 2), passMark: opts.passMark, passed: mean !== null && mean >= opts.passMark - EPS,
    results: calls.map((r) => ({ callId: r.callId, startedAt: r.startedAt, total: r.total, passed: r.passed, veto: r.veto !== null, reviewed: r.reviewed })),
  };
}

/** Width of a score-distribution bin: ten bins over 0–100, the last one closed (100 counts in 90–100). */
export const SCORE_BIN = 10;

export interface ScoreBin {
  /** Totals in [from, to); the last bin is [90, 100]. */
  from: number;
  to: number;
  calls: number;
  passed: number;
}

export interface ScoreDistribution {
  calls: number;
  /** Mean total, 2 decimals; null without calls. */
  mean: number | null;
  passed: number;
  bins: ScoreBin[];
}

/** Totals in 10-point bins 0–100 (calls and passes per bin), with the calls' count, mean and passes. */
export function scoreDistribution(results: Iterable<{ total: number; passed: boolean }>): ScoreDistribution {
  const bins: ScoreBin[] = Array.from({ length: 100 / SCORE_BIN }, (_, i) => ({ from: i * SCORE_BIN, to: (i + 1) * SCORE_BIN, calls: 0, passed: 0 }));
  let calls = 0;
  let sum = 0;
  let passed = 0;
  for (const r of results) {
    const bin = bins[Math.min(bins.length - 1, Math.max(0, Math.floor(r.total / SCORE_BIN)))]!;
    bin.calls++;
    calls++;
    sum += r.total;
    if (r.passed) {
      bin.passed++;
      passed++;
    }
  }
  return { calls, mean: calls === 0 ? null : Math.round((sum / calls) * 100) / 100, passed, bins };
}
