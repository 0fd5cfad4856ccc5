/**
 * Wire messages of the native audio protocol (`/v1/audio`, also served at `/api/v1/ws` for AWS Live Call
 * Analytics' client). Type-only: docs/protocol.md describes them for integrators.
 */
import type { AudioEncoding, Channel } from '../../engine/events.js';

/** First text frame of a native call. */
export interface StartMessage {
  type: 'start';
  callId: string;
  agentId?: string;
  sampleRate: 8000 | 16000;
  encoding: AudioEncoding;
  channels: 1 | 2;
  channelRoles?: Channel[];
  metadata?: Record<string, unknown>;
}

/** A transcript from the telephony platform's own ASR, flowing through the same pipeline as recognised speech. */
export interface UtteranceMessage {
  type: 'utterance';
  channel: Channel;
  text: string;
  startMs: number;
  endMs: number;
  final?: boolean;
}

export interface StopMessage {
  type: 'stop';
}

/** AWS LCA's first frame: PCM16, two channels, channel 0 the caller, channel 1 the agent. */
export interface LcaCallMetaData {
  callEvent: 'START';
  callId: string;
  fromNumber?: string;
  toNumber?: string;
  agentId?: string;
  samplingRate: number;
  [extra: string]: unknown;
}

export interface LcaCallEnd {
  callEvent: 'END';
  callId?: string;
}

export type ClientMessage = StartMessage | UtteranceMessage | StopMessage;

/** Server → client text frames. */
export type ServerMessage =
  | { type: 'started'; callId: string }
  | { type: 'stopped'; callId: string; durationMs: number; endReason: string };
