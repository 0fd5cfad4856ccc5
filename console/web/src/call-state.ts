import type { AlertEvent, CallEvent, CallRisk, Channel, MetricEvent, QaScoredEvent, SuggestionEvent } from './events';

/** One line of the live transcript: a partial is replaced in place by later partials and its final. */
export interface TranscriptLine {
  utteranceId: string;
  channel: Channel;
  text: string;
  startMs: number;
  endMs: number;
  final: boolean;
  seq: number;
}

/**
 * What the console knows of one call, folded from its events. Folding does not depend on arrival order
 * (the live socket and the REST catch-up can interleave): utterances are keyed by utteranceId (a final is
 * never replaced by a partial), alerts by alertId (the highest seq wins), metrics by seq, and an event seen
 * twice (same seq) is applied once.
 */
export interface CallState {
  callId: string;
  agentId: string | null;
  protocol: string | null;
  metadata: Record<string, unknown>;
  startedAt: number | null;
  status: 'live' | 'ended';
  endReason: string | null;
  durationMs: number | null;
  /** The latest call time heard from any event. */
  lastAt: number;
  /** Wall clock (ms since the epoch) of the latest event. */
  lastEmittedAt: number;
  lines: TranscriptLine[];
  alerts: AlertEvent[];
  suggestions: SuggestionEvent[];
  metric: MetricEvent | null;
  risk: CallRisk;
  qa: QaScoredEvent | null;
  /** Every event's seq applied so far. */
  seen: Set<number>;
}

export function emptyCall(callId: string): CallState {
  return {
    callId, agentId: null, protocol: null, metadata: {}, startedAt: null, status: 'live', endReason: null, durationMs: null,
    lastAt: 0, lastEmittedAt: 0, lines: [], alerts: [], suggestions: [], metric: null, risk: { level: 'none', alerts: 0 }, qa: null, seen: new Set(),
  };
}

const RISK_ORDER = { none: 0, low: 1, medium: 2, high: 3 } as const;

function upsertSorted<T>(list: T[], item: T, same: (x: T) => boolean, before: (a: T, b: T) => boolean): T[] {
  const out = list.filter((x) => !same(x));
  let i = out.length;
  while (i > 0 && before(item, out[i - 1]!)) i--;
  out.splice(i, 0, item);
  return out;
}

/** Applies one event; returns the same object when the event was already applied or is another call's. */
export function applyEvent(state: CallState, e: CallEvent): CallState {
  if (e.callId !== state.callId || state.seen.has(e.seq)) return state;
  const s: CallState = { ...state, seen: state.seen };
  s.seen.add(e.seq);
  s.lastAt = Math.max(s.lastAt, e.at);
  s.lastEmittedAt = Math.max(s.lastEmittedAt, e.emittedAt);
  switch (e.type) {
    case 'call.started':
      s.agentId = e.agentId;
      s.protocol = e.protocol;
      s.metadata = e.metadata;
      s.startedAt = e.startedAt;
      break;
    case 'utterance.partial':
    case 'utterance.final': {
      const final = e.type === 'utterance.final';
      const existing = s.lines.find((l) => l.utteranceId === e.utteranceId);
      if (existing && (existing.final || existing.seq > e.seq) && !final) break;
      const line: TranscriptLine = { utteranceId: e.utteranceId, channel: e.channel, text: e.text, startMs: e.startMs, endMs: e.endMs, final, seq: e.seq };
      s.lines = upsertSorted(s.lines, line, (l) => l.utteranceId === e.utteranceId, (a, b) => a.startMs < b.startMs);
      break;
    }
    case 'alert': {
      const existing = s.alerts.find((a) => a.alertId === e.alertId);
      if (existing && existing.seq > e.seq) break;
      s.alerts = upsertSorted(s.alerts, e, (a) => a.alertId === e.alertId, (a, b) => a.startMs < b.startMs);
      if (e.risk && RISK_ORDER[e.risk.level] >= RISK_ORDER[s.risk.level]) s.risk = e.risk;
      break;
    }
    case 'suggestion':
      if (!s.suggestions.some((x) => x.suggestionId === e.suggestionId)) s.suggestions = [e, ...s.suggestions].sort((a, b) => b.seq - a.seq);
      break;
    case 'metric':
      if (!s.metric || s.metric.seq < e.seq) s.metric = e;
      if (e.risk && RISK_ORDER[e.risk.level] >= RISK_ORDER[s.risk.level]) s.risk = e.risk;
      break;
    case 'call.ended':
      s.status = 'ended';
      s.endReason = e.endReason;
      s.durationMs = e.durationMs;
      break;
    case 'qa.scored':
      s.qa = e;
      break;
  }
  return s;
}

export function applyEvents(state: CallState, events: readonly CallEvent[]): CallState {
  let s = state;
  for (const e of events) s = applyEvent(s, e);
  return s;
}

/** The call's length so far: its end, else the latest call time heard, advanced by the wall clock since. */
export function elapsedMs(state: CallState, now = Date.now()): number {
  if (state.durationMs !== null) return state.durationMs;
  if (state.lastEmittedAt === 0) return state.lastAt;
  return state.lastAt + Math.max(0, now - state.lastEmittedAt);
}

/** Alerts meant for an audience (an alert's `notify`), newest first. */
export function alertsFor(state: CallState, audience: 'agent' | 'supervisor'): AlertEvent[] {
  return state.alerts.filter((a) => a.notify.includes(audience)).sort((a, b) => b.seq - a.seq);
}
