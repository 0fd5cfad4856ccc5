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
 * the files change) plus articles created over the API (persisted in the store), in one index that is
 * rebuilt and swapped whole on every change, so a search never sees half a reload.
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

  function reload(): void {
    const result = loadKnowledgeBase(dir);
    files = result.articles;
    synonyms = result.synonyms;
    loadErrors = result.errors;
    for (const e of loadErrors) log.warn({ code: 'EARSHOT_ERR_KB_INVALID', file: e.file, line: e.line, field: e.field, reason: e.reason }, 'knowledge-base article rejected');
    rebuild();
    log.info({ articles: index.size, rejected: loadErrors.length }, 'knowledge base loaded');
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
      rebuild();
      return article;
    },
    update(id, input) {
      mustExist(id);
      writable(id);
      if (input.id !== id) throw new EarshotError('EARSHOT_ERR_KB_CONFLICT', `body id "${input.id}" differs from "${id}"`);
      const article = toArticle(input);
      store.putArticle(article);
      rebuild();
      return article;
    },
    remove(id) {
      mustExist(id);
      writable(id);
      store.deleteArticle(id);
      rebuild();
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
