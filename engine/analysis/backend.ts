import type { AnalysisEvent, StreamKey, VadKind } from './messages.js';

/** One channel's analysis as the call session sees it, wherever it runs. */
export interface ChannelHandle {
  /** Queue 16 kHz audio; the array is transferred (the caller must not reuse it). */
  push(pcm: Int16Array): void;
  /** Finish the channel and resolve once every event of its audio was delivered. */
  drain(): Promise<void>;
  close(): void;
  /**
   * How long the oldest audio not yet analysed has waited (wall-clock ms; 0 when all is analysed). For a
   * real-time stream this equals audio received minus audio processed; for a client sending faster than
   * real time (a replay) it stays the honest figure of how far analysis trails arrival.
   */
  readonly lagMs: number;
}

export interface AnalysisInfo {
  vad: VadKind;
  /** Name of the loaded recogniser, or null in text + VAD mode. */
  recognizer: string | null;
  rejectedKeywords: { keyword: string; reason: string }[];
}

/** Runs channel analysers: in worker threads (the default) or in-process (no workers configured). */
export interface AnalysisBackend {
  readonly info: AnalysisInfo;
  open(key: StreamKey, onEvent: (e: AnalysisEvent) => void): ChannelHandle;
  close(): Promise<void>;
}
