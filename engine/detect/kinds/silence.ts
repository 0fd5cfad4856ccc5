import type { Channel } from '../../events.js';
import { channelMatches, type CompiledRule, type KindOptions } from '../evaluator.js';
import { compilePhraseSet } from '../phrase-set.js';
import type { SilenceRule } from '../rule.js';

/**
 * Silence on the rule's channel (`any`: every channel at once, dead air) longer than the threshold: raised
 * when it passes, resolved with the silence's length when someone speaks or the call ends. The call starts
 * silent: a customer left waiting at the start is dead air too. After the agent announces a hold (its last
 * utterance holds a hold phrase), the silence that follows is a hold and only reported past `maxHoldMs`.
 */
export function compileSilence(rule: SilenceRule, options: KindOptions): CompiledRule<SilenceRule> {
  const thresholdMs = rule.minSilenceMs ?? options.deadAirMs;
  const hold = rule.holdPhrases ? compilePhraseSet(rule.holdPhrases) : null;
  const maxHoldMs = rule.maxHoldMs ?? Infinity;
  return {
    rule,
    create(ctx) {
      const speaking = new Set<Channel>();
      let silentSince: number | null = 0;
      let lastEndMs = 0;
      let raised: { alertId: string; hold: boolean } | null = null;
      /** Ends of the agent's recent utterances that announced a hold. */
      const holdEnds: number[] = [];
      const announcedAt = (t: number): boolean => holdEnds.some((e) => Math.abs(e - t) <= 1000);
      /** A hold was announced and the agent has not spoken since: silences now are the hold (the customer's 「好的」 or 「喂？」 does not end it). */
      let holdPending = false;
      let agentSpeaking = false;
      let agentLastStart = -1;
      let inHold = false;

      return {
        utterance(u, forms) {
          if (!hold || u.channel !== 'agent') return;
          const announced = hold.find(forms).length > 0;
          if (announced) {
            holdEnds.push(u.endMs);
            if (holdEnds.length > 8) holdEnds.shift();
          }
          // With a recogniser the final comes after its speech end: it decides for the silence that followed it.
          if (announced && !agentSpeaking && agentLastStart <= u.startMs) {
            holdPending = true;
            if (silentSince !== null && !raised) inHold = true;
          }
        },
        speechStart(channel, startMs) {
          if (channel === 'agent') {
            agentSpeaking = true;
            agentLastStart = startMs;
            holdPending = false;
          }
          if (!channelMatches(rule.channel, channel)) return;
          speaking.add(channel);
          if (silentSince === null) return;
          if (raised) {
            const lasted = Math.max(0, startMs - silentSince);
            ctx.resolve(raised.alertId, Math.max(startMs, silentSince), startMs, `${raised.hold ? 'hold' : 'silence'} lasted ${(lasted / 1000).toFixed(1)} s`);
          }
          raised = null;
          silentSince = null;
          inHold = false;
        },
        speechEnd(channel, _startMs, endMs) {
          if (channel === 'agent') {
            agentSpeaking = false;
            if (hold && announcedAt(endMs)) holdPending = true;
          }
          if (!channelMatches(rule.channel, channel)) return;
          speaking.delete(channel);
          lastEndMs = Math.max(lastEndMs, endMs);
          if (speaking.size === 0) {
            silentSince = lastEndMs;
            inHold = holdPending;
          }
        },
        advance(nowMs) {
          if (silentSince === null || raised) return;
          const limit = inHold ? maxHoldMs : thresholdMs;
          if (nowMs - silentSince < limit) return;
          const atMs = silentSince + limit;
          const who = rule.channel === 'any' ? 'no one has spoken' : `the ${rule.channel} has not spoken`;
          const alertId = ctx.report({
            channel: rule.channel === 'any' ? 'both' : rule.channel, startMs: silentSince, endMs: null, atMs, lasting: true,
            message: inHold ? `hold longer than ${Math.round(limit / 1000)} s` : `dead air: ${who} for ${Math.round(limit / 1000)} s`,
          });
          raised = { alertId, hold: inHold };
        },
        finish(endMs) {
          if (raised && silentSince !== null) ctx.resolve(raised.alertId, endMs, endMs, `${raised.hold ? 'hold' : 'silence'} lasted ${((endMs - silentSince) / 1000).toFixed(1)} s (call ended)`);
          raised = null;
        },
      };
    },
  };
}
