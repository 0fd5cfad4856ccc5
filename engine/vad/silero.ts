import { loadSileroModel, SILERO_WINDOW, type SileroModel } from './silero-model.js';
import type { VadListener, VoiceActivityDetector } from './vad.js';

export { loadSileroModel, type SileroModel } from './silero-model.js';

/**
 * The seam's detector with an asynchronous push: the model runs through onnxruntime-node, whose run()
 * resolves on a later turn of the event loop. Pushes are queued and processed strictly in order, so
 * listener callbacks fire in audio order; a push resolves once its audio was analysed.
 */
export interface AsyncVoiceActivityDetector extends Omit<VoiceActivityDetector, 'push'> {
  push(samples: Int16Array): Promise<void>;
}

export interface SileroVadOptions {
  /** A model loaded with loadSileroModel(); by default the thread's shared one. */
  model?: SileroModel;
  /** Probability at or above which silence turns to speech. */
  threshold?: number;
  /** Probability below which speech turns to silence (hysteresis: dips between the two stay speech). */
  negThreshold?: number;
  /** Speech spans shorter than this are never reported (coughs, clicks, a stray "嗯" is ~300 ms). */
  minSpeechMs?: number;
  /** Silence ms after which a segment ends (the hang-over that bridges pauses inside a sentence). */
  minSilenceMs?: number;
}

const WINDOW_MS = (SILERO_WINDOW * 1000) / 16000; // 32

/**
 * Silero VAD on one 16 kHz channel. Speech is a run of speech windows whose gaps are shorter than the
 * hang-over; it is reported once it spans minSpeechMs, and ended after minSilenceMs of silence. Padding
 * around segments is the consumer's business (the channel analyser keeps a pre-pad).
 */
export async function createSileroVad(listener: VadListener, options: SileroVadOptions = {}): Promise<AsyncVoiceActivityDetector> {
  const model = options.model ?? (await loadSileroModel());
  const stream = model.openStream();
  const threshold = options.threshold ?? 0.5;
  const negThreshold = options.negThreshold ?? 0.35;
  const minSpeechWindows = Math.ceil((options.minSpeechMs ?? 250) / WINDOW_MS);
  const hangoverWindows = Math.ceil((options.minSilenceMs ?? 300) / WINDOW_MS);

  const pending = new Int16Array(SILERO_WINDOW);
  let pendingLen = 0;
  let windows = 0; // windows analysed
  let processedSamples = 0; // samples of pushes that resolved (including the pending remainder)
  let voiced = false; // hysteresis state of the last window
  let segmentStart = -1; // first speech window of the current candidate or segment; -1: none
  let lastVoiced = -1;
  let speaking = false;
  let closedTalkWindows = 0;
  let queue: Promise<void> = Promise.resolve();
  let queued = 0;

  function decide(p: number): void {
    const index = windows++;
    voiced = voiced ? p >= negThreshold : p >= threshold;
    if (voiced) {
      if (segmentStart < 0) segmentStart = index;
      lastVoiced = index;
      if (!speaking && index + 1 - segmentStart >= minSpeechWindows) {
        speaking = true;
        listener.onSpeechStart(segmentStart * WINDOW_MS);
      }
    } else if (segmentStart >= 0 && index - lastVoiced >= hangoverWindows) {
      if (speaking) closeSegment();
      segmentStart = -1; // an unconfirmed candidate (too short) is dropped silently
    }
  }

  function closeSegment(): void {
    speaking = false;
    closedTalkWindows += lastVoiced + 1 - segmentStart;
    listener.onSpeechEnd(segmentStart * WINDOW_MS, (lastVoiced + 1) * WINDOW_MS);
    segmentStart = -1;
  }

  async function analyse(samples: Int16Array): Promise<void> {
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(SILERO_WINDOW - pendingLen, samples.length - offset);
      pending.set(samples.subarray(offset, offset + take), pendingLen);
      pendingLen += take;
      offset += take;
      if (pendingLen < SILERO_WINDOW) break;
      // One window at a time (the next needs this one's state); the shared model runs it in one batch
      // with the windows other channels submit in the same turn (silero-batch.ts).
      decide(await stream.probability(pending));
      pendingLen = 0;
    }
    processedSamples += samples.length;
  }

  return {
    push(samples) {
      // Copied: the caller may reuse its buffer before the queue reaches this push.
      const copy = samples.slice();
      queued++;
      // A failed window leaves the stream's state unknown: the rejection sticks to every later push.
      queue = queue.then(() => analyse(copy)).finally(() => queued--);
      return queue;
    },
    get speaking() {
      return speaking;
    },
    get processedMs() {
      return processedSamples / 16;
    },
    get talkMs() {
      return (closedTalkWindows + (speaking ? lastVoiced + 1 - segmentStart : 0)) * WINDOW_MS;
    },
    flush() {
      const close = (): void => {
        if (speaking) closeSegment();
        segmentStart = -1;
      };
      // After the last push resolved this closes at once; otherwise it waits its turn behind the
      // pushes still queued, so the end is never reported before audio that precedes it.
      if (queued === 0) close();
      else queue.then(close, () => {});
    },
  };
}
