/**
 * Pinyin side of the knowledge index. Hanzi → syllables reuses engine/asr/pinyin.ts (pinyin-pro plus the
 * bank-reading corrections 还款 huán, 银行 háng), so articles and recogniser output spell a word alike.
 */
import { fuzzyFinal, fuzzyInitial, hanziToSyllables, splitSyllable } from '../engine/asr/pinyin.js';
import { isPinyinSyllable } from './text.js';

/**
 * One key per fuzzy-pinyin class (模糊音): zh/z, ch/c, sh/s, l/n, ang/an, eng/en, ing/in — the pairs
 * engine/asr/pinyin-matcher.ts tolerates, because many Mandarin speakers do not make them and the recogniser
 * confuses them. Folding at index and query time makes 环款 huan kuan, zhuan zhang and zuan zang meet; the
 * classes are the shared ones of engine/asr/pinyin.ts. Latin runs (pos, atm) are not syllables and stay as they are.
 */
export function foldSyllable(s: string): string {
  if (!isPinyinSyllable(s)) return s;
  const units = splitSyllable(s);
  const [initial, final] = units.length === 2 ? [units[0]!, units[1]!] : ['', units[0]!];
  return fuzzyInitial(initial) + fuzzyFinal(final);
}

export interface Syllable {
  /** Toneless, folded when asked. */
  key: string;
  /** Toneless as read, for display. */
  text: string;
  /** What it was read from: the hanzi, or the Latin run / pinyin token itself. */
  source: string;
  /** UTF-16 index of the character it came from in the input. */
  index: number;
}

/** Syllables of normalised hanzi text, Latin runs kept whole (hanziToSyllables' rule). */
export function textSyllables(text: string, fold: boolean): Syllable[] {
  return hanziToSyllables(text).map((s) => ({
    key: fold ? foldSyllable(s.toneless) : s.toneless,
    text: s.toneless,
    source: s.isHanzi ? text.slice(s.index, s.index + 1) : s.toneless,
    index: s.index,
  }));
}

/** A pinyin query's tokens as syllables (no character positions: index is the token number). */
export function pinyinTokens(tokens: readonly string[], fold: boolean): Syllable[] {
  return tokens.map((t, index) => ({ key: fold ? foldSyllable(t) : t, text: t, source: t, index }));
}
