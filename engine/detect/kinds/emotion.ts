import type { SegmentProsody } from '../../audio/prosody.js';
import { ANGER_LEXICON, INTENSIFIERS } from '../emotion-lexicon.js';
import { channelMatches, type CompiledRule } from '../evaluator.js';
import { phraseSyllables, type UtteranceForms } from '../forms.js';
import { compilePhraseSet } from '../phrase-set.js';
import type { EmotionRule } from '../rule.js';
import { describeHits } from './phrase.js';

const NEGATORS = ['不', '没', '别', '没有', '并不', '不是'];
const NOT_NEGATING = ['对不起', '不好意思', '不了', '是不是', '有没有', '会不会', '能不能'];

interface Entry {
  word: string;
  weight: number;
  syllables: string[];
}

export interface TextScore {
  score: number;
  words: string[];
}

/** Lexicon score of one utterance: weights × intensifier, a negated word scores nothing. */
export function scoreText(forms: UtteranceForms, entries: readonly Entry[], rawText: string): TextScore {
  let score = 0;
  const words: string[] = [];
  if (forms.hasHanzi) {
    const text = forms.compact;
    const taken = new Uint8Array(text.length);
    for (const e of entries) {
      for (let at = text.indexOf(e.word); at >= 0; at = text.indexOf(e.word, at + 1)) {
        if (taken[at]) continue; // a longer entry (气死我了) already counted this place (气死)
        taken.fill(1, at, at + e.word.length);
        let before = text.slice(Math.max(0, at - 3), at);
        for (const w of NOT_NEGATING) before = before.split(w).join('·'.repeat(w.length));
        if (NEGATORS.some((n) => before.endsWith(n) || before.slice(0, -1).endsWith(n))) continue;
        const boost = INTENSIFIERS.some((i) => text.slice(Math.max(0, at - i.length - 1), at).includes(i)) ? 1.5 : 1;
        score += e.weight * boost;
        words.push(e.word);
      }
    }
    // Exclamations, when the transcript carries punctuation (a platform's own ASR often does).
    const bangs = (rawText.match(/[!！]/g) ?? []).length;
    if (bangs > 0 && score > 0) score += Math.min(1, bangs * 0.5);
  } else {
    // Pinyin-only transcript: multi-syllable entries as toneless syllable sequences (one syllable is too ambiguous).
    const syl = forms.syllables.map((s) => s.toneless);
    for (const e of entries) {
      if (e.syllables.length < 2) continue;
      for (let i = 0; i + e.syllables.length <= syl.length; i++) {
        if (!e.syllables.every((s, k) => syl[i + k] === s)) continue;
        if (i > 0 && (syl[i - 1] === 'bu' || syl[i - 1] === 'mei')) continue;
        score += e.weight;
        words.push(e.word);
      }
    }
  }
  return { score: Math.round(score * 10) / 10, words };
}

/**
 * Anger or distress of the rule's channel: each final utterance's text score plus `prosody.weight` when the
 * speech under it was louder (by `minRiseDb`) and higher (by `minPitchRise`) than the speaker's baseline (the
 * median of their first `baselineSegments` segments). Escalation phrases fire on their own.
 */
export function compileEmotion(rule: EmotionRule): CompiledRule<EmotionRule> {
  const entries: Entry[] = Object.entries({ ...ANGER_LEXICON, ...(rule.lexicon ?? {}) })
    .map(([word, weight]) => ({ word, weight, syllables: phraseSyllables(word) }))
    .sort((a, b) => b.word.length - a.word.length);
  const escalation = rule.escalation ? compilePhraseSet(rule.escalation) : null;
  const textScoring = rule.minScore !== undefined;
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  };
  return {
    rule,
    create(ctx) {
      const segments: { startMs: number; endMs: number; p: SegmentProsody }[] = [];
      let baseline: { db: number; f0: number } | null = null;

      /** Does the speech under [startMs, endMs] rise above the baseline? */
      function aroused(startMs: number, endMs: number): { db: number; pitch: number } | null {
        const p = rule.prosody;
        if (!p || !baseline) return null;
        const under = segments.filter((s) => s.endMs > startMs && s.startMs < endMs && s.p.f0Hz !== null);
        if (under.length === 0) return null;
        const db = Math.max(...under.map((s) => s.p.rmsDb)) - baseline.db;
        const pitch = Math.max(...under.map((s) => s.p.f0Hz!)) / baseline.f0 - 1;
        return db >= p.minRiseDb && pitch >= p.minPitchRise ? { db, pitch } : null;
      }

      return {
        speechEnd(channel, startMs, endMs, prosody) {
          if (!channelMatches(rule.channel, channel) || !prosody || prosody.f0Hz === null || !rule.prosody) return;
          segments.push({ startMs, endMs, p: prosody });
          if (!baseline && segments.length >= rule.prosody.baselineSegments) {
            baseline = { db: median(segments.map((s) => s.p.rmsDb)), f0: median(segments.map((s) => s.p.f0Hz!)) };
          }
          if (segments.length > 64) segments.splice(rule.prosody.baselineSegments, 1);
        },
        utterance(u, forms) {
          if (!channelMatches(rule.channel, u.channel) || !ctx.inWindow(u.startMs)) return;
          if (escalation) {
            const hits = escalation.find(forms);
            if (hits.length > 0) {
              ctx.report({
                channel: u.channel, startMs: hits[0]!.startMs, endMs: hits[0]!.endMs, atMs: u.endMs,
                message: `${rule.description.split(' — ')[0]}: ${describeHits(hits)}`, matchedText: hits.map((h) => h.text).join(' '), matchedForm: hits[0]!.form,
              });
            }
          }
          if (!textScoring) return;
          const text = scoreText(forms, entries, u.text);
          const voice = aroused(u.startMs, u.endMs);
          const score = text.score + (voice ? rule.prosody!.weight : 0);
          if (score < rule.minScore!) return;
          const why = [
            text.words.length > 0 ? `words ${text.words.map((w) => `「${w}」`).join('')}` : '',
            voice ? `voice +${voice.db.toFixed(1)} dB, pitch +${Math.round(voice.pitch * 100)} % over baseline` : '',
          ].filter(Boolean).join('; ');
          ctx.report({
            channel: u.channel, startMs: u.startMs, endMs: u.endMs, atMs: u.endMs,
            message: `${rule.description.split(' — ')[0]}: score ${score} (${why})`,
            ...(text.words.length > 0 ? { matchedText: text.words.join(' '), matchedForm: forms.hasHanzi ? 'text' : 'pinyin' } : {}),
          });
        },
      };
    },
  };
}
