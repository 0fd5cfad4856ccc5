/**
 * The seam every voice-activity detector implements (energy now; Silero ONNX with the speech issue).
 * Input is 16 kHz PCM16 of one channel, in frames of any length; times are ms of that channel's audio.
 */
export interface VadListener {
  /** Speech began at `startMs` (reported once the onset is confirmed, so slightly later in audio time). */
  onSpeechStart(startMs: number): void;
  /** Speech ended at `endMs` (reported after the hang-over, so later in audio time). */
  onSpeechEnd(startMs: number, endMs: number): void;
}

export interface VoiceActivityDetector {
  push(samples: Int16Array): void;
  /** True from a confirmed onset until the end is reported. */
  readonly speaking: boolean;
  /** Audio ms pushed so far. */
  readonly processedMs: number;
  /** Speech ms so far, counting the current segment up to its last speech frame. */
  readonly talkMs: number;
  /** Close an open segment at the end of the audio (call end). */
  flush(): void;
}
