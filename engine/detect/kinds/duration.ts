import type { CompiledRule } from '../evaluator.js';
import type { DurationRule } from '../rule.js';

/** The call longer than `maxCallMs` (raised when it passes), or ended in one of `endReasons`. */
export function compileDuration(rule: DurationRule): CompiledRule<DurationRule> {
  return {
    rule,
    create(ctx) {
      let long = false;
      return {
        advance(nowMs) {
          if (long || rule.maxCallMs === undefined || nowMs <= rule.maxCallMs) return;
          long = true;
          ctx.report({ channel: 'both', startMs: 0, endMs: rule.maxCallMs, atMs: rule.maxCallMs, message: `call longer than ${Math.round(rule.maxCallMs / 60_000)} min` });
        },
        finish(endMs, reason) {
          if (!rule.endReasons?.includes(reason)) return;
          ctx.report({ channel: 'both', startMs: endMs, endMs, atMs: endMs, message: `call ended abnormally (${reason})` });
        },
      };
    },
  };
}
