/**
 * The 10,000-article knowledge base for the latency and memory figures, grown from the 745 FAQ articles.
 *
 * Copy c of article i keeps i's title and tags and adds the first clause of another article's title; its
 * answer is i's answer with its sentences rotated by c, plus one sentence from a third article. So the big KB
 * has the FAQ's real vocabulary and term frequencies (every query term keeps its long posting lists — the cost
 * being measured) without being 13 identical copies, which would make every posting list a repeat.
 */
import type { Article } from '../../knowledge/article.js';

const sentences = (text: string): string[] => text.split(/(?<=[。！？；!?;])/).filter((s) => s.trim());
const clause = (title: string): string => title.split(/[，,？?。！!]/)[0] ?? title;

export function expandKb(base: readonly Article[], size: number): Article[] {
  const out: Article[] = [...base.slice(0, size)];
  const n = base.length;
  for (let c = 1; out.length < size; c++) {
    for (let i = 0; i < n && out.length < size; i++) {
      const a = base[i]!;
      const other = base[(i * 7919 + c * 104729) % n]!;
      const third = base[(i * 31 + c * 977) % n]!;
      const s = sentences(a.answer);
      const rotated = s.slice(c % Math.max(s.length, 1)).concat(s.slice(0, c % Math.max(s.length, 1)));
      const extra = sentences(third.answer)[c % Math.max(sentences(third.answer).length, 1)] ?? '';
      out.push({ ...a, id: `${a.id}~${c}`, title: `${a.title}，${clause(other.title)}`, answer: rotated.join('') + extra });
    }
  }
  return out;
}

export interface ScaleFigures {
  articles: number;
  buildS: number;
  /** Heap and RSS growth from before the index was created to after it was built (after a full GC when exposed). */
  heapMB: number;
  rssMB: number;
  search: Record<'hanzi' | 'pinyin', { p50Ms: number; p99Ms: number; maxMs: number }>;
  /** One article changed in the built index (what an API write or an edited file costs), and the first search after it. */
  update: { count: number; upsertP50Ms: number; upsertP99Ms: number; firstSearchP50Ms: number; firstSearchP99Ms: number } | null;
}

/**
 * Build the expanded KB and time searches with every query, hanzi and pinyin. Each form is run twice and
 * the second pass is reported: the first pass includes computing each term's cached impacts (bm25.ts),
 * which a KB that is searched all day pays once per change, not per search.
 */
export function measureScale(
  build: (articles: readonly Article[]) => { search(q: string, o?: { k?: number }): unknown; upsert?(a: Article): void },
  articles: readonly Article[],
  queries: Record<'hanzi' | 'pinyin', readonly string[]>,
): ScaleFigures & { firstPass: Record<'hanzi' | 'pinyin', { p50Ms: number; p99Ms: number }> } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const index = build(articles);
  const buildS = (performance.now() - t0) / 1000;
  gc?.();
  const after = process.memoryUsage();
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  const q = (s: number[], p: number): number => s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0;
  const search = {} as ScaleFigures['search'];
  const firstPass = {} as Record<'hanzi' | 'pinyin', { p50Ms: number; p99Ms: number }>;
  for (const form of ['hanzi', 'pinyin'] as const) {
    for (let pass = 0; pass < 2; pass++) {
      const lat = queries[form].map((text) => {
        const s = performance.now();
        index.search(text, { k: 5 });
        return performance.now() - s;
      });
      lat.sort((a, b) => a - b);
      if (pass === 0) firstPass[form] = { p50Ms: r2(q(lat, 0.5)), p99Ms: r2(q(lat, 0.99)) };
      else search[form] = { p50Ms: r2(q(lat, 0.5)), p99Ms: r2(q(lat, 0.99)), maxMs: r2(lat[lat.length - 1] ?? 0) };
    }
  }
  let update: ScaleFigures['update'] = null;
  if (index.upsert) {
    const up: number[] = [];
    const first: number[] = [];
    for (let i = 0; i < 100; i++) {
      const a = articles[(i * 97) % articles.length]!;
      let s = performance.now();
      index.upsert({ ...a, answer: `${a.answer}（更新${i}）` });
      up.push(performance.now() - s);
      s = performance.now();
      index.search(queries.hanzi[i % queries.hanzi.length]!, { k: 5 });
      first.push(performance.now() - s);
    }
    up.sort((a, b) => a - b);
    first.sort((a, b) => a - b);
    update = { count: up.length, upsertP50Ms: r2(q(up, 0.5)), upsertP99Ms: r2(q(up, 0.99)), firstSearchP50Ms: r2(q(first, 0.5)), firstSearchP99Ms: r2(q(first, 0.99)) };
  }
  return {
    articles: articles.length,
    buildS: r2(buildS),
    heapMB: Math.round((after.heapUsed - before.heapUsed) / 2 ** 20),
    rssMB: Math.round((after.rss - before.rss) / 2 ** 20),
    search,
    firstPass,
    update,
  };
}
