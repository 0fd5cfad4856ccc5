import type { Channel } from '../../events.js';
import type { CompiledRule } from '../evaluator.js';
import type { TalkoverRule } from '../rule.js';

interface Segment {
  channel: Channel;
  startMs: number;
  endMs: number | null;
  counted: boolean;
}

/**
 * Talk-over: `channel` (the interrupter, usually the agent) starting to speak while the other channel is
 * speaking, the two overlapping longer than `minOverlapMs` (short back-channel 嗯/好的 stays under it). Each
 * interruption is judged as soon as one of the two segments has ended; the alert is raised at `minCount`
 * interruptions and later ones update its count.
 */
export function compileTalkover(rule: TalkoverRule): CompiledRule<TalkoverRule> {
  const interrupter: Channel = rule.channel === 'customer' ? 'customer' : 'agent';
  const other: Channel = interrupter === 'agent' ? 'customer' : 'agent';
  return {
    rule,
    create(ctx) {
      const recent: Segment[] = [];
      let count = 0;
      const open = new Map<Channel, Segment>();

      function judge(nowMs: number): void {
        for (const a of recent) {
          if (a.channel !== interrupter || a.counted) continue;
          for (const c of recent) {
            if (c.channel !== other || c.startMs >= a.startMs) continue;
            if (c.endMs !== null && c.endMs <= a.startMs) continue;
            if (a.endMs === null && c.endMs === null) continue; // both still speaking: not decided yet
            const overlap = Math.min(a.endMs ?? nowMs, c.endMs ?? nowMs) - a.startMs;
            if (overlap <= rule.minOverlapMs) continue;
            a.counted = true;
            count++;
            if (count >= rule.minCount && ctx.inWindow(a.startMs)) {
              ctx.report({
                channel: interrupter, startMs: a.startMs, endMs: a.startMs + overlap, atMs: nowMs, mergeAlways: true,
                message: `talk-over: the ${interrupter} spoke over the ${other} for ${(overlap / 1000).toFixed(1)} s (${count} in this call)`,
              });
            }
            break;
          }
        }
        while (recent.length > 16) recent.shift();
      }

      return {
        speechStart(channel, startMs) {
          const s: Segment = { channel, startMs, endMs: null, counted: false };
          open.set(channel, s);
          recent.push(s);
        },
        speechEnd(channel, startMs, endMs) {
          const s = open.get(channel);
          if (s) s.endMs = endMs;
          else recent.push({ channel, startMs, endMs, counted: false });
          open.delete(channel);
          judge(endMs);
        },
      };
    },
  };
}
