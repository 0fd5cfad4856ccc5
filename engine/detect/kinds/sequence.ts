import type { Channel } from '../../events.js';
import { channelMatches, type CompiledRule, type KindOptions } from '../evaluator.js';
import { compilePhraseSet, type PhraseHit } from '../phrase-set.js';
import type { SequenceRule } from '../rule.js';
import { describeHits } from './phrase.js';

interface Armed {
  atMs: number;
  deadlineMs: number;
  trigger: PhraseHit[];
  /** required-on-return: end of the channel's last utterance since the trigger. */
  lastEndMs: number;
}

/**
 * Two phrase sets in order (see SequenceRule's modes). A trigger and an expected phrase in the same utterance
 * count as in order: 「这款理财产品有风险，投资需谨慎」 discloses the risk of the product it names.
 */
export function compileSequence(rule: SequenceRule, options: KindOptions): CompiledRule<SequenceRule> {
  const trigger = compilePhraseSet(rule.trigger);
  const expect = compilePhraseSet(rule.expect);
  const triggerChannel = rule.trigger.channel ?? 'any';
  const withinMs = rule.withinMs ?? Infinity;
  const name = rule.description.split(' — ')[0];
  const expected = [...(rule.expect.phrases ?? []), ...(rule.expect.regex ?? [])].slice(0, 3).join(' / ');
  return {
    rule,
    create(ctx) {
      let armed: Armed | null = null;
      let lastTriggerMs: number | null = null;
      const alertChannel = (): Channel | 'both' => (rule.channel === 'any' ? 'both' : rule.channel);
      const missed = (a: Armed, atMs: number, why: string): void => {
        ctx.report({
          channel: alertChannel(), startMs: a.trigger[0]!.startMs, endMs: atMs, atMs,
          message: `${name}: ${why} after ${describeHits(a.trigger)}`, matchedText: a.trigger.map((h) => h.text).join(' '),
          matchedForm: a.trigger[0]!.form,
        });
      };
      return {
        utterance(u, forms) {
          const trig = channelMatches(triggerChannel, u.channel) ? trigger.find(forms).filter((h) => ctx.inWindow(h.startMs)) : [];
          const isTrigger = trig.length > 0 && new Set(trig.map((h) => h.phrase)).size >= trigger.needed;
          const exp = channelMatches(rule.channel, u.channel) ? expect.find(forms) : [];
          const isExpect = exp.length > 0 && new Set(exp.map((h) => h.phrase)).size >= expect.needed;

          switch (rule.mode) {
            case 'required-after':
              if (armed && isExpect) armed = null;
              if (isTrigger && !armed && !isExpect) armed = { atMs: u.endMs, deadlineMs: u.endMs + withinMs, trigger: trig, lastEndMs: u.endMs };
              break;
            case 'forbidden-after':
              if (armed && isExpect && u.startMs <= armed.deadlineMs) {
                ctx.report({
                  channel: u.channel, startMs: exp[0]!.startMs, endMs: exp[0]!.endMs, atMs: u.endMs,
                  message: `${name}: ${describeHits(exp)} after ${describeHits(armed.trigger)}`, matchedText: exp.map((h) => h.text).join(' '),
                  matchedForm: exp[0]!.form,
                });
                armed = null;
              }
              if (isTrigger) armed = { atMs: u.endMs, deadlineMs: u.endMs + withinMs, trigger: trig, lastEndMs: u.endMs };
              break;
            case 'required-before': {
              // A trigger in the same utterance counts, in either order: 查询您的余额需要先核实身份 asks first.
              if (isTrigger) lastTriggerMs = Math.min(...trig.map((h) => h.startMs));
              if (!isExpect) break;
              const expAt = Math.min(...exp.map((h) => h.startMs));
              const ok = lastTriggerMs !== null && (lastTriggerMs <= expAt || isTrigger) && expAt - lastTriggerMs <= withinMs;
              if (!ok) {
                ctx.report({
                  channel: u.channel, startMs: expAt, endMs: Math.max(...exp.map((h) => h.endMs)), atMs: u.endMs,
                  message: `${name}: ${describeHits(exp)} before ${[...(rule.trigger.phrases ?? [])].slice(0, 2).join(' / ')}`,
                  matchedText: exp.map((h) => h.text).join(' '), matchedForm: exp[0]!.form,
                });
              }
              break;
            }
            case 'required-on-return':
              if (!channelMatches(rule.channel, u.channel)) {
                if (isTrigger && !armed) armed = { atMs: u.endMs, deadlineMs: Infinity, trigger: trig, lastEndMs: u.endMs };
                break;
              }
              // The channel's first utterance after the trigger decides: back from a hold of minGapMs or more, it
              // must hold the apology; sooner, there was no hold to apologise for.
              if (armed && u.startMs > armed.atMs) {
                if (u.startMs - armed.lastEndMs >= (rule.minGapMs ?? 0) && !isExpect) missed(armed, u.endMs, `no ${expected} on return`);
                armed = null;
              }
              if (isTrigger && !armed) armed = { atMs: u.endMs, deadlineMs: Infinity, trigger: trig, lastEndMs: u.endMs };
              break;
          }
        },
        advance(nowMs) {
          if (rule.mode === 'required-after' && armed && nowMs >= armed.deadlineMs + options.windowGraceMs) {
            const a = armed;
            armed = null;
            missed(a, nowMs, `no ${expected} within ${Math.round(withinMs / 1000)} s`);
          }
        },
        finish(endMs) {
          if (rule.mode === 'required-after' && armed) missed(armed, endMs, `no ${expected} before the call ended`);
          armed = null;
        },
      };
    },
  };
}
