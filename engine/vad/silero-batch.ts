/**
 * Batches Silero windows across the streams of one thread into a single model call.
 *
 * Why (measured on the 2-core box, 16k_op15 weights, one ORT thread): one session.run per 32 ms window
 * costs ~270-310 µs, of which only ~100 µs is the network; the rest is fixed per-call cost (feeds,
 * tensors, ORT's setImmediate hop, run set-up). At 200 stereo calls that is 200 × 2 × 31.25 windows/s
 * × 0.3 ms ≈ 3.7 CPU-s per second, more than the machine has. The state has a batch dimension and the
 * rows are independent (row k of a batch is bit-identical to the same window run alone, N = 1..256),
 * so the windows streams submit within one turn of the event loop run as ONE call of [N, 576] /
 * [2, N, 128]: ~100 µs a window from N ≈ 32 on; through the whole VAD ~110-140 µs instead of ~300-340.
 *
 * A stream has at most one window in flight (its next window needs the state this one returns), so a
 * push of many windows advances one window per round; rounds follow each other while work remains, so
 * a lone stream still runs back to back (one extra setImmediate hop a window: ~5-10% more CPU alone).
 */

/** Samples per window (32 ms at 16 kHz), and the previous window's tail the model sees before them. */
export const SILERO_WINDOW = 512;
export const SILERO_CONTEXT = 64;
const ROW = SILERO_CONTEXT + SILERO_WINDOW;
const UNITS = 128; // state is [2, batch, 128]

/** One stream's model memory, owned by the batcher while a window of it is queued or running. */
export interface SileroSlot {
  /** [0, 64): the previous window's last samples (zeros at first); [64, 576): the window to analyse. */
  readonly input: Float32Array;
  /** Recurrent state in this stream's [2, 1, 128] layout. */
  readonly state: Float32Array;
  busy: boolean;
}

export const newSlot = (): SileroSlot => ({ input: new Float32Array(ROW), state: new Float32Array(2 * UNITS), busy: false });

/** One model call: input [n, 576], state [2, n, 128] in; probabilities [n] and the new state [2, n, 128] out. */
export type SileroRun = (input: Float32Array, state: Float32Array, n: number) => Promise<{ probs: Float32Array; state: Float32Array }>;

export interface SileroBatcher {
  /** Speech probability of the next 512 samples (PCM16) of slot's stream; updates the slot after the run. */
  submit(slot: SileroSlot, window: Int16Array): Promise<number>;
  /** Model calls made and windows they analysed (windows / runs is the mean batch size). */
  readonly stats: { runs: number; windows: number };
}

interface Queued {
  slot: SileroSlot;
  resolve(p: number): void;
  reject(err: unknown): void;
}

/**
 * Collects submissions until the turn's setImmediate (or maxBatch of them) and runs them together.
 * Submissions made while the model runs (the resolved streams' next windows) form the next round.
 */
export function createSileroBatcher(run: SileroRun, maxBatch = 256): SileroBatcher {
  let queue: Queued[] = [];
  let scheduled = false;
  const stats = { runs: 0, windows: 0 };

  function flush(): void {
    scheduled = false;
    while (queue.length > 0) {
      const rows = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      void runBatch(rows);
    }
  }

  async function runBatch(rows: Queued[]): Promise<void> {
    const n = rows.length;
    const input = new Float32Array(n * ROW);
    const state = new Float32Array(2 * n * UNITS);
    rows.forEach(({ slot }, k) => {
      input.set(slot.input, k * ROW);
      for (let l = 0; l < 2; l++) state.set(slot.state.subarray(l * UNITS, (l + 1) * UNITS), (l * n + k) * UNITS);
    });
    stats.runs++;
    stats.windows += n;
    let out: Awaited<ReturnType<SileroRun>>;
    try {
      out = await run(input, state, n);
    } catch (err) {
      // The whole call failed: every window in it is lost. Slots keep their old state; the VAD makes
      // the rejection stick to the stream anyway, since its context is now unknown.
      for (const r of rows) {
        r.slot.busy = false;
        r.reject(err);
      }
      return;
    }
    rows.forEach(({ slot, resolve }, k) => {
      for (let l = 0; l < 2; l++) slot.state.set(out.state.subarray((l * n + k) * UNITS, (l * n + k + 1) * UNITS), l * UNITS);
      slot.input.copyWithin(0, SILERO_WINDOW); // this window's tail is the next one's context
      slot.busy = false;
      resolve(out.probs[k]!);
    });
  }

  return {
    stats,
    submit(slot, window) {
      // Two windows of one stream in one batch would both read the state before either: refuse.
      if (slot.busy) return Promise.reject(new Error('Silero stream: a window is still being analysed (calls must not overlap)'));
      slot.busy = true;
      for (let i = 0; i < SILERO_WINDOW; i++) slot.input[SILERO_CONTEXT + i] = window[i]! / 32768;
      return new Promise<number>((resolve, reject) => {
        queue.push({ slot, resolve, reject });
        if (queue.length >= maxBatch) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
