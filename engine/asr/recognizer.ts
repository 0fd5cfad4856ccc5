/**
 * The Recognizer seam (DESIGN.md "Contracts"). Streams are per call channel; input is 16 kHz PCM16; every
 * time is in call time (ms since the call's start), whatever the provider does internally (sherpa restarts
 * its timestamps after reset(): the provider keeps the offset).
 *
 * Implementations run synchronously inside an analysis worker (engine/analysis/); the call session sees
 * their results as events.
 */

export interface RecognizedToken {
  /** The model's unit: a hanzi, a word piece, or a pinyin initial/final with tone. */
  text: string;
  startMs: number;
}

export interface RecognitionResult {
  /** Hanzi when the model gives hanzi; for a pinyin-unit model, the tonal pinyin syllables joined by spaces. */
  text: string;
  /** Always present: toneless pinyin syllables separated by spaces (from the model, or derived with pinyin-pro). */
  pinyin: string;
  /** Tonal pinyin syllables separated by spaces, when the model produces pinyin units. */
  pinyinTonal?: string;
  tokens: RecognizedToken[];
  startMs: number;
  endMs: number;
  final: boolean;
}

export interface KeywordHit {
  /** The keyword as written in the keyword list (e.g. 信用卡). */
  keyword: string;
  startMs: number;
  endMs: number;
  /** How it was found: the spotter, or the fuzzy pinyin matcher over the transcript. */
  method: 'kws' | 'pinyin-match';
}

export interface RecognizerStreamListener {
  onPartial(result: RecognitionResult): void;
  onFinal(result: RecognitionResult): void;
  onKeyword?(hit: KeywordHit): void;
}

export interface RecognizerStream {
  /** `startMs`: call time of the first sample (audio is gated by VAD, so it jumps over silence). */
  accept(pcm: Int16Array, startMs: number): void;
  /** End of a speech segment: finalise what is pending (emits a final if there is text). */
  flush(): void;
  close(): void;
}

export interface Recognizer {
  readonly name: string;
  /** 'hanzi' models give characters; 'pinyin' models give pinyin units only. */
  readonly output: 'hanzi' | 'pinyin';
  createStream(listener: RecognizerStreamListener): RecognizerStream;
  close(): void;
}
