/**
 * The CallEvent contract (DESIGN.md "Contracts"): one discriminated union, versioned, JSON-serialisable.
 * Every event carries callId, seq (monotonic per call, from 1), at (ms since call start, audio time)
 * and emittedAt (wall clock, ms since the epoch) so latency is measurable anywhere.
 */
import type { ItemResult } from './qa/score.js';

export const EVENT_VERSION = 1 as const;

export type Channel = 'agent' | 'customer';
export const CHANNELS: readonly Channel[] = ['customer', 'agent'];

export type AudioEncoding = 'pcm16' | 'mulaw' | 'alaw';
export type SampleRate = 8000 | 16000;

export interface AudioFormat {
  sampleRate: SampleRate;
  encoding: AudioEncoding;
  channels: 1 | 2;
  /** Role of each interleaved channel, in order. */
  channelRoles: Channel[];
}

/** How a call ended: the client said so, the socket vanished, the server stopped it, or it was found open after a crash. */
export type EndReason = 'stop' | 'client-end' | 'socket-closed' | 'protocol-error' | 'server-shutdown' | 'server-restart';
export const CALL_END_REASONS: readonly EndReason[] = ['stop', 'client-end', 'socket-closed', 'protocol-error', 'server-shutdown', 'server-restart'];

export type Severity = 'info' | 'warning' | 'critical';
export type Audience = 'agent' | 'supervisor';
/** Which form of an utterance a rule's phrase was found in. */
export type MatchedFormField = 'text' | 'pinyin' | 'regex';

/**
 * A call's risk for the supervisor wall, from the alerts supervisors are told of: `high` once a critical
 * alert was raised, `medium` with a warning, `low` with only info alerts.
 */
export type RiskLevel = 'none' | 'low' | 'medium' | 'high';
export interface CallRisk {
  level: RiskLevel;
  /** Alerts raised in the call that supervisors are told of. */
  alerts: number;
}

export interface ChannelStats {
  talkMs: number;
  silenceMs: number;
  /** silenceMs / audio ms processed on the channel; 0 when nothing was processed. */
  silenceRatio: number;
}

interface EventBase<T extends string> {
  v: typeof EVENT_VERSION;
  type: T;
  callId: string;
  seq: number;
  at: number;
  emittedAt: number;
}

export interface CallStartedEvent extends EventBase<'call.started'> {
  agentId: string | null;
  /** Which gateway protocol carried the call (the engine never branches on it). */
  protocol: string;
  audio: AudioFormat;
  metadata: Record<string, unknown>;
  /** Wall clock of the call's first audio time (ms since the epoch). */
  startedAt: number;
  /** Version (content hash) of the rule set the call is judged by. */
  ruleSetVersion?: string;
}

export interface UtteranceEvent extends EventBase<'utterance.partial' | 'utterance.final'> {
  utteranceId: string;
  channel: Channel;
  text: string;
  /** Toneless pinyin, syllables separated by spaces, when known. */
  pinyin?: string;
  startMs: number;
  endMs: number;
  /** Tonal pinyin, when the recogniser produces pinyin units. */
  pinyinTonal?: string;
  /** Recognised units with their start times (call time), for speech utterances. */
  tokens?: { text: string; startMs: number }[];
  /** 'external': a telephony platform's own transcript; 'asr': recognised here. */
  source: 'external' | 'asr';
}

export interface AlertEvent extends EventBase<'alert'> {
  alertId: string;
  ruleId: string;
  kind: string;
  severity: Severity;
  channel: Channel | 'both';
  /**
   * An alert is raised once; a lasting condition (dead air) is later resolved under the same alertId, and a
   * repeat within the rule's cooldown is merged into it as `updated` (with the new span and `occurrences`).
   */
  status: 'raised' | 'updated' | 'resolved';
  startMs: number;
  endMs: number | null;
  durationMs: number;
  message: string;
  notify: Audience[];
  matchedText?: string;
  /** Where the phrase was found: the text, its pinyin (a homophone), or a regular expression. */
  matchedForm?: MatchedFormField;
  /** Hits merged into this alert so far (1 when raised). */
  occurrences?: number;
  /** The scorecard item the rule feeds. */
  scorecardItem?: string;
  /** The call's risk after this alert. */
  risk?: CallRisk;
}

export interface SuggestionEvent extends EventBase<'suggestion'> {
  suggestionId: string;
  /** The customer utterance that prompted it. */
  utteranceId: string;
  articleId: string;
  title: string;
  /** The article's key sentence(s): what the agent reads first. */
  answer: string;
  score: number;
  /** Why it was suggested, for the agent: the need detected and the terms that matched. */
  reason: string;
  matched: { term: string; field: string }[];
  notify: Audience[];
}

export interface MetricEvent extends EventBase<'metric'> {
  channels: Partial<Record<Channel, ChannelStats>>;
  /** Audio ms during which every channel was silent. */
  bothSilentMs: number;
  /** How long the oldest audio not yet analysed has waited, worst channel (ms): the call's lag behind real time. */
  lagMs: number;
  risk?: CallRisk;
  /**
   * The customer's anger over the last 30 s of call time: the anger-lexicon score of their final utterances
   * that ended in it, summed (engine/detect/emotion-meter.ts); 0 is calm.
   */
  emotion?: { customer: number };
}

export interface CallEndedEvent extends EventBase<'call.ended'> {
  durationMs: number;
  endReason: EndReason;
  channels: Partial<Record<Channel, ChannelStats>>;
  error?: { code: string; message: string };
}

/** The machine pre-score of an ended call on the centre's scorecard (engine/qa/score.ts). */
export interface QaScoredEvent extends EventBase<'qa.scored'> {
  scorecardId: string;
  scorecardVersion: string;
  total: number;
  passMark: number;
  passed: boolean;
  /** The veto item and the rules that triggered it (一票否决), or null. */
  veto: { itemId: string; ruleIds: string[] } | null;
  /** Per item: points, status (not-applicable with its reason), and the evidence (quote, channel, span, rule). */
  items: ItemResult[];
}

export type CallEvent =
  | CallStartedEvent
  | UtteranceEvent
  | AlertEvent
  | SuggestionEvent
  | MetricEvent
  | CallEndedEvent
  | QaScoredEvent;

export type CallEventType = CallEvent['type'];
export const CALL_EVENT_TYPES: readonly CallEventType[] = [
  'call.started',
  'utterance.partial',
  'utterance.final',
  'alert',
  'suggestion',
  'metric',
  'call.ended',
  'qa.scored',
];

/** The fields a producer supplies; the session stamps v, callId, seq and emittedAt. */
export type EventBody<E extends CallEvent = CallEvent> = E extends CallEvent ? Omit<E, 'v' | 'callId' | 'seq' | 'emittedAt'> : never;

const jsonCache = new WeakMap<CallEvent, string>();
/** Serialise an event once, however many consumers (store, sockets) need its JSON. */
export function eventJson(event: CallEvent): string {
  let json = jsonCache.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    jsonCache.set(event, json);
  }
  return json;
}
