/**
 * Pinyin helpers shared by the recogniser, the keyword tools and the evaluation.
 *
 * The embedded model's units are written-pinyin initials and tonal finals (tokens.txt): `sh` + `èn` = shèn,
 * `y` + `òng` = yòng (y and w count as initials, as in written pinyin), and a zero-initial final such as
 * `ài` or `ér` is a syllable by itself. Upper-case Latin letters are units too (spelt acronyms).
 */
import { pinyin } from 'pinyin-pro';

/** Longest first, so `zh` wins over `z`. */
export const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w'] as const;
const INITIAL_SET: ReadonlySet<string> = new Set(INITIALS);

export function isInitial(unit: string): boolean {
  return INITIAL_SET.has(unit);
}

/** Split one written syllable into the model's units: `xìn` → [`x`, `ìn`], `ài` → [`ài`], `A` → [`A`]. */
export function splitSyllable(syllable: string): string[] {
  for (const ini of INITIALS) {
    if (syllable.startsWith(ini) && syllable.length > ini.length) return [ini, syllable.slice(ini.length)];
  }
  return [syllable];
}

export interface TimedUnit {
  text: string;
  startMs: number;
}

export interface TimedSyllable {
  /** Tonal, as the model wrote it (or as pinyin-pro gave it for hanzi). */
  tonal: string;
  toneless: string;
  startMs: number;
  /** Start of the syllable's last unit: where a match spanning it ends. */
  lastUnitMs: number;
  /** Indices of the units (tokens) it was built from. */
  first: number;
  last: number;
}

/**
 * Join initial/final units into syllables. An initial followed by anything but a final (a decoding slip)
 * stays a syllable of its own, so it counts as an error in scoring rather than vanishing.
 */
export function unitsToSyllables(units: readonly TimedUnit[]): TimedSyllable[] {
  const out: TimedSyllable[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const next = units[i + 1];
    if (isInitial(u.text) && next && !isInitial(next.text) && isFinal(next.text)) {
      const tonal = u.text + next.text;
      out.push({ tonal, toneless: toneless(tonal), startMs: u.startMs, lastUnitMs: next.startMs, first: i, last: i + 1 });
      i++;
    } else {
      out.push({ tonal: u.text, toneless: toneless(u.text), startMs: u.startMs, lastUnitMs: u.startMs, first: i, last: i });
    }
  }
  return out;
}

/** A final starts with a vowel, or is a syllabic n/m with a tone mark (ń); Latin capitals are not finals. */
function isFinal(unit: string): boolean {
  const base = unit.normalize('NFD');
  return /^[aeiou]/.test(base) || /^[nm][\u0300-\u036f]/.test(base);
}

/**
 * Tonal → toneless: drop the tone marks, write ü as v (so lǜ → lv, nǚ → nv, lüè → lve) and lower-case.
 * j/q/x/y + u is already written without the umlaut in pinyin, so ju stays ju.
 */
export function toneless(syllable: string): string {
  return syllable
    .normalize('NFD')
    .replace(/u\u0308/g, 'v')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * Bank-domain readings pinyin-pro gets wrong in context (measured: it gives hái kuǎn for 还款, fēn xíng for 分行,
 * zhòng zhì for 重置, and yín xíng for 银行 in 3 of ~2,000 bank questions, e.g. 忘了银行卡余额不足). Applied by this module only: pinyin-pro's global custom dictionary is left alone.
 */
const DOMAIN_READINGS: Readonly<Record<string, string>> = {
  银行: 'yín háng',
  还款: 'huán kuǎn',
  还贷: 'huán dài',
  还钱: 'huán qián',
  还本: 'huán běn',
  还息: 'huán xī',
  分行: 'fēn háng',
  重置: 'chóng zhì',
  重设: 'chóng shè',
};

export interface HanziSyllable {
  /** Tonal syllable, or a run of Latin letters/digits kept as written. */
  tonal: string;
  toneless: string;
  /** Index in the input string (UTF-16) of the character it came from. */
  index: number;
  isHanzi: boolean;
}

/**
 * Hanzi → syllables, one per Chinese character; runs of Latin letters or digits are kept as one item each;
 * punctuation and spaces are dropped. Tones are citation tones (no 一/不 sandhi), as in the model's training
 * labels: the embedded model says yī xià for 一下.
 */
export function hanziToSyllables(text: string): HanziSyllable[] {
  const chars = pinyin(text, { type: 'all', toneType: 'symbol', toneSandhi: false, nonZh: 'spaced' });
  const out: HanziSyllable[] = [];
  let index = 0;
  let latin: HanziSyllable | null = null;
  for (const c of chars) {
    const at = index;
    index += c.origin.length;
    if (c.isZh && c.pinyin) {
      latin = null;
      out.push({ tonal: c.pinyin, toneless: toneless(c.pinyin), index: at, isHanzi: true });
    } else if (/^[A-Za-z0-9]+$/.test(c.origin)) {
      if (latin && latin.index + latin.tonal.length === at) {
        latin.tonal += c.origin;
        latin.toneless = latin.tonal.toLowerCase();
      } else {
        latin = { tonal: c.origin, toneless: c.origin.toLowerCase(), index: at, isHanzi: false };
        out.push(latin);
      }
    } else {
      latin = null;
    }
  }
  for (const [word, reading] of Object.entries(DOMAIN_READINGS)) {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      const readings = reading.split(' ');
      for (let k = 0; k < word.length; k++) {
        const s = out.find((x) => x.isHanzi && x.index === at + k);
        if (s) {
          s.tonal = readings[k]!;
          s.toneless = toneless(s.tonal);
        }
      }
    }
  }
  return out;
}

/** Hanzi → pinyin string, syllables separated by spaces (tonal or toneless). */
export function hanziToPinyin(text: string, tones: boolean): string {
  return hanziToSyllables(text)
    .map((s) => (tones ? s.tonal : s.toneless))
    .join(' ');
}

export interface ErrorCount {
  errors: number;
  refLength: number;
}

/** Levenshtein distance over syllables (substitutions + deletions + insertions) and the reference length. */
export function syllableErrors(ref: readonly string[], hyp: readonly string[]): ErrorCount {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const sub = prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1));
    }
    prev = cur;
  }
  return { errors: prev[hyp.length]!, refLength: ref.length };
}

/** Syllable error rate of one pair; pool several with `pooledRate`. */
export function syllableErrorRate(ref: readonly string[], hyp: readonly string[]): number {
  const { errors, refLength } = syllableErrors(ref, hyp);
  return refLength === 0 ? (hyp.length === 0 ? 0 : 1) : errors / refLength;
}

/** Total errors over total reference syllables (the usual corpus-level rate). */
export function pooledRate(counts: readonly ErrorCount[]): number {
  const ref = counts.reduce((s, c) => s + c.refLength, 0);
  return ref === 0 ? 0 : counts.reduce((s, c) => s + c.errors, 0) / ref;
}

/**
 * The fuzzy-pinyin classes of Chinese input methods (模糊音: z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing):
 * distinctions many Mandarin speakers do not make and the recogniser then confuses. One table for the
 * keyword matcher and the knowledge index.
 */
const FUZZY_INITIAL: Record<string, string> = { zh: 'z', ch: 'c', sh: 's', l: 'n' };
export function fuzzyInitial(initial: string): string {
  return FUZZY_INITIAL[initial] ?? initial;
}

export function fuzzyFinal(final: string): string {
  return final.replace(/(a|e|i)ng$/, '$1n');
}
