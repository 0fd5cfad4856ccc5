/**
 * Text → index terms of six kinds, each in its own namespace so BM25 keeps separate statistics for them:
 *   w:  jieba words (search mode: 信用卡 also gives 信用), synonym groups folded to one term (w:=信用卡);
 *   c:  character bigrams, u: single characters — the fallback for words jieba cuts differently or does not
 *       know, and what made the reference character BM25 as strong as it is on short FAQ titles;
 *   p:  pinyin of each word, syllables folded (模糊音) and joined (p:xinyongka), synonym groups folded too;
 *   q:  syllable bigrams, s: single syllables — the pinyin twins of c: and u:.
 * Articles get all six. A hanzi query gets them all too (its p: catch homophone errors such as 环款 for 还款);
 * a pinyin query — what the recogniser writes without a hanzi model — gets p:, q:, s: (plus c:/u: for the
 * letters of Latin words), its words found as every run of 1–6 syllables: a run that is not an indexed word
 * simply has no postings.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { pinyinTokens, textSyllables, type Syllable } from './phonetic.js';
import type { SynonymTable } from './synonyms.js';
import { HANZI_RE, isPinyinQuery, isPinyinSyllable, joinLatin, normalize, stripFillers, stripPinyinFillers } from './text.js';

export type TermKind = 'w' | 'c' | 'u' | 'p' | 'q' | 's';

export interface QueryTerm {
  term: string;
  kind: TermKind;
  /** What the query said, for SearchHit.matched. */
  surface: string;
}

/**
 * Function words dropped as w: terms (their bigrams stay): every article has them, they score ~nothing, and
 * they make the longest posting lists. Content-bearing short words (被 in 卡被吞, 不 in 不成功) stay.
 */
const STOP = new Set(['的', '了', '吗', '呢', '吧', '啊', '呀', '我', '你', '您', '是', '在', '和', '与', '及', '或', '也', '都', '就', '这', '那', '个', '我们', '你们', '一下', '请']);

/** Particles in nearly every text: as single characters (u:) and syllables (s:) they only cost time. */
const STOP_CHARS = new Set(['的', '了', '吗', '呢', '吧', '啊', '呀']);
/** de 的, le/ne 了 呢 (le folds to ne), a 啊 — not ma, ba, ya: 码, 八, 压 are content too. */
const STOP_SYLLABLES = new Set(['de', 'ne', 'le', 'a']);

export interface AnalyzerOptions {
  /** Extra jieba words (domain terms); synonym members are added too. */
  userDict?: readonly string[];
  synonyms: SynonymTable;
  /** Fold fuzzy-pinyin pairs (default true). */
  fold?: boolean;
  /** Remove fillers from queries (default true). */
  fillers?: boolean;
  /** Longest pinyin-query run tried as a word. */
  maxSpan?: number;
}

export interface Analyzer {
  /** Index side: term counts of a field's text and its length in characters. `kinds` limits the term kinds kept (default all). */
  field(text: string, kinds?: ReadonlySet<TermKind>): { terms: Map<string, number>; length: number };
  /** Query side: distinct terms, and whether the query was read as pinyin. */
  query(text: string): { pinyin: boolean; terms: QueryTerm[] };
}

// jieba's dictionary is ~230 ms and tens of MB to load: one segmenter per distinct user dictionary, shared by
// indexes built with the same words (a KB service rebuilds its index on every change). The few most recently
// used are kept, so a KB whose synonyms keep changing does not pile up segmenters.
const segmenters = new Map<string, Jieba>();
const MAX_SEGMENTERS = 4;
function segmenter(words: readonly string[]): Jieba {
  const key = [...new Set(words.map((w) => w.replace(/\s+/g, '')).filter(Boolean))].sort().join('\n');
  let j = segmenters.get(key);
  if (j) segmenters.delete(key);
  else {
    j = Jieba.withDict(dict);
    // A high count makes jieba keep the term whole instead of splitting it into common words.
    if (key) j.loadDict(Buffer.from(key.split('\n').map((w) => `${w} 100000 n`).join('\n')));
  }
  segmenters.set(key, j); // most recent last
  while (segmenters.size > MAX_SEGMENTERS) segmenters.delete(segmenters.keys().next().value!);
  return j;
}

export function createAnalyzer(options: AnalyzerOptions): Analyzer {
  const fold = options.fold ?? true;
  const fillers = options.fillers ?? true;
  const maxSpan = options.maxSpan ?? 6;
  const syn = options.synonyms;
  const jieba = segmenter([...(options.userDict ?? []).map((w) => joinLatin(normalize(w))), ...syn.words]);

  /** Words with their offsets: jieba's precise cut, plus the dictionary words inside long ones (search mode). */
  function words(text: string): { word: string; at: number }[] {
    const out: { word: string; at: number }[] = [];
    let at = 0;
    for (const word of jieba.cut(text, true)) {
      const start = text.indexOf(word, at);
      if (start < 0) continue;
      at = start + word.length;
      if (!word.trim()) continue;
      out.push({ word, at: start });
      if (word.length > 2 && HANZI_RE.test(word)) {
        for (const sub of jieba.cutForSearch(word, true)) {
          const i = word.indexOf(sub);
          if (sub !== word && sub.length > 1 && i >= 0) out.push({ word: sub, at: start + i });
        }
      }
    }
    return out;
  }

  /** Every kind for normalised hanzi text; `add` receives each occurrence. Returns the syllables. */
  function hanziTerms(text: string, add: (term: string, kind: TermKind, surface: string) => void): Syllable[] {
    const syl = textSyllables(text, fold);
    const byIndex = new Map<number, Syllable>(syl.map((s) => [s.index, s]));
    for (const { word, at } of words(text)) {
      if (STOP.has(word)) continue;
      add('w:' + (syn.hanzi(word) ?? word), 'w', word);
      const ss: Syllable[] = [];
      for (let i = at; i < at + word.length; i++) {
        const s = byIndex.get(i);
        if (s) ss.push(s);
      }
      const key = ss.map((s) => s.key).join('');
      if (key) add('p:' + (syn.pinyin(key) ?? key), 'p', ss.map((s) => s.text).join(' '));
    }
    for (const chunk of text.split(' ')) charGrams(chunk, add);
    syllableGrams(syl, add);
    return syl;
  }

  /**
   * u: characters and c: character bigrams of a space-free chunk. Latin letters count one by one, as in the
   * reference character BM25: a partial match (三星pay ~ samsungpay, phone ~ iphone) is worth having, and
   * treating Latin runs as single units cost 0.03 top-1 on the development fifth.
   */
  function charGrams(chunk: string, add: (term: string, kind: TermKind, surface: string) => void): void {
    const units = [...chunk];
    units.forEach((u, i) => {
      if (!STOP_CHARS.has(u)) add('u:' + u, 'u', u);
      if (i > 0) add(`c:${units[i - 1]}${u}`, 'c', units[i - 1] + u);
    });
  }

  /** s: single syllables and q: syllable bigrams, the pinyin twins of u: and c:. */
  function syllableGrams(syl: readonly Syllable[], add: (term: string, kind: TermKind, surface: string) => void): void {
    for (let i = 0; i < syl.length; i++) {
      const s = syl[i]!;
      if (!STOP_SYLLABLES.has(s.key)) add('s:' + s.key, 's', s.text);
      if (i > 0) add(`q:${syl[i - 1]!.key} ${s.key}`, 'q', `${syl[i - 1]!.text} ${s.text}`);
    }
  }

  /**
   * Pinyin words of a query: every run of 1..maxSpan syllables, synonym-folded. The surface shown to the agent
   * is what the query said: the hanzi (环款) for a hanzi query, the syllables for a pinyin one.
   */
  function pinyinSpans(syl: readonly Syllable[], hanzi: boolean, add: (term: string, kind: TermKind, surface: string) => void): void {
    for (let i = 0; i < syl.length; i++) {
      let key = '';
      for (let j = i; j < Math.min(syl.length, i + maxSpan); j++) {
        key += syl[j]!.key;
        const run = syl.slice(i, j + 1);
        add('p:' + (syn.pinyin(key) ?? key), 'p', hanzi ? run.map((s) => s.source).join('') : run.map((s) => s.text).join(' '));
      }
    }
  }

  return {
    field(text, kinds) {
      const norm = joinLatin(normalize(text));
      const terms = new Map<string, number>();
      hanziTerms(norm, (t, kind) => {
        if (!kinds || kinds.has(kind)) terms.set(t, (terms.get(t) ?? 0) + 1);
      });
      return { terms, length: norm.replace(/ /g, '').length };
    },
    query(text) {
      const norm = normalize(text);
      const seen = new Map<string, QueryTerm>();
      const add = (term: string, kind: TermKind, surface: string): void => {
        if (!seen.has(term)) seen.set(term, { term, kind, surface });
      };
      if (isPinyinQuery(norm)) {
        const tokens = norm.split(' ').filter(Boolean);
        const kept = fillers ? stripPinyinFillers(tokens) : tokens;
        const syl = pinyinTokens(kept, fold);
        pinyinSpans(syl, false, add);
        syllableGrams(syl, add);
        // Latin words (pos, apple pay) are spelt the same in both forms: give them the letters hanzi text gets.
        for (const run of joinLatin(kept.map((t) => (isPinyinSyllable(t) ? '|' : t)).join(' ')).split(/ ?\| ?/)) charGrams(run, add);
        return { pinyin: true, terms: [...seen.values()] };
      }
      const clean = joinLatin(fillers ? stripFillers(norm) : norm);
      const syl = hanziTerms(clean, (t, kind, surface) => {
        if (kind !== 'p') add(t, kind, surface);
      });
      // p: from every syllable run rather than from jieba's words: a misrecognised word (环款) is not cut as one.
      pinyinSpans(syl, true, add);
      return { pinyin: false, terms: [...seen.values()] };
    },
  };
}
