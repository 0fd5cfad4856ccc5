/**
 * The SQL behind calibration and the reports (docs/qa.md "Calibration and reports"): results of a period with
 * their latest review, streamed; and, from the stored call events, the knowledge-base articles suggested most,
 * keyword hits, and the calls with complaint or anger alerts. The QA store (qa-store.ts) carries these methods;
 * they share its SQLite connection. A period is [from, to) on the call's start time (calls.started_at).
 * Statements are prepared on first use, so a database without the call tables can still open the QA store.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { QaResult } from './score.js';
import type { Review, ReviewItem, StoredResult } from './qa-store.js';

export interface Period {
  /** ms since the epoch, inclusive; 0 when absent. */
  from?: number;
  /** ms since the epoch, exclusive; open when absent. */
  to?: number;
}

export interface SuggestedArticle {
  articleId: string;
  title: string;
  /** Suggestion events: how often agents were shown the article. */
  suggestions: number;
  calls: number;
}

export interface KeywordHit {
  ruleId: string;
  /** The words matched, as the alert quotes them. */
  matchedText: string;
  /** Hits: raised alerts plus repeats merged into them. */
  hits: number;
  calls: number;
}

export interface AlertedCall {
  callId: string;
  agentId: string | null;
  /** The QA result's team, else the call's metadata.team. */
  team: string | null;
  startedAt: number;
  /** Each matching alert as raised, in call order. */
  alerts: { alertId: string; ruleId: string; severity: string; channel: string; quote: string; message: string; startMs: number; endMs: number | null }[];
  /** The stored QA result and latest review, when the call was scored (null while it was not). */
  qa: StoredResult | null;
}

export interface ReportQueries {
  /**
   * Results of the calls that started in the period, with their latest review, oldest first. Streamed from one
   * statement: consume it without running other statements on the connection meanwhile.
   */
  resultsInPeriod(q: Period & { team?: string; agentId?: string }): IterableIterator<StoredResult>;
  /** Knowledge-base articles suggested most in the period's calls (by articleId and title). */
  suggestedArticles(q: Period & { team?: string; limit: number }): SuggestedArticle[];
  /** Keyword hits: alerts of `phrase` rules in the period's calls, by rule and matched words. */
  keywordHits(q: Period & { team?: string; limit: number }): KeywordHit[];
  /** Calls of the period that raised an alert of one of these rules, newest first, at most `limit` calls. */
  alertedCalls(q: Period & { team?: string; ruleIds: readonly string[]; limit: number }): AlertedCall[];
}

interface JoinedRow {
  call_id: string;
  result: string;
  scored_at: number;
  review_id: number | null;
  reviewer: string | null;
  created_at: number | null;
  comment: string | null;
  items: string | null;
  veto: number | null;
  total: number | null;
  passed: number | null;
}

/** The latest review's columns beside a result (the review row mirrors qa-store's qa_reviews). */
const LATEST_REVIEW = `LEFT JOIN qa_reviews r ON r.review_id = (SELECT MAX(x.review_id) FROM qa_reviews x WHERE x.call_id = q.call_id)`;
const REVIEW_COLUMNS = 'r.review_id, r.reviewer, r.created_at, r.comment, r.items, r.veto, r.total, r.passed';

function toStored(row: JoinedRow): StoredResult {
  const review: Review | null =
    row.review_id === null
      ? null
      : {
          reviewId: row.review_id, callId: row.call_id, reviewer: row.reviewer!, createdAt: row.created_at!, comment: row.comment,
          items: JSON.parse(row.items!) as ReviewItem[], veto: row.veto === null ? null : row.veto === 1, total: row.total!, passed: row.passed === 1,
        };
  return { result: JSON.parse(row.result) as QaResult, scoredAt: row.scored_at, review };
}

const bounds = (p: Period): [number, number] => [p.from ?? 0, p.to ?? Number.MAX_SAFE_INTEGER];
/** calls.metadata.team when it is a string (as scoring reads it). */
const META_TEAM = `CASE WHEN json_type(c.metadata, '$.team') = 'text' THEN json_extract(c.metadata, '$.team') END`;

export function openReportQueries(db: Database): ReportQueries {
  const cache = new Map<string, Statement>();
  const stmt = <R>(sql: string): Statement<unknown[], R> => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s as Statement<unknown[], R>;
  };

  return {
    resultsInPeriod(q) {
      const where = ['q.started_at >= ?', 'q.started_at < ?'];
      const params: (string | number)[] = bounds(q);
      if (q.team !== undefined) {
        where.push('q.team = ?');
        params.push(q.team);
      }
      if (q.agentId !== undefined) {
        where.push('q.agent_id = ?');
        params.push(q.agentId);
      }
      const sql = `SELECT q.call_id, q.result, q.scored_at, ${REVIEW_COLUMNS} FROM qa_results q ${LATEST_REVIEW}
        WHERE ${where.join(' AND ')} ORDER BY q.started_at, q.call_id`;
      // The statement runs when the first result is asked for, not before.
      return (function* () {
        for (const row of stmt<JoinedRow>(sql).iterate(...params)) yield toStored(row);
      })();
    },

    suggestedArticles(q) {
      const team = q.team !== undefined ? `AND ${META_TEAM} = ?` : '';
      const sql = `SELECT json_extract(e.body, '$.articleId') AS articleId, json_extract(e.body, '$.title') AS title,
          COUNT(*) AS suggestions, COUNT(DISTINCT e.call_id) AS calls
        FROM calls c JOIN events e ON e.call_id = c.call_id
        WHERE c.started_at >= ? AND c.started_at < ? ${team} AND e.type = 'suggestion'
        GROUP BY 1, 2 ORDER BY suggestions DESC, calls DESC, articleId, title LIMIT ?`;
      return stmt<SuggestedArticle>(sql).all(...bounds(q), ...(q.team !== undefined ? [q.team] : []), q.limit);
    },

    keywordHits(q) {
      const team = q.team !== undefined ? `AND ${META_TEAM} = ?` : '';
      const sql = `SELECT json_extract(e.body, '$.ruleId') AS ruleId, json_extract(e.body, '$.matchedText') AS matchedText,
          COUNT(*) AS hits, COUNT(DISTINCT e.call_id) AS calls
        FROM calls c JOIN events e ON e.call_id = c.call_id
        WHERE c.started_at >= ? AND c.started_at < ? ${team} AND e.type = 'alert'
          AND json_extract(e.body, '$.kind') = 'phrase' AND json_extract(e.body, '$.status') IN ('raised', 'updated')
          AND json_extract(e.body, '$.matchedText') IS NOT NULL
        GROUP BY 1, 2 ORDER BY hits DESC, calls DESC, ruleId, matchedText LIMIT ?`;
      return stmt<KeywordHit>(sql).all(...bounds(q), ...(q.team !== undefined ? [q.team] : []), q.limit);
    },

    alertedCalls(q) {
      if (q.ruleIds.length === 0) return [];
      const team = q.team !== undefined ? `AND ${META_TEAM} = ?` : '';
      const match = `c.started_at >= ? AND c.started_at < ? ${team} AND e.type = 'alert' AND json_extract(e.body, '$.status') = 'raised'
        AND json_extract(e.body, '$.ruleId') IN (SELECT value FROM json_each(?))`;
      const matchParams = [...bounds(q), ...(q.team !== undefined ? [q.team] : []), JSON.stringify(q.ruleIds)];
      const sql = `WITH hit AS (
          SELECT DISTINCT c.call_id, c.started_at FROM calls c JOIN events e ON e.call_id = c.call_id WHERE ${match}
          ORDER BY c.started_at DESC, c.call_id LIMIT ?)
        SELECT c.call_id, c.agent_id, c.started_at, ${META_TEAM} AS meta_team, e.body AS alert,
          q.call_id AS q_call_id, q.result, q.scored_at, ${REVIEW_COLUMNS}
        FROM hit JOIN calls c ON c.call_id = hit.call_id JOIN events e ON e.call_id = c.call_id
          LEFT JOIN qa_results q ON q.call_id = c.call_id ${LATEST_REVIEW}
        WHERE ${match}
        ORDER BY c.started_at DESC, c.call_id, e.seq`;
      type Row = Omit<JoinedRow, 'result' | 'scored_at'> & { agent_id: string | null; started_at: number; meta_team: string | null; alert: string; q_call_id: string | null; result: string | null; scored_at: number | null };
      const out: AlertedCall[] = [];
      for (const row of stmt<Row>(sql).all(...matchParams, q.limit, ...matchParams)) {
        let call = out[out.length - 1];
        if (!call || call.callId !== row.call_id) {
          const qa = row.q_call_id === null ? null : toStored({ ...row, result: row.result!, scored_at: row.scored_at! });
          call = { callId: row.call_id, agentId: row.agent_id, team: qa?.result.team ?? row.meta_team, startedAt: row.started_at, alerts: [], qa };
          out.push(call);
        }
        const a = JSON.parse(row.alert) as { alertId: string; ruleId: string; severity: string; channel: string; matchedText?: string; message: string; startMs: number; endMs: number | null };
        call.alerts.push({ alertId: a.alertId, ruleId: a.ruleId, severity: a.severity, channel: a.channel, quote: a.matchedText ?? a.message, message: a.message, startMs: a.startMs, endMs: a.endMs });
      }
      return out;
    },
  };
}
