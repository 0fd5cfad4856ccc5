import type { Logger } from 'pino';
import { EarshotError } from '../engine/errors.js';
import type { Article, KnowledgeIndex, SearchHit } from './article.js';
import { createKnowledgeIndex } from './index.js';
import { BANK_SYNONYMS } from './synonyms.js';
import type { FeedbackInput, FeedbackSummary, KbStore } from './kb-store.js';
import { loadKnowledgeBase, type KbError } from './loader.js';
import { firstSentence } from './validate.js';
import { watchKnowledgeBase } from './watch.js';

/** What the API lets a KB owner set on an article; the rest is derived. */
export type ArticleInput = Omit<Article, 'origin' | 'updatedAt' | 'keySentences' | 'synonyms' | 'tags' | 'questions' | 'category'> &
  Partial<Pick<Article, 'keySentences' | 'synonyms' | 'tags' | 'questions' | 'category'>>;

/**
 * The knowledge base as the product serves it: articles from the KB folder (read-only here, reloaded when
 * the files change) plus articles created over the API (persisted in the store), in one index. A change
 * updates only the articles it touches (an API write, the files that changed); the index is rebuilt and
 * swapped whole only when the synonym groups change, since they shape every article's terms. Each update is
 * synchronous, so a search never sees half of one.
 */
export interface KnowledgeService {
  search(query: string, k: number): SearchHit[];
  /** The live index (the assist engine searches it per utterance). */
  readonly index: KnowledgeIndex;
  list(): Article[];
  get(id: string): Article | undefined;
  create(input: ArticleInput): Article;
  update(id: string, input: ArticleInput): Article;
  remove(id: string): void;
  addFeedback(id: string, feedback: FeedbackInput): FeedbackSummary;
  feedback(id: string): FeedbackSummary;
  /** Problems found in the KB folder at the last (re)load: file, line, field, reason. */
  readonly loadErrors: KbError[];
  close(): void;
}

export function createKnowledgeService(dir: string, store: KbStore, log: Logger, options: { watch: boolean }): KnowledgeService {
  let files: Article[] = [];
  let synonyms: string[][] = [];
  let loadErrors: KbError[] = [];
  let index: KnowledgeIndex = createKnowledgeIndex({ synonyms: BANK_SYNONYMS });

  function rebuild(): void {
    // The KB's own groups add to the built-in bank vocabulary; they do not replace it.
    const next = createKnowledgeIndex({ synonyms: [...BANK_SYNONYMS, ...synonyms] });
    for (const a of files) next.upsert(a);
    for (const a of store.apiArticles()) if (!files.some((f) => f.id === a.id)) next.upsert(a);
    index = next;
  }

  /** An article's content, without the file time (a touched file with the same content changes nothing). */
  const content = (a: Article): string => JSON.stringify({ ...a, updatedAt: 0 });

  /** Brings the index from the current file articles to `next`: upserts what changed, removes what went. */
  function applyFiles(next: Article[]): number {
    const before = new Map(files.map((a) => [a.id, a]));
    let changed = 0;
    for (const a of next) {
      const old = before.get(a.id);
      before.delete(a.id);
      if (old && content(old) === content(a)) continue;
      index.upsert(a);
      changed++;
    }
    for (const id of before.keys()) {
      // A file article gone: an API article of the same id (shadowed until now) takes its place.
      const api = store.apiArticles().find((x) => x.id === id);
      if (api) index.upsert(api);
      else index.remove(id);
      changed++;
    }
    files = next;
    return changed;
  }

  let loaded = false;
  function reload(): void {
    const result = loadKnowledgeBase(dir);
    loadErrors = result.errors;
    for (const e of loadErrors) log.warn({ code: 'EARSHOT_ERR_KB_INVALID', file: e.file, line: e.line, field: e.field, reason: e.reason }, 'knowledge-base article rejected');
    const started = performance.now();
    if (!loaded || JSON.stringify(result.synonyms) !== JSON.stringify(synonyms)) {
      files = result.articles;
      synonyms = result.synonyms;
      rebuild();
      loaded = true;
      log.info({ articles: index.size, rejected: loadErrors.length, ms: Math.round(performance.now() - started) }, 'knowledge base loaded');
    } else {
      const changed = applyFiles(result.articles);
      log.info({ articles: index.size, changed, rejected: loadErrors.length, ms: Math.round(performance.now() - started) }, 'knowledge base updated');
    }
  }

  reload();
  const watcher = options.watch ? watchKnowledgeBase(dir, () => reload(), {}) : null;

  function fileArticle(id: string): Article | undefined {
    return files.find((a) => a.id === id);
  }

  function toArticle(input: ArticleInput): Article {
    const key = input.keySentences ?? [firstSentence(input.answer)];
    return {
      id: input.id, title: input.title, category: input.category ?? '', tags: input.tags ?? [], questions: input.questions ?? [],
      synonyms: input.synonyms ?? [], answer: input.answer, keySentences: key, origin: { kind: 'api' }, updatedAt: Date.now(),
    };
  }

  function mustExist(id: string): Article {
    const a = index.get(id);
    if (!a) throw new EarshotError('EARSHOT_ERR_KB_NOT_FOUND', `article "${id}"`);
    return a;
  }

  function writable(id: string): void {
    const f = fileArticle(id);
    if (f && f.origin.kind === 'file') throw new EarshotError('EARSHOT_ERR_KB_READ_ONLY', `article "${id}" comes from ${f.origin.file}: edit the file`);
  }

  return {
    search: (query, k) => index.search(query, { k }),
    get index() {
      return index;
    },
    list: () => [...files, ...store.apiArticles().filter((a) => !fileArticle(a.id))],
    get: (id) => index.get(id),
    create(input) {
      if (index.get(input.id)) throw new EarshotError('EARSHOT_ERR_KB_CONFLICT', `article "${input.id}" exists`);
      const article = toArticle(input);
      store.putArticle(article);
      index.upsert(article);
      return article;
    },
    update(id, input) {
      mustExist(id);
      writable(id);
      if (input.id !== id) throw new EarshotError('EARSHOT_ERR_KB_CONFLICT', `body id "${input.id}" differs from "${id}"`);
      const article = toArticle(input);
      store.putArticle(article);
      index.upsert(article);
      return article;
    },
    remove(id) {
      mustExist(id);
      writable(id);
      store.deleteArticle(id);
      index.remove(id);
    },
    addFeedback(id, fb) {
      mustExist(id);
      store.addFeedback({ ...fb, articleId: id, at: Date.now() });
      return store.feedback(id, 20);
    },
    feedback(id) {
      mustExist(id);
      return store.feedback(id, 20);
    },
    get loadErrors() {
      return loadErrors;
    },
    close: () => watcher?.close(),
  };
}
