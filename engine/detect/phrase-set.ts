/**
 * A rule's phrases compiled once: literal phrases (on text, then on toneless pinyin), regular expressions,
 * exceptions and negation. `find` returns every phrase found in one utterance with its form and time span.
 */
import { fuzzyFinal, fuzzyInitial, splitSyllable } from '../asr/pinyin.js';
import { soundsAlike } from '../asr/pinyin-matcher.js';
import type { Fuzziness, MatchedForm, PhraseSet } from './rule.js';
import { normalizeRuleText, phraseSyllables, type UtteranceForms } from './forms.js';

export interface PhraseHit {
  /** The phrase (or regex source) as written in the rule. */
  phrase: string;
  /** The words that matched, as recognised (hanzi, or pinyin for a pinyin match). */
  text: string;
  form: MatchedForm;
  startMs: number;
  endMs: number;
}

export interface CompiledPhraseSet {
  readonly match: 'any' | 'all' | 'atLeast';
  /** Different phrases needed (1 for any, all phrases for all). */
  readonly needed: number;
  readonly size: number;
  find(forms: UtteranceForms): PhraseHit[];
}

/**
 * Negation. A bare 不/没/别/未/勿/莫 negates only what follows it closely (不保本, 没投诉); a negated modal or
 * verb (不会, 不要, 不能, 不是, 无需 …) reaches further (不会让您久等, 银行不会要求您提供密码). Words that contain
 * 不/没 without negating what follows (对不起让您久等了, 不但保本, 没问题您说一下) are masked first. Only the
 * phrase's own clause is looked at.
 */
const NEAR_NEGATORS = ['不', '没', '别', '勿', '莫', '未'];
const FAR_NEGATORS = ['不会', '不要', '不能', '不用', '不需要', '不必', '不是', '没有', '并非', '绝非', '从不', '从来不', '从没', '无需', '无须', '请勿', '切勿', '千万别', '千万不要'];
const NOT_NEGATING = ['对不起', '不好意思', '不客气', '不错', '不过', '不少', '了不起', '不断', '不用谢', '没关系', '不了解', '不但', '不仅', '没问题', '不管', '不论', '是不是', '要不要', '会不会', '能不能', '有没有'];
const PINYIN_NEGATORS = new Set(['bu', 'mei', 'bie']);
const PINYIN_NOT_NEGATING = [['dui', 'bu', 'qi'], ['bu', 'hao', 'yi', 'si'], ['bu', 'ke', 'qi'], ['bu', 'cuo'], ['mei', 'guan', 'xi'], ['bu', 'dan'], ['bu', 'jin'], ['mei', 'wen', 'ti'], ['shi', 'bu', 'shi']];
const NEAR_CHARS = 2;
const FAR_CHARS = 6;
const LOOKBACK_SYLLABLES = 3;

function negatedInText(forms: UtteranceForms, at: number): boolean {
  let from = at;
  while (from > 0 && at - from < FAR_CHARS && forms.clauseStarts[from] !== 1) from--;
  let before = forms.compact.slice(from, at);
  for (const w of NOT_NEGATING) before = before.split(w).join('·'.repeat(w.length));
  if (FAR_NEGATORS.some((n) => before.includes(n))) return true;
  const near = before.slice(-NEAR_CHARS);
  return NEAR_NEGATORS.some((n) => near.includes(n));
}

function negatedInPinyin(forms: UtteranceForms, first: number): boolean {
  let from = first;
  while (from > 0 && first - from < LOOKBACK_SYLLABLES && !forms.syllables[from]!.clauseStart) from--;
  const before = forms.syllables.slice(from, first).map((s) => s.toneless);
  for (const phrase of PINYIN_NOT_NEGATING) {
    for (let i = 0; i + phrase.length <= before.length; i++) {
      if (phrase.every((p, k) => before[i + k] === p)) for (let k = 0; k < phrase.length; k++) before[i + k] = '·';
    }
  }
  return before.some((s) => PINYIN_NEGATORS.has(s));
}

function fold(syllable: string): string {
  const units = splitSyllable(syllable);
  return units.length === 2 ? fuzzyInitial(units[0]!) + fuzzyFinal(units[1]!) : fuzzyFinal(units[0]!);
}

interface Literal {
  phrase: string;
  compact: string;
  syllables: string[];
  folded: string[];
}

/** Where a syllable sequence occurs in the utterance, under the rule's fuzziness. */
function findSyllables(forms: UtteranceForms, want: Literal, fuzziness: Fuzziness): { first: number; last: number }[] {
  const n = want.syllables.length;
  const syl = forms.syllables;
  const out: { first: number; last: number }[] = [];
  const allowed = fuzziness === 'fuzzy' && n >= 3 ? 1 : 0;
  for (let i = 0; i + n <= syl.length; i++) {
    let subs = 0;
    for (let j = 0; j < n && subs <= allowed; j++) {
      const got = syl[i + j]!.toneless;
      if (got === want.syllables[j]) continue;
      if (fuzziness === 'fuzzy' && fold(got) === want.folded[j]) continue;
      subs += fuzziness === 'fuzzy' && soundsAlike(got, want.syllables[j]!) ? 1 : allowed + 1;
    }
    if (subs <= allowed) {
      out.push({ first: i, last: i + n - 1 });
      i += n - 1;
    }
  }
  return out;
}

export function compilePhraseSet(set: PhraseSet): CompiledPhraseSet {
  const fuzziness = set.fuzziness ?? 'homophone';
  const literal = (p: string): Literal => {
    const syllables = phraseSyllables(p);
    return { phrase: p, compact: normalizeRuleText(p).replace(/ /g, ''), syllables, folded: syllables.map(fold) };
  };
  // Longest first: 稳赚不赔 is reported, not also the 稳赚 inside it.
  const phrases = (set.phrases ?? []).map(literal).filter((l) => l.compact.length > 0).sort((a, b) => b.compact.length - a.compact.length);
  const excepts = (set.except ?? []).map(literal).filter((l) => l.compact.length > 0);
  const regexes = (set.regex ?? []).map((r) => ({ source: r, re: new RegExp(r, 'gu') }));
  const size = phrases.length + regexes.length;
  const match = set.match ?? 'any';
  const needed = match === 'all' ? size : match === 'atLeast' ? set.minCount ?? 1 : 1;

  /** Char spans of `compact` covered by an exception phrase. */
  function exceptSpans(forms: UtteranceForms): [number, number][] {
    const spans: [number, number][] = [];
    for (const e of excepts) {
      for (let at = forms.compact.indexOf(e.compact); at >= 0; at = forms.compact.indexOf(e.compact, at + 1)) spans.push([at, at + e.compact.length]);
    }
    return spans;
  }
  function exceptSyllableSpans(forms: UtteranceForms): [number, number][] {
    return excepts.flatMap((e) => findSyllables(forms, e, 'homophone').map(({ first, last }) => [first, last] as [number, number]));
  }

  /** Time span of chars [from, to) of `compact`. */
  function charSpan(forms: UtteranceForms, from: number, to: number): { startMs: number; endMs: number } {
    const inside = forms.syllables.filter((s) => s.charIndex >= from && s.charIndex < to);
    const first = inside[0] ?? forms.syllables[0];
    const last = inside[inside.length - 1] ?? forms.syllables[forms.syllables.length - 1];
    return { startMs: Math.round(first?.startMs ?? 0), endMs: Math.round(last?.endMs ?? 0) };
  }

  return {
    match,
    needed,
    size,
    find(forms) {
      const hits: PhraseHit[] = [];
      const exceptText = excepts.length > 0 && forms.hasHanzi ? exceptSpans(forms) : [];
      const covered = (from: number, to: number): boolean => exceptText.some(([a, b]) => a <= from && b >= to);
      let exceptPinyin: [number, number][] | null = null;
      /** Char spans already reported: a regex or a homophone overlapping a literal hit is the same words. */
      const taken: [number, number][] = [];
      const overlaps = (from: number, to: number): boolean => taken.some(([a, b]) => from < b && to > a);
      for (const p of phrases) {
        let found = false;
        if (forms.hasHanzi) {
          for (let at = forms.compact.indexOf(p.compact); at >= 0; at = forms.compact.indexOf(p.compact, at + 1)) {
            const end = at + p.compact.length;
            if (covered(at, end) || overlaps(at, end) || (set.negatable && negatedInText(forms, at))) continue;
            hits.push({ phrase: p.phrase, text: forms.compact.slice(at, end), form: 'text', ...charSpan(forms, at, end) });
            taken.push([at, end]);
            found = true;
            break;
          }
        }
        // Pinyin: a homophone of a phrase of two or more syllables (one syllable alone is too ambiguous).
        if (found || fuzziness === 'exact' || p.syllables.length < 2) continue;
        if (forms.hasHanzi && forms.compact.includes(p.compact)) continue; // found as text, but excepted or negated
        exceptPinyin ??= exceptSyllableSpans(forms);
        for (const m of findSyllables(forms, p, fuzziness)) {
          if (exceptPinyin.some(([a, b]) => a <= m.first && b >= m.last)) continue;
          if (set.negatable && negatedInPinyin(forms, m.first)) continue;
          const syl = forms.syllables.slice(m.first, m.last + 1);
          const text = forms.hasHanzi ? forms.compact.slice(syl[0]!.charIndex, syl[syl.length - 1]!.charIndex + 1) : syl.map((s) => s.toneless).join(' ');
          hits.push({ phrase: p.phrase, text, form: 'pinyin', startMs: Math.round(syl[0]!.startMs), endMs: Math.round(syl[syl.length - 1]!.endMs) });
          break;
        }
      }
      if (forms.hasHanzi) {
        for (const r of regexes) {
          r.re.lastIndex = 0;
          for (let m = r.re.exec(forms.compact); m; m = r.re.exec(forms.compact)) {
            const end = m.index + m[0].length;
            if (m[0].length === 0) {
              r.re.lastIndex++;
              continue;
            }
            if (covered(m.index, end) || overlaps(m.index, end) || (set.negatable && negatedInText(forms, m.index))) continue;
            hits.push({ phrase: r.source, text: m[0], form: 'regex', ...charSpan(forms, m.index, end) });
            break;
          }
        }
      }
      return hits;
    },
  };
}
