/**
 * The customer's anger as a continuous value, for the `metric` events' `emotion.customer` (the supervisor
 * wall's emotion trend): the anger-lexicon score (kinds/emotion.ts `scoreText`) of each customer final,
 * summed over the finals that ended in the last 30 s of call time; 0 is calm. Words only: the emotion rule's
 * voice (prosody) and a rule's own `lexicon:` entries are not counted. Alerts stay the rules' business.
 */
import { ANGER_LEXICON } from './emotion-lexicon.js';
import { normalizeRuleText, phraseSyllables, utteranceForms, type FormsInput, type UtteranceForms } from './forms.js';
import { scoreText } from './kinds/emotion.js';

export const EMOTION_WINDOW_MS = 30_000;

export interface EmotionMeter {
  /** A final utterance of the customer. */
  customerFinal(u: FormsInput): void;
  /** Anger score of the customer's finals that ended in (nowMs − window, nowMs]; call `nowMs` in increasing order. */
  customer(nowMs: number): number;
}

let lexicon: { word: string; weight: number; syllables: string[] }[] | null = null;
/** The lexicon as scoreText takes it, longest words first; built on first use. */
function entries(): NonNullable<typeof lexicon> {
  lexicon ??= Object.entries(ANGER_LEXICON)
    .map(([word, weight]) => ({ word, weight, syllables: phraseSyllables(word) }))
    .sort((a, b) => b.word.length - a.word.length);
  return lexicon;
}

const HANZI = /\p{Script=Han}/u;

/**
 * The forms scoreText needs, cheaply: for hanzi text it reads only `compact`, so the pinyin of the full
 * forms (most of their cost) is built only for a pinyin-only transcript.
 */
function formsFor(u: FormsInput): UtteranceForms {
  const clean = normalizeRuleText(u.text);
  if (!HANZI.test(clean)) return utteranceForms(u);
  return { clean, compact: clean.replace(/ /g, ''), clauseStarts: new Uint8Array(0), hasHanzi: true, syllables: [], units: 0 };
}

export function createEmotionMeter(windowMs = EMOTION_WINDOW_MS): EmotionMeter {
  /** Customer finals that scored above 0 and may still fall in a window. */
  let scored: { endMs: number; score: number }[] = [];
  return {
    customerFinal(u) {
      const { score } = scoreText(formsFor(u), entries(), u.text);
      if (score > 0) scored.push({ endMs: u.endMs, score });
    },
    customer(nowMs) {
      const from = nowMs - windowMs;
      scored = scored.filter((s) => s.endMs > from);
      let sum = 0;
      for (const s of scored) if (s.endMs <= nowMs) sum += s.score;
      return Math.round(sum * 10) / 10;
    },
  };
}
