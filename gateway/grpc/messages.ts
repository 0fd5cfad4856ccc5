/**
 * The gRPC messages as this gateway sees them, decoded by @grpc/proto-loader with the options in protos.ts
 * (camelCase fields, enums as their names, 64-bit integers as numbers, absent fields absent, the name of the
 * set `oneof` member in the oneof's own field). Type-only: earshot.proto and Google's cloud_speech.proto are
 * the contracts.
 */

/** A request that could not be decoded at all (protos.ts catches the decoder's error). */
export interface Malformed {
  malformed: string;
}

// ---- earshot.v1 (earshot.proto) ----

/** An enum value the proto does not name arrives as its number. */
export type EnumValue<Names extends string> = Names | number;
export type AudioEncodingName = 'AUDIO_ENCODING_UNSPECIFIED' | 'PCM16' | 'MULAW' | 'ALAW';
export type ChannelName = 'CHANNEL_UNSPECIFIED' | 'CUSTOMER' | 'AGENT';

export interface ProtoValue {
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: { values?: ProtoValue[] };
}
export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}

export interface StartRequest {
  callId?: string;
  agentId?: string;
  sampleRate?: number;
  encoding?: EnumValue<AudioEncodingName>;
  channels?: number;
  channelRoles?: EnumValue<ChannelName>[];
  metadata?: ProtoStruct;
  eventTypes?: string[];
}

export interface UtteranceRequest {
  channel?: EnumValue<ChannelName>;
  text?: string;
  startMs?: number;
  endMs?: number;
  partial?: boolean;
}

export interface StreamCallRequest {
  message?: 'start' | 'audio' | 'utterance' | 'stop';
  start?: StartRequest;
  audio?: Buffer;
  utterance?: UtteranceRequest;
  stop?: Record<string, never>;
}

export type StreamCallResponse =
  | { started: { callId: string } }
  | { event: { type: string; seq: number; atMs: number; json: string } }
  | { stopped: { callId: string; durationMs: number; endReason: string } };

// ---- google.cloud.speech.v1 (protos/google/cloud/speech/v1/cloud_speech.proto), the fields Earshot reads ----

export interface Duration {
  seconds: number;
  nanos: number;
}

export interface RecognitionConfig {
  encoding?: EnumValue<string>;
  sampleRateHertz?: number;
  audioChannelCount?: number;
  enableSeparateRecognitionPerChannel?: boolean;
  languageCode?: string;
  maxAlternatives?: number;
  enableWordTimeOffsets?: boolean;
  model?: string;
}

export interface StreamingRecognitionConfig {
  config?: RecognitionConfig;
  singleUtterance?: boolean;
  interimResults?: boolean;
  enableVoiceActivityEvents?: boolean;
}

export interface StreamingRecognizeRequest {
  streamingRequest?: 'streamingConfig' | 'audioContent';
  streamingConfig?: StreamingRecognitionConfig;
  audioContent?: Buffer;
}

export interface WordInfo {
  startTime: Duration;
  endTime: Duration;
  word: string;
}

export interface StreamingRecognitionResult {
  alternatives: { transcript: string; confidence?: number; words?: WordInfo[] }[];
  isFinal: boolean;
  resultEndTime: Duration;
  channelTag: number;
  languageCode?: string;
}

export interface StreamingRecognizeResponse {
  results?: StreamingRecognitionResult[];
  speechEventType?: 'SPEECH_EVENT_UNSPECIFIED' | 'END_OF_SINGLE_UTTERANCE';
  speechEventTime?: Duration;
}
