/**
 * Question similarity: do two customer wordings ask the same thing? Cosine of idf-weighted term vectors over
 * the knowledge index's own terms (knowledge/tokenize.ts), so it sees what search sees: jieba words, synonym
 * groups, character n-grams and their pinyin. Symmetric by construction: sim(a, b) === sim(b, a), in [0, 1].
 *
 * Used to measure the term pipeline as a same-meaning classifier (bench/eval-kb.ts on bq-corpus), and by
 * anything that must tell whether two questions are paraphrases (e.g. merging a new 相似问法 into an article).
 */
import { BANK_SYNONYMS, createSynonymTable } from './synonyms.js';
import { createAnalyzer, type TermKind } from './tokenize.js';
import { isPinyinQuery, normalize } from './text.js';

export interface SimilarityOptions {
  /** Texts whose document frequencies give the idf (e.g. the KB's questions); none: every term weighs 1. */
  corpus?: readonly string[];
  synonyms?: readonly (readonly string[])[];
  userDict?: readonly string[];
  /** Term-kind weights for two hanzi texts (default: hanzi terms 1, pinyin words 0.3, as in search). */
  weights?: Partial<Record<TermKind, number>>;
}

export type Similarity = (a: string, b: string) => number;

const HANZI_WEIGHTS: Record<TermKind, number> = { w: 1, c: 1, u: 1, p: 0.3, q: 0, s: 0 };
/** With a pinyin text on either side only sound can be compared: syllables and syllable pairs. */
const SOUND_WEIGHTS: Record<TermKind, number> = { w: 0, c: 0, u: 0, p: 0, q: 1, s: 1 };

export function createSimilarity(options: SimilarityOptions = {}): Similarity {
  const analyzer = createAnalyzer({ userDict: options.userDict, synonyms: createSynonymTable(options.synonyms ?? BANK_SYNONYMS, true) });
  const hanziWeights = { ...HANZI_WEIGHTS, ...options.weights };

  /** Term counts: article-side analysis for hanzi; a pinyin text's syllables (its q:/s: terms). */
  const terms = (text: string): Map<string, number> => {
    if (!isPinyinQuery(normalize(text))) return analyzer.field(text).terms;
    const out = new Map<string, number>();
    for (const t of analyzer.query(text).terms) if (t.kind === 'q' || t.kind === 's') out.set(t.term, 1);
    return out;
  };

  const df = new Map<string, number>();
  const corpus = options.corpus ?? [];
  for (const text of corpus) for (const t of terms(text).keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = corpus.length;
  const idf = (t: string): number => (n === 0 ? 1 : Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5)));

  const vector = (counts: Map<string, number>, weights: Record<TermKind, number>): Map<string, number> => {
    const v = new Map<string, number>();
    for (const [t, c] of counts) {
      const w = (weights[t[0] as TermKind] ?? 0) * idf(t) * (1 + Math.log(c));
      if (w > 0) v.set(t, w);
    }
    return v;
  };

  return (a, b) => {
    const ta = terms(a);
    const tb = terms(b);
    const sound = isPinyinQuery(normalize(a)) || isPinyinQuery(normalize(b));
    const weights = sound ? SOUND_WEIGHTS : hanziWeights;
    return cosine(vector(ta, weights), vector(tb, weights));
  };
}

export function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na === 0 || nb === 0 ? 0 : Math.min(1, dot / Math.sqrt(na * nb));
}

/**
 * The threshold that classifies scored pairs best (accuracy), and that accuracy: every midpoint between
 * consecutive distinct scores is tried. For choosing on one half of a labelled set and testing on the other.
 */
export function bestThreshold(pairs: readonly { score: number; same: boolean }[]): { threshold: number; accuracy: number } {
  const sorted = [...pairs].sort((x, y) => x.score - y.score);
  let correct = sorted.filter((p) => p.same).length; // threshold below everything: all called "same"
  let best = { threshold: (sorted[0]?.score ?? 0) - 1e-9, correct };
  for (let i = 0; i < sorted.length; i++) {
    correct += sorted[i]!.same ? -1 : 1;
    const next = sorted[i + 1]?.score;
    if (next !== undefined && next === sorted[i]!.score) continue;
    const threshold = next === undefined ? sorted[i]!.score + 1e-9 : (sorted[i]!.score + next) / 2;
    if (correct > best.correct) best = { threshold, correct };
  }
  return { threshold: best.threshold, accuracy: pairs.length ? best.correct / pairs.length : 0 };
}

/** Accuracy of "same meaning when score ≥ threshold". */
export function accuracyAt(pairs: readonly { score: number; same: boolean }[], threshold: number): number {
  return pairs.length ? pairs.filter((p) => p.score >= threshold === p.same).length / pairs.length : 0;
}
