import type { CallState } from './call-state';

export interface TalkShares {
  agentMs: number;
  customerMs: number;
  silenceMs: number;
  totalMs: number;
}

/**
 * Who talked and how long the line was silent, over the call so far: from the latest metric (VAD on the
 * audio) when there is one, else from the finals' spans (a text-only call, whose platform sends transcripts).
 */
export function talkShares(call: CallState, elapsed: number): TalkShares {
  const m = call.metric;
  if (m && m.at > 0) {
    return { agentMs: m.channels.agent?.talkMs ?? 0, customerMs: m.channels.customer?.talkMs ?? 0, silenceMs: m.bothSilentMs, totalMs: m.at };
  }
  const spans: Record<'agent' | 'customer', [number, number][]> = { agent: [], customer: [] };
  for (const l of call.lines) if (l.final) spans[l.channel].push([l.startMs, l.endMs]);
  const all = [...spans.agent, ...spans.customer];
  const totalMs = Math.max(elapsed, ...all.map(([, e]) => e), 0);
  return { agentMs: covered(spans.agent), customerMs: covered(spans.customer), silenceMs: Math.max(0, totalMs - covered(all)), totalMs };
}

/** Length of the union of spans. */
export function covered(spans: readonly [number, number][]): number {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}
