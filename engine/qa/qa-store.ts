/**
 * QA results, inspectors' reviews and incident sheets (沟通单), in the same SQLite file as the calls. A call's
 * machine result is written once (the first scoring wins: re-scoring is idempotent); reviews are kept beside
 * it, never over it.
 */
import type { Database } from 'better-sqlite3';
import type { QaResult } from './score.js';
import { openReportQueries, type ReportQueries } from './report-queries.js';

export interface ReviewItem {
  itemId: string;
  /** The inspector's points for the item (the machine's are kept in the result). */
  points: number;
  comment?: string;
}

export interface Review {
  reviewId: number;
  callId: string;
  reviewer: string;
  createdAt: number;
  comment: string | null;
  /** Items the inspector overrode; every other item is confirmed as the machine scored it. */
  items: ReviewItem[];
  /** The inspector's view of the veto (null: as the machine judged). */
  veto: boolean | null;
  /** Total with the inspector's points. */
  total: number;
  passed: boolean;
}

export type IncidentStatus = 'open' | 'discussed' | 'closed';
export const INCIDENT_FLOW: Record<IncidentStatus, IncidentStatus[]> = { open: ['discussed', 'closed'], discussed: ['closed'], closed: [] };

export interface Incident {
  incidentId: string;
  callId: string;
  agentId: string | null;
  /** What raised it: a critical alert while the call was live, or a veto when it was scored. */
  source: 'critical-alert' | 'veto';
  ruleId: string;
  evidence: { quote: string; channel: string; startMs: number; endMs: number | null; alertId?: string }[];
  status: IncidentStatus;
  createdAt: number;
  updatedAt: number;
  history: { at: number; status: IncidentStatus; by: string | null; note: string | null }[];
}

export interface ResultQuery {
  agentId?: string;
  team?: string;
  from?: number;
  to?: number;
  minTotal?: number;
  maxTotal?: number;
  failedItem?: string;
  veto?: boolean;
  passed?: boolean;
  reviewed?: boolean;
  limit: number;
  /** Page on: results of calls that started strictly before this time. */
  before?: number;
}

export interface StoredResult {
  result: QaResult;
  scoredAt: number;
  /** The latest review, if any. */
  review: Review | null;
}

/** The calibration and report queries (report-queries.ts) ride on the same connection. */
export interface QaStore extends ReportQueries {
  /** Writes the result unless the call has one; true when written. */
  putResult(result: QaResult, scoredAt: number): boolean;
  getResult(callId: string): StoredResult | undefined;
  listResults(query: ResultQuery): StoredResult[];
  /** Ended calls with no QA result: scored when a QA worker (re)starts. */
  unscoredCalls(limit: number): string[];
  addReview(review: Omit<Review, 'reviewId'>): Review;
  reviews(callId: string): Review[];
  /** Every result with its latest review (calibration), in a period. */
  reviewedResults(from?: number, to?: number): StoredResult[];
  /** Creates the incident unless one exists for the same call, source and rule; returns it either way. */
  openIncident(incident: Omit<Incident, 'incidentId' | 'status' | 'history' | 'updatedAt'>): { incident: Incident; created: boolean };
  getIncident(incidentId: string): Incident | undefined;
  listIncidents(query: { status?: IncidentStatus; agentId?: string; limit: number }): Incident[];
  updateIncident(incidentId: string, status: IncidentStatus, by: string | null, note: string | null, at: number): Incident;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS qa_results (
  call_id           TEXT PRIMARY KEY REFERENCES calls (call_id),
  scorecard_id      TEXT NOT NULL,
  scorecard_version TEXT NOT NULL,
  agent_id          TEXT,
  team              TEXT,
  started_at        INTEGER NOT NULL,
  scored_at         INTEGER NOT NULL,
  total             REAL NOT NULL,
  passed            INTEGER NOT NULL,
  veto              INTEGER NOT NULL,
  failed_items      TEXT NOT NULL,
  result            TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qa_results_started ON qa_results (started_at);
CREATE INDEX IF NOT EXISTS qa_results_agent ON qa_results (agent_id, started_at);
CREATE TABLE IF NOT EXISTS qa_reviews (
  review_id  INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id    TEXT NOT NULL REFERENCES qa_results (call_id),
  reviewer   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  comment    TEXT,
  items      TEXT NOT NULL,
  veto       INTEGER,
  total      REAL NOT NULL,
  passed     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS qa_reviews_call ON qa_reviews (call_id, review_id);
CREATE TABLE IF NOT EXISTS qa_incidents (
  incident_id TEXT PRIMARY KEY,
  call_id     TEXT NOT NULL REFERENCES calls (call_id),
  agent_id    TEXT,
  source      TEXT NOT NULL,
  rule_id     TEXT NOT NULL,
  evidence    TEXT NOT NULL,
  status      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  history     TEXT NOT NULL,
  UNIQUE (call_id, source, rule_id)
);
`;

interface ResultRow {
  result: string;
  scored_at: number;
  call_id: string;
}
interface ReviewRow {
  review_id: number;
  call_id: string;
  reviewer: string;
  created_at: number;
  comment: string | null;
  items: string;
  veto: number | null;
  total: number;
  passed: number;
}
interface IncidentRow {
  incident_id: string;
  call_id: string;
  agent_id: string | null;
  source: Incident['source'];
  rule_id: string;
  evidence: string;
  status: IncidentStatus;
  created_at: number;
  updated_at: number;
  history: string;
}

const toReview = (r: ReviewRow): Review => ({
  reviewId: r.review_id, callId: r.call_id, reviewer: r.reviewer, createdAt: r.created_at, comment: r.comment,
  items: JSON.parse(r.items) as ReviewItem[], veto: r.veto === null ? null : r.veto === 1, total: r.total, passed: r.passed === 1,
});
const toIncident = (r: IncidentRow): Incident => ({
  incidentId: r.incident_id, callId: r.call_id, agentId: r.agent_id, source: r.source, ruleId: r.rule_id,
  evidence: JSON.parse(r.evidence) as Incident['evidence'], status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
  history: JSON.parse(r.history) as Incident['history'],
});

export function openQaStore(db: Database): QaStore {
  db.exec(SCHEMA);
  const insertResult = db.prepare(
    `INSERT OR IGNORE INTO qa_results (call_id, scorecard_id, scorecard_version, agent_id, team, started_at, scored_at, total, passed, veto, failed_items, result)
     VALUES (@callId, @scorecardId, @scorecardVersion, @agentId, @team, @startedAt, @scoredAt, @total, @passed, @veto, @failedItems, @result)`,
  );
  const latestReview = db.prepare<[string], ReviewRow>('SELECT * FROM qa_reviews WHERE call_id = ? ORDER BY review_id DESC LIMIT 1');
  const getResult = db.prepare<[string], ResultRow>('SELECT call_id, result, scored_at FROM qa_results WHERE call_id = ?');
  const stored = (row: ResultRow): StoredResult => {
    const review = latestReview.get(row.call_id);
    return { result: JSON.parse(row.result) as QaResult, scoredAt: row.scored_at, review: review ? toReview(review) : null };
  };
  let incidents = (db.prepare('SELECT COUNT(*) AS n FROM qa_incidents').get() as { n: number }).n;

  return {
    ...openReportQueries(db),
    putResult(result, scoredAt) {
      const failed = result.items.filter((i) => i.kind === 'score' && (i.status === 'deducted' || i.status === 'failed' || i.status === 'veto')).map((i) => i.itemId);
      const info = insertResult.run({
        callId: result.callId, scorecardId: result.scorecardId, scorecardVersion: result.scorecardVersion, agentId: result.agentId,
        team: result.team, startedAt: result.startedAt, scoredAt, total: result.total, passed: result.passed ? 1 : 0,
        veto: result.veto ? 1 : 0, failedItems: `,${failed.join(',')},`, result: JSON.stringify(result),
      });
      return info.changes === 1;
    },
    getResult(callId) {
      const row = getResult.get(callId);
      return row ? stored(row) : undefined;
    },
    listResults(q) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const add = (clause: string, ...values: (string | number)[]): void => {
        where.push(clause);
        params.push(...values);
      };
      if (q.agentId !== undefined) add('agent_id = ?', q.agentId);
      if (q.team !== undefined) add('team = ?', q.team);
      if (q.from !== undefined) add('started_at >= ?', q.from);
      if (q.to !== undefined) add('started_at < ?', q.to);
      if (q.minTotal !== undefined) add('total >= ?', q.minTotal);
      if (q.maxTotal !== undefined) add('total <= ?', q.maxTotal);
      if (q.failedItem !== undefined) add('failed_items LIKE ?', `%,${q.failedItem},%`);
      if (q.veto !== undefined) add('veto = ?', q.veto ? 1 : 0);
      if (q.passed !== undefined) add('passed = ?', q.passed ? 1 : 0);
      if (q.reviewed !== undefined) add(`${q.reviewed ? '' : 'NOT '}EXISTS (SELECT 1 FROM qa_reviews r WHERE r.call_id = qa_results.call_id)`);
      if (q.before !== undefined) add('started_at < ?', q.before);
      const sql = `SELECT call_id, result, scored_at FROM qa_results ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, call_id LIMIT ?`;
      return db.prepare<unknown[], ResultRow>(sql).all(...params, q.limit).map(stored);
    },
    unscoredCalls(limit) {
      return db
        .prepare<[number], { call_id: string }>(
          `SELECT call_id FROM calls c WHERE c.status = 'ended' AND NOT EXISTS (SELECT 1 FROM qa_results q WHERE q.call_id = c.call_id) ORDER BY c.ended_at LIMIT ?`,
        )
        .all(limit)
        .map((r) => r.call_id);
    },
    addReview(review) {
      const info = db
        .prepare('INSERT INTO qa_reviews (call_id, reviewer, created_at, comment, items, veto, total, passed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(review.callId, review.reviewer, review.createdAt, review.comment, JSON.stringify(review.items), review.veto === null ? null : review.veto ? 1 : 0, review.total, review.passed ? 1 : 0);
      return { ...review, reviewId: Number(info.lastInsertRowid) };
    },
    reviews(callId) {
      return db.prepare<[string], ReviewRow>('SELECT * FROM qa_reviews WHERE call_id = ? ORDER BY review_id').all(callId).map(toReview);
    },
    reviewedResults(from, to) {
      const rows = db
        .prepare<[number, number], ResultRow>(
          `SELECT call_id, result, scored_at FROM qa_results q WHERE EXISTS (SELECT 1 FROM qa_reviews r WHERE r.call_id = q.call_id) AND started_at >= ? AND started_at < ? ORDER BY started_at`,
        )
        .all(from ?? 0, to ?? Number.MAX_SAFE_INTEGER);
      return rows.map(stored);
    },
    openIncident(i) {
      const existing = db
        .prepare<[string, string, string], IncidentRow>('SELECT * FROM qa_incidents WHERE call_id = ? AND source = ? AND rule_id = ?')
        .get(i.callId, i.source, i.ruleId);
      if (existing) return { incident: toIncident(existing), created: false };
      const incidentId = `inc-${++incidents}`;
      const history = [{ at: i.createdAt, status: 'open' as const, by: null, note: null }];
      db.prepare(
        'INSERT INTO qa_incidents (incident_id, call_id, agent_id, source, rule_id, evidence, status, created_at, updated_at, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(incidentId, i.callId, i.agentId, i.source, i.ruleId, JSON.stringify(i.evidence), 'open', i.createdAt, i.createdAt, JSON.stringify(history));
      return { incident: { ...i, incidentId, status: 'open', updatedAt: i.createdAt, history }, created: true };
    },
    getIncident(id) {
      const row = db.prepare<[string], IncidentRow>('SELECT * FROM qa_incidents WHERE incident_id = ?').get(id);
      return row ? toIncident(row) : undefined;
    },
    listIncidents(q) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.status) {
        where.push('status = ?');
        params.push(q.status);
      }
      if (q.agentId) {
        where.push('agent_id = ?');
        params.push(q.agentId);
      }
      return db
        .prepare<unknown[], IncidentRow>(`SELECT * FROM qa_incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`)
        .all(...params, q.limit)
        .map(toIncident);
    },
    updateIncident(id, status, by, note, at) {
      const current = this.getIncident(id)!;
      const history = [...current.history, { at, status, by, note }];
      db.prepare('UPDATE qa_incidents SET status = ?, updated_at = ?, history = ? WHERE incident_id = ?').run(status, at, JSON.stringify(history), id);
      return { ...current, status, updatedAt: at, history };
    },
  };
}
