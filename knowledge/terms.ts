/**
 * Domain terms mined from a KB's own text, for the segmenter's user dictionary. jieba's general dictionary
 * splits terms it has never seen (云闪付 → 云 / 闪付, 签购单 → 签购 / 单); a term that recurs across
 * several articles and is used as a unit (varied neighbours on both sides) is taught to it.
 *
 * Only article text goes in — never queries: the dictionary is part of the index, built from what is indexed.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { joinLatin, normalize } from './text.js';

export interface MineOptions {
  /** Fewest articles a term must occur in (default 3). */
  minDocs?: number;
  /** Term length in characters (default 3..6; two-character words are mostly in jieba's dictionary). */
  minLength?: number;
  maxLength?: number;
  /** Fewest distinct neighbours on each side (default 3): a fragment of a longer term has one. */
  minNeighbours?: number;
  /** Least cohesion (default 50): for every way of cutting the term in two, how much more often the parts
   * occur together than chance would have them — 签购|单 sticks, 卡|进行 (two common words side by side) does not. */
  minCohesion?: number;
}

/** Characters that begin or end a phrase rather than a term (的银行卡, 请您). */
const EDGE = new Set([...'的了吗呢吧啊是在和与及或也都就我你您他她它这那个请可以会要将把被对为从到有于等']);

let general: Jieba | undefined;

/** min over cut points of count(g)·total / (count(left)·count(right)), on units (a Latin run is one unit). */
function cohesion(g: string, count: ReadonlyMap<string, number>, total: number): number {
  const units = g.match(/\p{Script=Han}|[a-z0-9]+/gu) ?? [];
  let least = Infinity;
  for (let i = 1; i < units.length; i++) {
    const a = count.get(units.slice(0, i).join('')) ?? 1;
    const b = count.get(units.slice(i).join('')) ?? 1;
    least = Math.min(least, ((count.get(g) ?? 0) * total) / (a * b));
  }
  return least;
}

/** Frequent, free-standing character n-grams of the texts that jieba does not already keep whole. */
export function mineDomainTerms(texts: readonly string[], options: MineOptions = {}): string[] {
  const minDocs = options.minDocs ?? 3;
  const minLen = options.minLength ?? 3;
  const maxLen = options.maxLength ?? 6;
  const minNb = options.minNeighbours ?? 3;
  const minCohesion = options.minCohesion ?? 50;
  const docs = new Map<string, number>();
  const count = new Map<string, number>(); // occurrences of every n-gram up to maxLen, for cohesion
  let total = 0;
  const left = new Map<string, Set<string>>();
  const right = new Map<string, Set<string>>();
  let edge = 0; // each text edge counts as a distinct neighbour
  for (const text of texts) {
    const seen = new Set<string>();
    for (const run of joinLatin(normalize(text)).split(' ')) {
      // A Latin run counts as one character here, so ic卡 and pos机 can be terms.
      const units = run.match(/\p{Script=Han}|[a-z0-9]+/gu) ?? [];
      total += units.length;
      for (let i = 0; i < units.length; i++) {
        for (let n = 1; n <= maxLen && i + n <= units.length; n++) {
          const g = units.slice(i, i + n).join('');
          count.set(g, (count.get(g) ?? 0) + 1);
        }
        for (let n = minLen; n <= maxLen && i + n <= units.length; n++) {
          const g = units.slice(i, i + n).join('');
          if (!/\p{Script=Han}/u.test(g)) continue;
          const l = i > 0 ? units[i - 1]! : `^${edge++}`;
          const r = i + n < units.length ? units[i + n]! : `$${edge++}`;
          (left.get(g) ?? left.set(g, new Set()).get(g)!).add(l);
          (right.get(g) ?? right.set(g, new Set()).get(g)!).add(r);
          if (!seen.has(g)) {
            seen.add(g);
            docs.set(g, (docs.get(g) ?? 0) + 1);
          }
        }
      }
    }
  }
  general ??= Jieba.withDict(dict);
  const out: string[] = [];
  for (const [g, n] of docs) {
    if (n < minDocs) continue;
    if (EDGE.has(g[0]!) || EDGE.has(g[g.length - 1]!)) continue;
    if (left.get(g)!.size < minNb || right.get(g)!.size < minNb) continue;
    if (cohesion(g, count, total) < minCohesion) continue;
    if (general.cut(g, false).length === 1) continue; // already one word
    out.push(g);
  }
  return out.sort((a, b) => b.length - a.length || a.localeCompare(b));
}
