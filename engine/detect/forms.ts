/**
 * The forms of an utterance that rules match on: normalised text (simplified, half-width, lower-case, fillers
 * gone, punctuation as clause breaks) and toneless pinyin syllables with call times. Built once per utterance
 * and shared by every rule.
 */
import OpenCC from 'opencc-js';
import { hanziToSyllables, toneless as tonelessOf, unitsToSyllables } from '../asr/pinyin.js';

const toSimplified = OpenCC.Converter({ from: 'twp', to: 'cn' });
const HANZI = /\p{Script=Han}/u;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
/** Kept between two numbers that punctuation separated (a letter, so it survives the separator pass). */
const NUMBER_BREAK = 'ǀ';

/**
 * Disfluencies only: words that never carry meaning in a service call. Greetings and thanks are content here
 * (a greeting rule looks for 您好), unlike in knowledge search.
 */
export const FILLERS: readonly string[] = ['嗯', '呃', '哦', '啊', '诶', '欸', '那个那个'];
const FILLER_RE = new RegExp(FILLERS.join('|'), 'g');
/** Toneless pinyin of the fillers (syllables only these fillers have). */
const PINYIN_FILLERS: ReadonlySet<string> = new Set(['en', 'ng', 'n', 'm', 'o', 'ei', 'hm']);

/** Phrase or utterance text → simplified, half-width, lower-case; punctuation → single spaces (clause breaks); fillers removed. */
export function normalizeRuleText(text: string): string {
  // 帐 → 账 (bank documents write 到账); 甚么 (what opencc makes of 甚麼) is a variant of 什么.
  const s = toSimplified(text.normalize('NFKC')).toLowerCase().replace(/帐/g, '账').replace(/甚么/g, '什么');
  // Digits across punctuation other than spaces are separate numbers (001-800-800-95516；0800…), kept apart by
  // a letter-like mark so that a card-number pattern cannot join phone numbers; 6222 0212 … stays one run.
  return s.replace(FILLER_RE, '').replace(/(\d)[^\p{L}\p{N}\s]+(?=\d)/gu, `$1${NUMBER_BREAK}`).replace(SEPARATORS, ' ').trim();
}

export interface FormSyllable {
  toneless: string;
  startMs: number;
  endMs: number;
  /** Index of the character in `compact` it came from; -1 for pinyin-only transcripts. */
  charIndex: number;
  /** A clause break (punctuation, pause) comes before this syllable. */
  clauseStart: boolean;
}

export interface UtteranceForms {
  /** Normalised text with spaces at clause breaks ('' for a pinyin-only transcript). */
  clean: string;
  /** `clean` without spaces: phrases match across punctuation. */
  compact: string;
  /** For each char of `compact`: is it the first of a clause. */
  clauseStarts: Uint8Array;
  hasHanzi: boolean;
  syllables: FormSyllable[];
  /** Characters (hanzi) or syllables spoken: the unit of speech rate. */
  units: number;
}

export interface FormsInput {
  text: string;
  /** Toneless pinyin syllables separated by spaces, when the recogniser gave them. */
  pinyin?: string;
  tokens?: { text: string; startMs: number }[];
  startMs: number;
  endMs: number;
}

export function utteranceForms(u: FormsInput): UtteranceForms {
  const clean = normalizeRuleText(u.text);
  const hasHanzi = HANZI.test(clean);
  if (!hasHanzi && u.pinyin !== undefined) return pinyinForms(u);
  let compact = '';
  const starts: number[] = [];
  let breakNext = true;
  for (const ch of clean) {
    if (ch === ' ') {
      breakNext = true;
      continue;
    }
    starts.push(breakNext ? 1 : 0);
    breakNext = false;
    compact += ch;
  }
  const clauseStarts = Uint8Array.from(starts);
  const raw = hanziToSyllables(compact);
  // One token per hanzi (hanzi models): the tokens' times; otherwise spread evenly over the utterance.
  const hanziTokens = u.tokens?.filter((t) => HANZI.test(t.text));
  const timed = hanziTokens !== undefined && hanziTokens.length === raw.length && hanziTokens.every((t) => [...t.text].length === 1);
  const span = u.endMs - u.startMs;
  const syllables: FormSyllable[] = raw.map((s, i) => {
    const startMs = timed ? hanziTokens![i]!.startMs : u.startMs + (span * i) / Math.max(1, raw.length);
    const endMs = timed ? hanziTokens![i + 1]?.startMs ?? u.endMs : u.startMs + (span * (i + 1)) / Math.max(1, raw.length);
    return { toneless: s.toneless, startMs, endMs, charIndex: s.index, clauseStart: clauseStarts[s.index] === 1 };
  });
  const units = syllables.length;
  return { clean, compact, clauseStarts, hasHanzi, syllables, units };
}

/** A pinyin-unit recogniser's transcript: syllables with their token times, no text form. */
function pinyinForms(u: FormsInput): UtteranceForms {
  let syllables: FormSyllable[];
  const fromTokens = u.tokens && u.tokens.length > 0 ? unitsToSyllables(u.tokens) : null;
  const words = (u.pinyin ?? '').split(/\s+/).filter(Boolean);
  if (fromTokens && fromTokens.length === words.length) {
    syllables = fromTokens.map((s, i) => ({
      toneless: s.toneless,
      startMs: s.startMs,
      endMs: fromTokens[i + 1]?.startMs ?? u.endMs,
      charIndex: -1,
      clauseStart: i === 0,
    }));
  } else {
    const span = u.endMs - u.startMs;
    syllables = words.map((w, i) => ({
      toneless: tonelessOf(w),
      startMs: u.startMs + (span * i) / words.length,
      endMs: u.startMs + (span * (i + 1)) / words.length,
      charIndex: -1,
      clauseStart: i === 0,
    }));
  }
  syllables = syllables.filter((s) => !PINYIN_FILLERS.has(s.toneless));
  return { clean: '', compact: '', clauseStarts: new Uint8Array(0), hasHanzi: false, syllables, units: syllables.length };
}

/** Toneless syllables of a phrase written in hanzi (or Latin/digits, one item per run). */
export function phraseSyllables(phrase: string): string[] {
  return hanziToSyllables(normalizeRuleText(phrase).replace(/ /g, '')).map((s) => s.toneless);
}
