/** Streams a recording through a Recognizer the way the analysis worker does: 20 ms chunks, call time, flush. */
import type { KeywordHit, RecognitionResult, Recognizer } from '../../engine/asr/recognizer.js';

export interface StreamRun {
  finals: RecognitionResult[];
  hits: KeywordHit[];
  /** Wall time inside accept()/flush(), ms (single thread, so CPU time of the recogniser). */
  busyMs: number;
  audioMs: number;
}

export function streamRecording(rec: Recognizer, pcm: Int16Array, startMs = 0, chunkMs = 20): StreamRun {
  const finals: RecognitionResult[] = [];
  const hits: KeywordHit[] = [];
  const stream = rec.createStream({ onPartial() {}, onFinal: (r) => finals.push(r), onKeyword: (h) => hits.push(h) });
  const step = chunkMs * 16;
  const t0 = performance.now();
  for (let i = 0; i < pcm.length; i += step) stream.accept(pcm.subarray(i, i + step), startMs + i / 16);
  stream.flush();
  const busyMs = performance.now() - t0;
  stream.close();
  return { finals, hits, busyMs, audioMs: pcm.length / 16 };
}

/** The transcript of a run as syllables (tonal and toneless), finals in order. */
export function runSyllables(run: StreamRun): { tonal: string[]; toneless: string[] } {
  const split = (s: string | undefined): string[] => (s ? s.split(' ').filter(Boolean) : []);
  return {
    tonal: run.finals.flatMap((f) => split(f.pinyinTonal ?? f.pinyin)),
    toneless: run.finals.flatMap((f) => split(f.pinyin)),
  };
}
