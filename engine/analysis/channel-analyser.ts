import { EarshotError, toError } from '../errors.js';
import type { Recognizer, RecognizerStream } from '../asr/recognizer.js';
import { createProsodyTracker, type SegmentProsody } from '../audio/prosody.js';
import type { VadListener } from '../vad/vad.js';
import type { AnalysisEvent } from './messages.js';
import { SampleRing } from './ring.js';

const RATE = 16000;
const SAMPLES_PER_MS = RATE / 1000;

/** What the analyser needs of a VAD: energy's push is synchronous, Silero's resolves when its windows ran. */
export interface GatingVad {
  push(samples: Int16Array): void | Promise<void>;
  flush(): void;
  readonly speaking: boolean;
}

export interface ChannelAnalyserOptions {
  createVad(listener: VadListener): GatingVad | Promise<GatingVad>;
  recognizer: Recognizer | null;
  /** Audio fed to the recogniser before the VAD's speech start: onsets are soft and the VAD confirms late. */
  prePadMs?: number;
  /** Call time of the first sample pushed (non-zero for a stream re-routed from a dead worker). */
  offsetMs?: number;
}

export interface ChannelAnalyser {
  /**
   * Analyse the next chunk of 16 kHz audio; resolves once its events were emitted. Calls must not overlap,
   * and the chunk must not change until its call resolves (the prosody tracker reads it after the VAD).
   */
  push(pcm: Int16Array): Promise<void>;
  /** End of the channel's audio: close an open speech segment and finalise recognition. */
  finish(): void;
  close(): void;
}

/**
 * One channel: VAD on every sample, recognition only on speech plus padding, so silence costs the
 * recogniser nothing, and the prosody of each speech segment (exactly the VAD's [start, end)) on its
 * speech-end. Times are call time: the channel's audio starts with the call.
 */
export async function createChannelAnalyser(options: ChannelAnalyserOptions, emit: (e: AnalysisEvent) => void): Promise<ChannelAnalyser> {
  const prePad = Math.round((options.prePadMs ?? 300) * SAMPLES_PER_MS);
  // Holds the pre-pad plus the VAD's confirmation delay (Silero: up to ~0.5 s of onset).
  const ring = new SampleRing(prePad + 2 * RATE, Math.round((options.offsetMs ?? 0) * SAMPLES_PER_MS));
  // Absolute sample indices in call time; the VAD counts from its own zero, hence vadBase.
  const vadBase = Math.round((options.offsetMs ?? 0) * SAMPLES_PER_MS);
  let processed = vadBase; // samples analysed
  let fedUntil = vadBase; // end of the audio given to the recogniser
  let feedFrom: number | null = null;
  let endedInChunk = false;
  let stream: RecognizerStream | null = null;
  // The chunk being analysed: the VAD's callbacks fire inside its push, with the chunk already in the ring.
  let chunk: Int16Array = new Int16Array(0);
  let chunkStart = vadBase;
  const prosody = createProsodyTracker();
  let prosodyFrom = 0; // first sample of the open segment given to the tracker
  let prosodyAt: number | null = null; // end of the audio given to it so far; null between segments

  if (options.recognizer) {
    stream = options.recognizer.createStream({
      onPartial: (result) => emit({ kind: 'partial', result }),
      onFinal: (result) => emit({ kind: 'final', result }),
      onKeyword: (hit) => emit({ kind: 'keyword', hit }),
    });
  }

  const vad = await options.createVad({
    onSpeechStart(vadStartMs) {
      const startMs = vadStartMs + vadBase / SAMPLES_PER_MS;
      emit({ kind: 'speech-start', startMs });
      prosody.segmentStart();
      prosodyFrom = Math.round(startMs * SAMPLES_PER_MS);
      prosodyAt = prosodyFrom;
      const from = Math.max(fedUntil, Math.round(startMs * SAMPLES_PER_MS) - prePad);
      feedFrom = feedFrom === null ? from : Math.min(feedFrom, from);
    },
    onSpeechEnd(vadStartMs, vadEndMs) {
      const base = vadBase / SAMPLES_PER_MS;
      const endMs = vadEndMs + base;
      let p: SegmentProsody | null = null;
      if (prosodyAt !== null) {
        const end = Math.round(endMs * SAMPLES_PER_MS);
        feedProsody(end);
        // The end is reported after the hang-over, whose audio the tracker already has: cut it off.
        p = prosody.segmentEnd(end - prosodyFrom);
        prosodyAt = null;
      }
      emit({ kind: 'speech-end', startMs: vadStartMs + base, endMs, ...(p ? { prosody: p } : {}) });
      endedInChunk = true;
    },
  });

  /** Gives the prosody tracker the open segment's audio up to `to`: from the chunk itself, or the ring before it. */
  function feedProsody(to: number): void {
    if (prosodyAt === null || to <= prosodyAt) return;
    if (prosodyAt < chunkStart) {
      // Only at a segment's start: its onset was confirmed in a later chunk.
      const stop = Math.min(to, chunkStart);
      const { samples } = ring.read(prosodyAt, stop);
      // An onset older than the ring holds (after a chunk over 2 s) starts the segment's audio later.
      if (samples.length < stop - prosodyAt) prosodyFrom = stop - samples.length;
      prosody.push(samples);
      prosodyAt = stop;
      if (to <= prosodyAt) return;
    }
    const end = Math.min(to, chunkStart + chunk.length);
    // Mid-segment the whole chunk goes as it is, without a view per chunk.
    prosody.push(prosodyAt === chunkStart && end === chunkStart + chunk.length ? chunk : chunk.subarray(prosodyAt - chunkStart, end - chunkStart));
    prosodyAt = end;
  }

  function recognise(fn: () => void): void {
    if (!stream) return;
    try {
      fn();
    } catch (err) {
      // A recogniser fault loses this channel's transcript, never the call: VAD and metrics go on.
      const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_ASR_FAILED', toError(err).message, { cause: err });
      emit({ kind: 'error', code: e.code, message: e.message, retryable: e.retryable });
      stream = null;
    }
  }

  function feed(): void {
    const from = feedFrom ?? fedUntil;
    feedFrom = null;
    if (processed <= from) return;
    const { start, samples } = ring.read(from, processed);
    fedUntil = processed;
    if (samples.length > 0) recognise(() => stream?.accept(samples, start / SAMPLES_PER_MS));
  }

  return {
    async push(pcm) {
      ring.write(pcm);
      endedInChunk = false;
      chunk = pcm;
      chunkStart = processed;
      await vad.push(pcm);
      processed += pcm.length;
      feedProsody(processed);
      // fedUntil stays where the last segment's audio ended, so a new segment's pre-pad is not cut short.
      if (stream && (vad.speaking || feedFrom !== null || endedInChunk)) {
        feed();
        if (endedInChunk && !vad.speaking) recognise(() => stream?.flush());
      }
      emit({ kind: 'progress', processedMs: processed / SAMPLES_PER_MS });
    },
    finish() {
      endedInChunk = false;
      vad.flush(); // closes an open segment: its audio was fed as it came, its final is due now
      if (stream && (feedFrom !== null || endedInChunk)) {
        feed();
        recognise(() => stream?.flush());
      }
      emit({ kind: 'progress', processedMs: processed / SAMPLES_PER_MS });
    },
    close() {
      stream?.close();
      stream = null;
    },
  };
}
