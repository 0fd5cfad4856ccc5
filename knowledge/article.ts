/** A knowledge-base article (知识库条目), as loaded from files or created over REST. */
export interface Article {
  /** Stable id: letters, digits, `._-`, 1–64 characters. */
  id: string;
  title: string;
  category: string;
  tags: string[];
  /** Other ways customers ask for this (相似问法): indexed like the title. */
  questions: string[];
  /** Words this article treats as equivalent, in addition to the KB's synonym groups. */
  synonyms: string[][];
  /** The answer, plain text (Markdown body for .md files). */
  answer: string;
  /** The one or two sentences an agent should read first; derived from the answer when absent. */
  keySentences: string[];
  /** Where it came from: a file (and line, for CSV) or the REST API. */
  origin: { kind: 'file'; file: string; line?: number } | { kind: 'api' };
  updatedAt: number;
}

export interface SearchHit {
  article: Article;
  score: number;
  /** The query terms that matched, with the field they matched in (title, questions, answer, tags, pinyin…). */
  matched: { term: string; field: string }[];
}

export interface KnowledgeIndex {
  upsert(article: Article): void;
  remove(id: string): boolean;
  get(id: string): Article | undefined;
  search(query: string, options?: { k?: number }): SearchHit[];
  readonly size: number;
}
