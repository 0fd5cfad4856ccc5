/**
 * The similarity score as a same-meaning classifier on bq-corpus/test.csv (10,000 WeBank question pairs,
 * half of them paraphrases). Pairs are split by row parity into halves A and B; the idf comes from one half's
 * sentences and the threshold is the one that is most accurate on that half; accuracy is then measured on the
 * other half. Both directions are reported. No label of the tested half is used.
 */
import { hanziToPinyin } from '../../engine/asr/pinyin.js';
import { accuracyAt, bestThreshold, createSimilarity } from '../../knowledge/similarity.js';
import type { Pair } from './kb-data.js';

export interface Direction {
  fitOn: 'A' | 'B';
  threshold: number;
  fitAccuracy: number;
  testAccuracy: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function bqClassifier(pairs: readonly Pair[], pinyin: boolean): { directions: Direction[]; accuracy: number } {
  const halves = { A: pairs.filter((_, i) => i % 2 === 0), B: pairs.filter((_, i) => i % 2 === 1) };
  const form = (s: string): string => (pinyin ? hanziToPinyin(s, false) : s);
  const directions: Direction[] = (['A', 'B'] as const).map((fitOn) => {
    const fit = halves[fitOn];
    const test = halves[fitOn === 'A' ? 'B' : 'A'];
    const sim = createSimilarity({ corpus: fit.flatMap((p) => [p.a, p.b]) });
    const score = (ps: readonly Pair[]): { score: number; same: boolean }[] => ps.map((p) => ({ score: sim(form(p.a), form(p.b)), same: p.same }));
    const chosen = bestThreshold(score(fit));
    return { fitOn, threshold: r3(chosen.threshold), fitAccuracy: r3(chosen.accuracy), testAccuracy: r3(accuracyAt(score(test), chosen.threshold)) };
  });
  return { directions, accuracy: r3(directions.reduce((s, d) => s + d.testAccuracy, 0) / directions.length) };
}
