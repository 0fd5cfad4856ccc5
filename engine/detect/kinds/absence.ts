import type { Channel, EndReason } from '../../events.js';

const ABNORMAL_ENDS: ReadonlySet<EndReason> = new Set(['socket-closed', 'protocol-error', 'server-shutdown', 'server-restart']);
import { channelMatches, type CompiledRule, type KindOptions } from '../evaluator.js';
import { compilePhraseSet } from '../phrase-set.js';
import type { AbsenceRule } from '../rule.js';

interface OpenWindow {
  fromMs: number;
  toMs: number;
  satisfied: boolean;
}

/**
 * A required phrase not said inside its window. A window closes at `toMs` (judged once finals begun before it
 * had time to arrive: `windowGraceMs`, or when the channel stops speaking), at the call's end for `lastMs`
 * and window-less rules, or `withinMs` after each hit of `afterRule`. A window cut short by the end of the
 * call is judged when it is a fixed span (toMs) and the call lasted `minCallMs`, or, after `afterRule`, when
 * the channel spoke inside it without the phrase — unless the call was cut off (socket closed, server stopped).
 */
export function compileAbsence(rule: AbsenceRule, options: KindOptions): CompiledRule<AbsenceRule> {
  const set = compilePhraseSet(rule);
  const w = rule.window ?? {};
  const minCallMs = rule.minCallMs ?? 0;
  const phrases = [...(rule.phrases ?? []), ...(rule.regex ?? [])].slice(0, 3).join(' / ');
  return {
    rule,
    create(ctx) {
      const windows: OpenWindow[] = [];
      /** Start times of the rule channel's utterances (a window cut short by the call's end is judged if it spoke in it). */
      const spoke: number[] = [];
      /** Times at which the phrase was said. */
      const said: number[] = [];
      const speaking = new Map<Channel, number>();
      /** Recent speech segments of the rule's channel(s): a window waits for the final of one spanning its end. */
      const segments: { startMs: number; endMs: number }[] = [];
      let fixed: OpenWindow | null = w.afterRule === undefined && w.lastMs === undefined ? { fromMs: w.fromMs ?? 0, toMs: w.toMs ?? Infinity, satisfied: false } : null;
      if (fixed) windows.push(fixed);

      const missing = (win: OpenWindow, atMs: number): void => {
        ctx.report({
          channel: rule.channel === 'any' ? 'both' : rule.channel,
          startMs: win.fromMs,
          endMs: Number.isFinite(win.toMs) ? win.toMs : atMs,
          atMs,
          message: `${rule.description.split(' — ')[0]}: ${phrases} not said`,
        });
      };
      /** When a window closing at `t` can be judged: after the last segment begun before it ended, plus the grace for its final. */
      const judgeableAt = (t: number): number => {
        for (const [ch, since] of speaking) if (channelMatches(rule.channel, ch) && since < t) return Infinity;
        let end = t;
        for (const s of segments) if (s.startMs < t && s.endMs > end) end = s.endMs;
        return end + options.windowGraceMs;
      };

      return {
        utterance(u, forms) {
          if (!channelMatches(rule.channel, u.channel)) return;
          spoke.push(u.startMs);
          const hits = set.find(forms);
          if (hits.length === 0 || new Set(hits.map((h) => h.phrase)).size < set.needed) return;
          const at = Math.min(...hits.map((h) => h.startMs));
          said.push(at);
          for (const win of windows) if (at >= win.fromMs && at < win.toMs) win.satisfied = true;
        },
        speechStart(channel, startMs) {
          speaking.set(channel, startMs);
        },
        speechEnd(channel, startMs, endMs) {
          speaking.delete(channel);
          if (!channelMatches(rule.channel, channel)) return;
          segments.push({ startMs, endMs });
          if (segments.length > 32) segments.shift();
        },
        otherHit(ruleId, atMs) {
          if (ruleId !== w.afterRule) return;
          const last = windows[windows.length - 1];
          if (last && !last.satisfied && atMs < last.toMs) return; // already waiting on the same episode
          windows.push({ fromMs: atMs, toMs: atMs + (w.withinMs ?? 0), satisfied: false });
        },
        advance(nowMs) {
          while (windows.length > 0 && Number.isFinite(windows[0]!.toMs)) {
            const win = windows[0]!;
            if (nowMs < judgeableAt(win.toMs)) break;
            windows.shift();
            if (win === fixed) fixed = null;
            if (!win.satisfied && nowMs >= minCallMs) missing(win, nowMs);
          }
        },
        finish(endMs, reason) {
          if (endMs < minCallMs) return;
          // A call cut off (the line dropped, the server stopped) had no chance to close: what the end of the
          // call should hold is not judged, nor what the rest of it could still have brought.
          if (ABNORMAL_ENDS.has(reason)) return;
          if (w.lastMs !== undefined) {
            if (!said.some((t) => t >= endMs - w.lastMs!)) missing({ fromMs: Math.max(0, endMs - w.lastMs), toMs: endMs, satisfied: false }, endMs);
            return;
          }
          // A fixed window still open (the call ended inside it, or a window-less rule): judged now.
          if (fixed && !fixed.satisfied) missing({ ...fixed, toMs: Math.min(fixed.toMs, endMs) }, endMs);
          // afterRule windows cut short: judged only if the channel spoke in them (and so could have said it).
          for (const win of windows) {
            if (win === fixed || win.satisfied) continue;
            if (spoke.some((t) => t >= win.fromMs && t < Math.min(win.toMs, endMs))) missing({ ...win, toMs: Math.min(win.toMs, endMs) }, endMs);
          }
        },
      };
    },
  };
}
