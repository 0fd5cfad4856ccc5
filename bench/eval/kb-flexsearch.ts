/**
 * Why knowledge/index.ts does not put flexsearch in front of BM25: the measurement. The same 10,000 articles'
 * terms (the analyzer's, as space-separated tokens) go into a flexsearch Index; each query's terms are searched
 * as an OR ("suggest") for 200 candidates. Reported: how often those candidates hold the article the full
 * BM25 ranks first (what a candidate stage must not lose), and the time of that candidate search alone.
 */
import FlexSearch from 'flexsearch';
import type { Article } from '../../knowledge/article.js';
import { createKnowledgeIndex, DEFAULT_TUNING, type KnowledgeIndexOptions } from '../../knowledge/index.js';
import { BANK_SYNONYMS, createSynonymTable } from '../../knowledge/synonyms.js';
import { createAnalyzer } from '../../knowledge/tokenize.js';
import { quantile } from './kb-retrieval.js';

export interface FlexFigures {
  buildS: number;
  candidates: number;
  /** Share of queries whose BM25 top-1 is among flexsearch's candidates. */
  holdsTop1: number;
  flexP50Ms: number;
  flexP99Ms: number;
  bm25P50Ms: number;
  bm25P99Ms: number;
}

export function flexsearchCandidates(articles: readonly Article[], queries: readonly string[], options: KnowledgeIndexOptions): FlexFigures {
  const analyzer = createAnalyzer({ synonyms: createSynonymTable(options.synonyms ?? BANK_SYNONYMS, true) });
  const token = (t: string): string => t.replace(/ /g, '_');
  const encoder = new FlexSearch.Encoder({ split: ' ', normalize: false, dedupe: false, minlength: 1, maxlength: 64 });
  const flex = new FlexSearch.Index({ tokenize: 'strict', encoder });
  const t0 = performance.now();
  articles.forEach((a, i) => {
    const terms = new Set<string>();
    for (const text of [a.title, ...a.questions, a.tags.join(' '), a.answer]) for (const t of analyzer.field(text).terms.keys()) terms.add(token(t));
    flex.add(i, [...terms].join(' '));
  });
  const buildS = (performance.now() - t0) / 1000;
  const index = createKnowledgeIndex(options);
  for (const a of articles) index.upsert(a);
  const position = new Map(articles.map((a, i) => [a.id, i]));
  const flexLat: number[] = [];
  const bm25Lat: number[] = [];
  let held = 0;
  const candidates = 200;
  for (const q of queries) {
    const { pinyin, terms } = index.explain(q);
    const weights = pinyin ? DEFAULT_TUNING.pinyin : DEFAULT_TUNING.hanzi; // the terms search would score
    const text = terms.filter((t) => weights[t.kind] > 0).map((t) => token(t.term)).join(' ');
    const s0 = performance.now();
    const found = flex.search(text, { limit: candidates, suggest: true }) as number[];
    flexLat.push(performance.now() - s0);
    const s1 = performance.now();
    const top = index.search(q, { k: 1 })[0];
    bm25Lat.push(performance.now() - s1);
    if (top && found.includes(position.get(top.article.id)!)) held++;
  }
  flexLat.sort((a, b) => a - b);
  bm25Lat.sort((a, b) => a - b);
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  return {
    buildS: r2(buildS),
    candidates,
    holdsTop1: r2(held / Math.max(queries.length, 1)),
    flexP50Ms: r2(quantile(flexLat, 0.5)),
    flexP99Ms: r2(quantile(flexLat, 0.99)),
    bm25P50Ms: r2(quantile(bm25Lat, 0.5)),
    bm25P99Ms: r2(quantile(bm25Lat, 0.99)),
  };
}
