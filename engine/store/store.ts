import type { AudioFormat, CallEvent, CallEventType, EndReason } from '../events.js';

export type CallStatus = 'live' | 'ended';

export interface CallRecord {
  callId: string;
  agentId: string | null;
  protocol: string;
  status: CallStatus;
  audio: AudioFormat;
  metadata: Record<string, unknown>;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  endReason: EndReason | null;
  /** seq of the newest stored event. */
  lastSeq: number;
}

export interface ListCallsQuery {
  status?: CallStatus;
  agentId?: string;
  limit: number;
  /** Only calls that started strictly before this wall-clock time (ms): the next page of a listing. */
  before?: number;
}

export interface ListEventsQuery {
  afterSeq?: number;
  types?: readonly CallEventType[];
  limit: number;
}

/** DESIGN.md Store: a SQLite file by default; PostgreSQL implements the same port. */
export interface Store {
  hasCall(callId: string): boolean;
  getCall(callId: string): CallRecord | undefined;
  listCalls(query: ListCallsQuery): CallRecord[];
  /** Stores one event, in the order published; call.started creates the call and call.ended closes it. */
  appendEvent(event: CallEvent, json: string): void;
  listEvents(callId: string, query: ListEventsQuery): CallEvent[];
  /** Calls still marked live: those a previous process left open when it died. */
  liveCalls(): CallRecord[];
  close(): void;
}
