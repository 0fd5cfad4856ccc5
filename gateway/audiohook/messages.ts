/**
 * Wire messages of Genesys Cloud AudioHook, protocol version 2 (`/v1/audiohook`), as the public AudioHook
 * protocol specification (developer.genesys.cloud, "AudioHook protocol") and Genesys' reference
 * implementation define them. Type-only: docs/integrations.md describes what Earshot answers.
 */

/** RFC 4122 UUID; the null UUID marks a connection probe's conversation. */
export type Uuid = string;
/** ISO 8601 duration in seconds, e.g. `PT12.34S`. */
export type Duration = string;

export type MediaChannel = 'external' | 'internal';
export type MediaFormat = 'PCMU' | 'L16';

export interface MediaParameter {
  type: 'audio';
  format: MediaFormat;
  channels: MediaChannel[];
  rate: 8000;
}

export interface Participant {
  id: Uuid;
  ani: string;
  aniName: string;
  dnis: string;
}

export interface OpenParameters {
  organizationId: Uuid;
  conversationId: Uuid;
  participant: Participant;
  /** Offered formats; anything Earshot cannot take is skipped when it selects one. */
  media: unknown[];
  language?: string;
  customConfig?: Record<string, unknown>;
}

export type CloseReason = 'end' | 'error' | 'disconnect' | 'reconnect';

/** Client → server messages after validation, keyed by `type`. */
export interface ClientParameters {
  open: OpenParameters;
  ping: { rtt?: Duration };
  update: { language?: string };
  paused: Record<string, never>;
  resumed: { start: Duration; discarded: Duration };
  discarded: { start: Duration; discarded: Duration };
  error: { code: number; message: string; retryAfter?: Duration };
  close: { reason: CloseReason };
}

export type ClientMessageType = keyof ClientParameters;

export interface ClientEnvelope<T extends ClientMessageType = ClientMessageType> {
  version: '2';
  id: Uuid;
  type: T;
  seq: number;
  serverseq: number;
  position: Duration;
  parameters: ClientParameters[T];
}

export type ClientMessage = { [T in ClientMessageType]: ClientEnvelope<T> }[ClientMessageType];

/** Server → client messages Earshot sends. */
export interface ServerParameters {
  opened: { media: MediaParameter[]; startPaused: boolean };
  pong: Record<string, never>;
  pause: Record<string, never>;
  resume: Record<string, never>;
  closed: Record<string, never>;
  disconnect: { reason: 'completed' | 'unauthorized' | 'error'; info?: string };
}

export type ServerMessageType = keyof ServerParameters;

export interface ServerEnvelope<T extends ServerMessageType = ServerMessageType> {
  version: '2';
  id: Uuid;
  type: T;
  seq: number;
  clientseq: number;
  parameters: ServerParameters[T];
}

export type ServerMessage = { [T in ServerMessageType]: ServerEnvelope<T> }[ServerMessageType];
