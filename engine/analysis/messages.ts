import type { Channel } from '../events.js';
import type { KeywordHit, RecognitionResult } from '../asr/recognizer.js';
import type { ModelEntry } from '../../models/manifest-types.js';
import type { SegmentProsody } from '../audio/prosody.js';

/** What analysing one channel's audio yields, in audio order. Times are call time (ms). */
export type AnalysisEvent =
  | { kind: 'speech-start'; startMs: number }
  /** `prosody`: loudness and pitch of the segment's audio (a plain object: it crosses the worker boundary). */
  | { kind: 'speech-end'; startMs: number; endMs: number; prosody?: SegmentProsody }
  | { kind: 'partial'; result: RecognitionResult }
  | { kind: 'final'; result: RecognitionResult }
  | { kind: 'keyword'; hit: KeywordHit }
  /** Audio analysed so far on this channel. */
  | { kind: 'progress'; processedMs: number }
  | { kind: 'error'; code: string; message: string; retryable: boolean };

export type VadKind = 'silero' | 'energy';

/** How each worker sets itself up: the same for every worker of a pool. */
export interface AnalysisSetup {
  vad: VadKind;
  /** Absolute paths of a verified model, or null for text + VAD mode. */
  model: { name: string; entry: ModelEntry; files: Record<string, string> } | null;
  keywords: string[];
  keywordMethod: 'kws' | 'pinyin-match';
}

export interface StreamKey {
  callId: string;
  channel: Channel;
}

/** Main thread → worker. Audio crosses as a transferred Int16Array. */
export type ToWorker =
  /** `offsetMs`: call time of the stream's first sample (non-zero when a stream is re-routed after a worker died). */
  | { op: 'open'; id: number; key: StreamKey; offsetMs: number }
  | { op: 'audio'; id: number; seq: number; pcm: Int16Array }
  | { op: 'drain'; id: number }
  | { op: 'close'; id: number }
  /** Finish the analysis in flight, then end the thread (terminating a thread inside an ONNX run aborts the process). */
  | { op: 'exit'; code: number };

export interface ToWorkerBatch {
  op: 'batch';
  items: ToWorker[];
}

/** Worker → main thread. */
export type FromWorker =
  | { op: 'ready'; recognizer: string | null; vad: VadKind; rejectedKeywords: { keyword: string; reason: string }[] }
  | { op: 'events'; updates: { id: number; ackSeq: number; events: AnalysisEvent[] }[] }
  | { op: 'drained'; id: number }
  | { op: 'fatal'; code: string; message: string };
