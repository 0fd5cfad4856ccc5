import { EarshotError, toError } from '../errors.js';
import type { Recognizer, RecognizerStream } from '../asr/recognizer.js';
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
  /** Analyse the next chunk of 16 kHz audio; resolves once its events were emitted. Calls must not overlap. */
  push(pcm: Int16Array): Promise<void>;
  /** End of the channel's audio: close an open speech segment and finalise recognition. */
  finish(): void;
  close(): void;
}

/**
 * One channel: VAD on every sample, recognition only on speech plus padding, so silence costs the
 * recogniser nothing. Times are call time: the channel's audio starts with the call.
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
      const from = Math.max(fedUntil, Math.round(startMs * SAMPLES_PER_MS) - prePad);
      feedFrom = feedFrom === null ? from : Math.min(feedFrom, from);
    },
    onSpeechEnd(vadStartMs, vadEndMs) {
      const base = vadBase / SAMPLES_PER_MS;
      emit({ kind: 'speech-end', startMs: vadStartMs + base, endMs: vadEndMs + base });
      endedInChunk = true;
    },
  });

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
      await vad.push(pcm);
      processed += pcm.length;
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
