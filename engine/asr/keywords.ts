/**
 * Keyword text (hanzi, from the rule pack and the knowledge base) → the model's units, for sherpa's
 * KeywordSpotter (`x ìn y òng k ǎ @信用卡`, the format of the model's keywords.txt) and for the pinyin matcher.
 * Every unit is checked against tokens.txt: a keyword the model cannot spell is returned in `rejected`
 * with the reason, never dropped silently (a KWS given an unknown token fails to load, and a matcher
 * keyword with one could never match).
 */
import { readFileSync } from 'node:fs';
import { EarshotError } from '../errors.js';
import { hanziToSyllables, splitSyllable, unitsToSyllables } from './pinyin.js';

export interface KeywordSpelling {
  /** As written in the keyword list. */
  keyword: string;
  /** The model's units, in order: initials, tonal finals, capital letters. */
  units: string[];
  /** Toneless syllables, for the pinyin matcher. */
  syllables: string[];
  /** The KeywordSpotter line: units, then `@label`. */
  line: string;
}

export interface RejectedKeyword {
  keyword: string;
  reason: string;
  error: EarshotError;
}

export interface KeywordSet {
  accepted: KeywordSpelling[];
  rejected: RejectedKeyword[];
}

/** The unit inventory of a model: the first field of each tokens.txt line. */
export function readTokenSet(tokensPath: string): Set<string> {
  const set = new Set<string>();
  for (const line of readFileSync(tokensPath, 'utf8').split('\n')) {
    const unit = line.trim().split(/\s+/)[0];
    if (unit) set.add(unit);
  }
  return set;
}

/** Labels follow `@`; sherpa splits lines on whitespace, so a space inside a keyword would cut its label. */
export function keywordLabel(keyword: string): string {
  return keyword.replace(/\s+/g, '_');
}

function reject(keyword: string, reason: string): RejectedKeyword {
  return { keyword, reason, error: new EarshotError('EARSHOT_ERR_KEYWORD_INVALID', `${keyword}: ${reason}`) };
}

/**
 * Spell one keyword in a pinyin-unit model's tokens. Polyphones take pinyin-pro's reading in the context of
 * the keyword (银行 → yín háng) plus the bank-domain corrections of pinyin.ts (还款 → huán kuǎn).
 * Latin: a run of capitals (ATM, VIP) is spelt letter by letter, as the model writes acronyms; other Latin
 * words and digits have no reliable reading and are rejected (write numbers in hanzi, as spoken).
 */
export function spellKeyword(keyword: string, tokens: ReadonlySet<string>): KeywordSpelling | RejectedKeyword {
  const text = keyword.trim();
  if (!text) return reject(keyword, 'empty keyword');
  if (/[:#@]/.test(text)) return reject(keyword, 'contains one of : # @, which the keyword line format reserves');
  const units: string[] = [];
  const syllables: string[] = [];
  for (const s of hanziToSyllables(text)) {
    if (s.isHanzi) {
      units.push(...splitSyllable(s.tonal));
      syllables.push(s.toneless);
    } else if (/^[A-Z]+$/.test(s.tonal)) {
      for (const letter of s.tonal) {
        units.push(letter);
        syllables.push(letter.toLowerCase());
      }
    } else if (/\d/.test(s.tonal)) {
      return reject(keyword, `digits "${s.tonal}" have no single spoken form: write the number in hanzi as it is said`);
    } else {
      return reject(keyword, `Latin word "${s.tonal}" has no pinyin: write it in hanzi, or in capitals if it is spelt out (ATM)`);
    }
  }
  if (units.length === 0) return reject(keyword, 'no Chinese characters or capital letters to spell');
  const missing = [...new Set(units.filter((u) => !tokens.has(u)))];
  if (missing.length > 0) return reject(keyword, `unit(s) ${missing.join(', ')} not in the model's tokens.txt (spelt ${units.join(' ')})`);
  return { keyword, units, syllables, line: `${units.join(' ')} @${keywordLabel(keyword)}` };
}

/**
 * For a hanzi model the matcher works on pinyin derived from its hanzi, so a keyword only needs a reading;
 * nothing is spelt in the model's tokens (its units are characters and word pieces).
 */
export function readKeyword(keyword: string): KeywordSpelling | RejectedKeyword {
  const text = keyword.trim();
  if (!text) return reject(keyword, 'empty keyword');
  const syllables = hanziToSyllables(text).map((s) => s.toneless);
  if (syllables.length === 0) return reject(keyword, 'nothing to read: no Chinese characters, letters or digits');
  return { keyword, units: [], syllables, line: '' };
}

function isRejected(x: KeywordSpelling | RejectedKeyword): x is RejectedKeyword {
  return 'reason' in x;
}

/** Spell a list; duplicates (same keyword text) are spelt once. */
export function buildKeywordSet(keywords: readonly string[], tokens: ReadonlySet<string> | null): KeywordSet {
  const accepted: KeywordSpelling[] = [];
  const rejected: RejectedKeyword[] = [];
  for (const keyword of new Set(keywords)) {
    const r = tokens ? spellKeyword(keyword, tokens) : readKeyword(keyword);
    if (isRejected(r)) rejected.push(r);
    else accepted.push(r);
  }
  return { accepted, rejected };
}

/** The KeywordSpotter's `keywordsBuf`: one line per keyword. */
export function keywordsBuffer(set: KeywordSet): string {
  return set.accepted.map((k) => k.line).join('\n') + '\n';
}

/** Parse a keywords.txt-style line (`units @label`) back into units and label; used to read test_keywords.txt. */
export function parseKeywordLine(line: string): { units: string[]; label: string; syllables: string[] } | null {
  const at = line.indexOf('@');
  if (at < 0) return null;
  const units = line.slice(0, at).trim().split(/\s+/).filter(Boolean);
  const label = line.slice(at + 1).trim();
  const syllables = unitsToSyllables(units.map((text) => ({ text, startMs: 0 }))).map((s) => s.toneless);
  return { units, label, syllables };
}
