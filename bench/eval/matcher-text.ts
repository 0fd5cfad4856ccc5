/**
 * What the matcher's fuzziness costs, on text: ~20,000 real bank customer questions (bq-corpus) read as perfect
 * pinyin transcripts, the bank keyword list matched over them. A hit whose characters are not the keyword is a
 * false alarm the matcher adds by itself (a sound-alike, or a homophone no pinyin method can tell apart).
 * Far more text than there is audio, so it bounds the false-alarm rate where the recordings cannot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hanziToSyllables, type TimedSyllable } from '../../engine/asr/pinyin.js';
import { createPinyinMatcher, type MatcherOptions } from '../../engine/asr/pinyin-matcher.js';
import { sharedDir } from '../../test/fixtures/shared.js';

/** Mandarin conversational speech runs at about 4 syllables a second. */
const SYLLABLES_PER_SECOND = 4;

export interface TextMatchFigures {
  sentences: number;
  speechHours: number;
  occurrences: number;
  found: number;
  falseAlarms: number;
  faPerHour: number;
  /** False alarms with every syllable exact: homophones and variant characters (密碼), beyond any pinyin method. */
  homophones: number;
  /** False alarms the tolerated substitution adds: the fuzziness' own cost. */
  fuzzy: number;
  fuzzyPerHour: number;
  examples: string[];
}

function bankQuestions(): string[] {
  const rows = readFileSync(join(sharedDir(), 'data', 'bq-corpus', 'test.csv'), 'utf8').replace(/^\uFEFF/, '').split('\n').slice(1);
  const set = new Set<string>();
  for (const row of rows) {
    const cols = row.split(',');
    for (const s of cols.slice(0, 2)) if (s && s.trim()) set.add(s.trim());
  }
  return [...set];
}

export function matchOnText(keywords: { keyword: string; syllables: string[] }[], options: MatcherOptions): TextMatchFigures {
  const sentences = bankQuestions();
  const matcher = createPinyinMatcher(keywords, options);
  let syllableCount = 0;
  let occurrences = 0;
  let found = 0;
  let falseAlarms = 0;
  let homophones = 0;
  const examples: string[] = [];
  for (const text of sentences) {
    const syl = hanziToSyllables(text);
    syllableCount += syl.length;
    const timed: TimedSyllable[] = syl.map((s, i) => ({ tonal: s.tonal, toneless: s.toneless, startMs: i * 250, lastUnitMs: i * 250, first: i, last: i }));
    for (const k of keywords) for (let at = text.indexOf(k.keyword); at >= 0; at = text.indexOf(k.keyword, at + 1)) occurrences++;
    for (const m of matcher.find(timed)) {
      const from = syl[m.first]!.index;
      const to = syl[m.last]!.index + 1;
      if (text.slice(from, to) === m.keyword) found++;
      else {
        falseAlarms++;
        if (m.substitutions === 0) homophones++;
        if (examples.length < 8) examples.push(`${m.keyword}←${text.slice(from, to)}`);
      }
    }
  }
  const speechHours = syllableCount / SYLLABLES_PER_SECOND / 3600;
  const perHour = (n: number): number => Math.round((n / speechHours) * 10) / 10;
  const fuzzy = falseAlarms - homophones;
  return { sentences: sentences.length, speechHours, occurrences, found, falseAlarms, faPerHour: perHour(falseAlarms), homophones, fuzzy, fuzzyPerHour: perHour(fuzzy), examples };
}
