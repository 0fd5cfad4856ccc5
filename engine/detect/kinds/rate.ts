import { channelMatches, type CompiledRule } from '../evaluator.js';
import type { RateRule } from '../rule.js';

/**
 * Speech rate: characters (or syllables, for pinyin transcripts) per minute of the channel's own speech,
 * over the utterances that ended in the last `windowMs`, judged once `minSpeechMs` of speech is in the window.
 */
export function compileRate(rule: RateRule): CompiledRule<RateRule> {
  return {
    rule,
    create(ctx) {
      const window: { startMs: number; endMs: number; units: number }[] = [];
      return {
        utterance(u, forms) {
          if (!channelMatches(rule.channel, u.channel) || forms.units === 0 || u.endMs <= u.startMs) return;
          window.push({ startMs: u.startMs, endMs: u.endMs, units: forms.units });
          while (window.length > 0 && window[0]!.endMs <= u.endMs - rule.windowMs) window.shift();
          const speechMs = window.reduce((s, w) => s + (w.endMs - w.startMs), 0);
          if (speechMs < rule.minSpeechMs || !ctx.inWindow(u.endMs)) return;
          const cpm = Math.round(window.reduce((s, w) => s + w.units, 0) / (speechMs / 60_000));
          const fast = rule.maxCpm !== undefined && cpm > rule.maxCpm;
          const slow = rule.minCpm !== undefined && cpm < rule.minCpm;
          if (!fast && !slow) return;
          ctx.report({
            channel: u.channel, startMs: window[0]!.startMs, endMs: u.endMs, atMs: u.endMs,
            message: `speech rate ${cpm} characters/min over the last ${Math.round(rule.windowMs / 1000)} s (${fast ? `above ${rule.maxCpm}` : `below ${rule.minCpm}`})`,
          });
        },
      };
    },
  };
}
