import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CallEvent } from '../events.js';
import type { CallRecord, ListCallsQuery, ListEventsQuery, Store } from './store.js';

/** The SQLite store also lends its connection to the other tables kept in the same file (knowledge base). */
export interface SqliteStore extends Store {
  readonly db: Database.Database;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS calls (
  call_id     TEXT PRIMARY KEY,
  agent_id    TEXT,
  protocol    TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('live', 'ended')),
  audio       TEXT NOT NULL,
  metadata    TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  duration_ms REAL,
  end_reason  TEXT,
  last_seq    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS calls_started ON calls (started_at DESC);
CREATE INDEX IF NOT EXISTS calls_status ON calls (status, started_at DESC);
CREATE TABLE IF NOT EXISTS events (
  call_id    TEXT NOT NULL REFERENCES calls (call_id),
  seq        INTEGER NOT NULL,
  type       TEXT NOT NULL,
  at_ms      REAL NOT NULL,
  emitted_at INTEGER NOT NULL,
  body       TEXT NOT NULL,
  PRIMARY KEY (call_id, seq)
) WITHOUT ROWID;
`;

interface CallRow {
  call_id: string;
  agent_id: string | null;
  protocol: string;
  status: 'live' | 'ended';
  audio: string;
  metadata: string;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  end_reason: string | null;
  last_seq: number;
}

function toRecord(row: CallRow): CallRecord {
  return {
    callId: row.call_id,
    agentId: row.agent_id,
    protocol: row.protocol,
    status: row.status,
    audio: JSON.parse(row.audio),
    metadata: JSON.parse(row.metadata),
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    endReason: row.end_reason as CallRecord['endReason'],
    lastSeq: row.last_seq,
  };
}

export const STORE_FILE = 'earshot.sqlite';

/**
 * SQLite store written as events happen, one small transaction per event, in WAL mode: an event
 * published before a kill -9 is on disk (synchronous=NORMAL loses nothing on a process crash, only on
 * power loss). Events are few per second per call (audio frames are never stored), so this costs
 * little on the event loop.
 */
export function openSqliteStore(dataDir: string): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, STORE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);

  const insertCall = db.prepare(
    `INSERT INTO calls (call_id, agent_id, protocol, status, audio, metadata, started_at)
     VALUES (@callId, @agentId, @protocol, 'live', @audio, @metadata, @startedAt)`,
  );
  const insertEvent = db.prepare(
    'INSERT INTO events (call_id, seq, type, at_ms, emitted_at, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const bumpSeq = db.prepare('UPDATE calls SET last_seq = ? WHERE call_id = ?');
  const endCall = db.prepare(
    `UPDATE calls SET status = 'ended', ended_at = ?, duration_ms = ?, end_reason = ?, last_seq = ? WHERE call_id = ?`,
  );
  const getCall = db.prepare<[string], CallRow>('SELECT * FROM calls WHERE call_id = ?');
  const hasCall = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM calls WHERE call_id = ?');
  const liveCalls = db.prepare<[], CallRow>(`SELECT * FROM calls WHERE status = 'live' ORDER BY started_at`);

  const append = db.transaction((event: CallEvent, json: string) => {
    if (event.type === 'call.started') {
      insertCall.run({
        callId: event.callId,
        agentId: event.agentId,
        protocol: event.protocol,
        audio: JSON.stringify(event.audio),
        metadata: JSON.stringify(event.metadata),
        startedAt: event.startedAt,
      });
    }
    insertEvent.run(event.callId, event.seq, event.type, event.at, event.emittedAt, json);
    if (event.type === 'call.ended') endCall.run(event.emittedAt, event.durationMs, event.endReason, event.seq, event.callId);
    else bumpSeq.run(event.seq, event.callId);
  });

  return {
    db,
    hasCall: (callId) => hasCall.get(callId) !== undefined,
    getCall(callId) {
      const row = getCall.get(callId);
      return row ? toRecord(row) : undefined;
    },
    listCalls(query: ListCallsQuery) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (query.status) {
        where.push('status = ?');
        params.push(query.status);
      }
      if (query.agentId) {
        where.push('agent_id = ?');
        params.push(query.agentId);
      }
      if (query.before !== undefined) {
        where.push('started_at < ?');
        params.push(query.before);
      }
      const sql = `SELECT * FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, call_id LIMIT ?`;
      return db.prepare<unknown[], CallRow>(sql).all(...params, query.limit).map(toRecord);
    },
    appendEvent(event, json) {
      append(event, json);
    },
    listEvents(callId, query: ListEventsQuery) {
      const params: (string | number)[] = [callId, query.afterSeq ?? 0];
      let typeClause = '';
      if (query.types && query.types.length > 0) {
        typeClause = ` AND type IN (${query.types.map(() => '?').join(', ')})`;
        params.push(...query.types);
      }
      const rows = db
        .prepare<unknown[], { body: string }>(`SELECT body FROM events WHERE call_id = ? AND seq > ?${typeClause} ORDER BY seq LIMIT ?`)
        .all(...params, query.limit);
      return rows.map((r) => JSON.parse(r.body) as CallEvent);
    },
    liveCalls: () => liveCalls.all().map(toRecord),
    close() {
      if (db.open) db.close();
    },
  };
}
