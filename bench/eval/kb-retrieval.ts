/**
 * Retrieval figures for bench/eval-kb.ts: top-1, top-3 and MRR@10 of an index over labelled queries, with
 * the search latency of each query, for hanzi queries, the same queries as toneless pinyin, and pinyin with
 * simulated recogniser confusions.
 */
import { hanziToPinyin } from '../../engine/asr/pinyin.js';
import type { Article } from '../../knowledge/article.js';
import { createKnowledgeIndex, type KnowledgeIndexOptions } from '../../knowledge/index.js';
import { isDev, type LabelledQuery } from './kb-data.js';

export interface Figures {
  n: number;
  top1: number;
  top3: number;
  mrr10: number;
}

export interface RunResult extends Figures {
  dev: Figures;
  test: Figures;
  p50Ms: number;
  p99Ms: number;
}

export type QueryForm = 'hanzi' | 'pinyin' | 'confused';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r2 = (x: number): number => Math.round(x * 100) / 100;

export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]! : 0;
}

function figures(ranks: readonly number[]): Figures {
  const n = ranks.length;
  const top = (k: number): number => ranks.filter((r) => r >= 0 && r < k).length / Math.max(n, 1);
  const mrr = ranks.reduce((s, r) => s + (r >= 0 && r < 10 ? 1 / (r + 1) : 0), 0) / Math.max(n, 1);
  return { n, top1: r3(top(1)), top3: r3(top(3)), mrr10: r3(mrr) };
}

/**
 * Fuzzy-pinyin slips a recogniser makes on speakers who merge the pairs (z/zh, c/ch, s/sh, n/l, an/ang, en/eng,
 * in/ing): each syllable that has a partner is swapped with probability `rate`, by a fixed seed.
 */
export function confuse(pinyin: string, rate: number, seed: number): string {
  let x = seed >>> 0 || 1;
  const rand = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return pinyin
    .split(' ')
    .map((s) => {
      if (rand() >= rate) return s;
      const m = /^(zh|ch|sh|z|c|s|n|l)?(.*)$/.exec(s)!;
      const swapI: Record<string, string> = { zh: 'z', z: 'zh', ch: 'c', c: 'ch', sh: 's', s: 'sh', n: 'l', l: 'n' };
      const ini = m[1] ?? '';
      const fin = m[2] ?? '';
      if (ini && swapI[ini] && (rand() < 0.5 || !/(an|en|in)g?$/.test(fin))) return swapI[ini] + fin;
      if (/(a|e|i)ng$/.test(fin)) return ini + fin.slice(0, -1);
      if (/(a|e|i)n$/.test(fin)) return ini + fin + 'g';
      return s;
    })
    .join(' ');
}

/** The query text in a given form: as written, toneless pinyin, or pinyin with 30% fuzzy slips. */
export function queryForms(queries: readonly LabelledQuery[]): Record<QueryForm, string[]> {
  const pinyin = queries.map((q) => hanziToPinyin(q.query, false));
  return { hanzi: queries.map((q) => q.query), pinyin, confused: pinyin.map((p, i) => confuse(p, 0.3, i + 1)) };
}

export function buildIndex(articles: readonly Article[], options: KnowledgeIndexOptions): { index: ReturnType<typeof createKnowledgeIndex>; buildMs: number } {
  const t0 = performance.now();
  const index = createKnowledgeIndex(options);
  for (const a of articles) index.upsert(a);
  return { index, buildMs: performance.now() - t0 };
}

export function evaluate(index: ReturnType<typeof createKnowledgeIndex>, queries: readonly LabelledQuery[], texts: readonly string[]): RunResult {
  const ranks: number[] = [];
  const lat: number[] = [];
  queries.forEach((q, i) => {
    const t0 = performance.now();
    const hits = index.search(texts[i]!, { k: 10 });
    lat.push(performance.now() - t0);
    ranks.push(hits.findIndex((h) => h.article.id === q.answerId));
  });
  lat.sort((a, b) => a - b);
  return {
    ...figures(ranks),
    dev: figures(ranks.filter((_, i) => isDev(i))),
    test: figures(ranks.filter((_, i) => !isDev(i))),
    p50Ms: r2(quantile(lat, 0.5)),
    p99Ms: r2(quantile(lat, 0.99)),
  };
}
