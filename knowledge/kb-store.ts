import type { Database } from 'better-sqlite3';
import type { Article } from './article.js';

export type Verdict = 'useful' | 'not-useful' | 'wrong';

export interface FeedbackInput {
  verdict: Verdict;
  callId?: string;
  suggestionId?: string;
  agentId?: string;
  comment?: string;
}

export interface FeedbackRecord extends FeedbackInput {
  articleId: string;
  at: number;
}

export interface FeedbackSummary {
  articleId: string;
  useful: number;
  notUseful: number;
  wrong: number;
  recent: FeedbackRecord[];
}

/** Articles created over the API and agents' feedback, in the same SQLite file as the calls. */
export interface KbStore {
  apiArticles(): Article[];
  putArticle(article: Article): void;
  deleteArticle(id: string): boolean;
  addFeedback(record: FeedbackRecord): void;
  feedback(articleId: string, recent: number): FeedbackSummary;
}

export function openKbStore(db: Database): KbStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS kb_articles (id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS kb_feedback (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL, verdict TEXT NOT NULL,
      call_id TEXT, suggestion_id TEXT, agent_id TEXT, comment TEXT, at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS kb_feedback_article ON kb_feedback (article_id, seq DESC);
  `);
  const all = db.prepare<[], { body: string }>('SELECT body FROM kb_articles ORDER BY id');
  const put = db.prepare('INSERT INTO kb_articles (id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at');
  const del = db.prepare('DELETE FROM kb_articles WHERE id = ?');
  const addFb = db.prepare(
    'INSERT INTO kb_feedback (article_id, verdict, call_id, suggestion_id, agent_id, comment, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const counts = db.prepare<[string], { verdict: Verdict; n: number }>('SELECT verdict, COUNT(*) AS n FROM kb_feedback WHERE article_id = ? GROUP BY verdict');
  const recent = db.prepare<[string, number], { verdict: Verdict; call_id: string | null; suggestion_id: string | null; agent_id: string | null; comment: string | null; at: number }>(
    'SELECT verdict, call_id, suggestion_id, agent_id, comment, at FROM kb_feedback WHERE article_id = ? ORDER BY seq DESC LIMIT ?',
  );

  return {
    apiArticles: () => all.all().map((r) => JSON.parse(r.body) as Article),
    putArticle: (a) => void put.run(a.id, JSON.stringify(a), a.updatedAt),
    deleteArticle: (id) => del.run(id).changes > 0,
    addFeedback: (f) => void addFb.run(f.articleId, f.verdict, f.callId ?? null, f.suggestionId ?? null, f.agentId ?? null, f.comment ?? null, f.at),
    feedback(articleId, limit) {
      const summary: FeedbackSummary = { articleId, useful: 0, notUseful: 0, wrong: 0, recent: [] };
      for (const { verdict, n } of counts.all(articleId)) {
        if (verdict === 'useful') summary.useful = n;
        else if (verdict === 'not-useful') summary.notUseful = n;
        else summary.wrong = n;
      }
      summary.recent = recent.all(articleId, limit).map((r) => ({
        articleId, verdict: r.verdict, at: r.at,
        ...(r.call_id ? { callId: r.call_id } : {}), ...(r.suggestion_id ? { suggestionId: r.suggestion_id } : {}),
        ...(r.agent_id ? { agentId: r.agent_id } : {}), ...(r.comment ? { comment: r.comment } : {}),
      }));
      return summary;
    },
  };
}
