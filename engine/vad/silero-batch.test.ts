import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, recording } from '../../test/fixtures/shared.js';
import { createSileroBatcher, newSlot, SILERO_WINDOW, type SileroRun } from './silero-batch.js';
import { createSileroVad, loadSileroModel, type SileroModel } from './silero.js';

/**
 * A stand-in network with the real one's layout: probability of row k = its first new sample (scaled
 * back to PCM), state += 1 for every unit of that row. Records each call's batch size; fails call `failAt`.
 */
function fakeRun(failAt = -1): { run: SileroRun; sizes: number[] } {
  const sizes: number[] = [];
  const run: SileroRun = async (input, state, n) => {
    const call = sizes.push(n) - 1;
    await new Promise((r) => setImmediate(r)); // resolves on a later turn, as ORT's run does
    if (call === failAt) throw new Error('model failed');
    const probs = new Float32Array(n);
    for (let k = 0; k < n; k++) probs[k] = input[k * 576 + 64]! * 32768 + state[k * 128]!; // row k's state, layer 0
    return { probs, state: state.map((x) => x + 1) };
  };
  return { run, sizes };
}

const windowOf = (value: number): Int16Array => new Int16Array(SILERO_WINDOW).fill(value);

/** Feeds one window per value through `submit`, each awaited; returns the probabilities. */
async function feed(submit: (w: Int16Array) => Promise<number>, values: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const v of values) out.push(await submit(windowOf(v)));
  return out;
}

describe('Silero batcher', () => {
  it('runs the windows of one turn together and gives each stream its own state back', async () => {
    const { run, sizes } = fakeRun();
    const batcher = createSileroBatcher(run);
    const slots = [newSlot(), newSlot(), newSlot()];
    // Stream k pushes 2 + k windows of value 10k + i; its state counts the windows it has seen.
    const results = await Promise.all(slots.map((slot, k) => feed((w) => batcher.submit(slot, w), Array.from({ length: 2 + k }, (_, i) => 10 * k + i))));
    expect(results).toEqual([
      [0, 2],
      [10, 12, 14],
      [20, 22, 24, 26],
    ]);
    // One window per stream per round; rounds go on while any stream has work.
    expect(sizes).toEqual([3, 3, 2, 1]);
    expect(batcher.stats).toEqual({ runs: 4, windows: 9 });
    // The context is the previous window's tail.
    expect(slots[2]!.input[0]).toBe(23 / 32768);
  });

  it('keeps a lone stream moving one window per round', async () => {
    const { run, sizes } = fakeRun();
    const batcher = createSileroBatcher(run);
    const slot = newSlot();
    expect(await feed((w) => batcher.submit(slot, w), [5, 5, 5, 5, 5])).toEqual([5, 6, 7, 8, 9]);
    expect(sizes).toEqual([1, 1, 1, 1, 1]);
  });

  it('splits a turn into calls of at most maxBatch windows', async () => {
    const { run, sizes } = fakeRun();
    const batcher = createSileroBatcher(run, 4);
    const probs = await Promise.all(Array.from({ length: 10 }, (_, k) => batcher.submit(newSlot(), windowOf(k))));
    expect(probs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('rejects every window of a failed call and only those; refuses overlapping windows of a stream', async () => {
    const { run } = fakeRun(1);
    const batcher = createSileroBatcher(run, 2);
    const slots = [newSlot(), newSlot(), newSlot()];
    const results = await Promise.allSettled(slots.map((s, k) => batcher.submit(s, windowOf(k)))); // calls of 2 and 1
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(await batcher.submit(slots[2]!, windowOf(7))).toBe(7); // the failed stream's slot is free again
    const first = batcher.submit(slots[0]!, windowOf(1));
    await expect(batcher.submit(slots[0]!, windowOf(1))).rejects.toThrow('must not overlap');
    expect(await first).toBe(2);
  });

  it('propagates a failed call to the pushes of every VAD in it, and the VADs of later calls work', async () => {
    const { run, sizes } = fakeRun(1);
    const batcher = createSileroBatcher(run);
    const openStream: SileroModel['openStream'] = () => {
      const slot = newSlot();
      return { probability: (w) => batcher.submit(slot, w) };
    };
    const model: SileroModel = { file: 'fake', openStream, release: async () => {} };
    const vads = await Promise.all([1, 2, 3].map(() => createSileroVad({ onSpeechStart: () => {}, onSpeechEnd: () => {} }, { model })));
    const pushes = vads.map((v) => v.push(new Int16Array(SILERO_WINDOW * 3)));
    for (const p of pushes) await expect(p).rejects.toThrow('model failed');
    expect(sizes).toEqual([3, 3]);
    const later = await createSileroVad({ onSpeechStart: () => {}, onSpeechEnd: () => {} }, { model });
    await later.push(new Int16Array(SILERO_WINDOW * 2));
    expect(later.processedMs).toBe(64);
  });
});

describe('Silero batching across streams (real model)', () => {
  let model: SileroModel;
  beforeAll(async () => {
    model = await loadSileroModel();
  });
  afterAll(async () => {
    await model.release();
  });

  // Different audio per stream: each recording after a different lead-in of silence.
  const names = ['BAC009S0724W0121.wav', 'BAC009S0764W0121.wav', 'IT0011W0001.wav', 'paddlespeech-zh.wav'];
  const streamsAudio = names.map((name, k) => concat([4000 * (k + 1), recording(name).samples, 16000]));

  /** Every window's probability of each audio on its own stream, the streams fed concurrently or one after another. */
  async function probabilities(audios: Int16Array[], concurrent: boolean): Promise<number[][]> {
    const one = async (samples: Int16Array): Promise<number[]> => {
      const stream = model.openStream();
      const out: number[] = [];
      for (let i = 0; i + SILERO_WINDOW <= samples.length; i += SILERO_WINDOW) out.push(await stream.probability(samples.subarray(i, i + SILERO_WINDOW)));
      return out;
    };
    if (concurrent) return Promise.all(audios.map(one));
    const all: number[][] = [];
    for (const a of audios) all.push(await one(a));
    return all;
  }

  const stats = (): { runs: number; windows: number } => ({ ...model.stats! });

  /** A VAD's events over `samples` pushed in chunks of `chunk`: each push awaited, or all queued at once. */
  async function events(samples: Int16Array, chunk: number, queued: boolean): Promise<string[]> {
    const out: string[] = [];
    const vad = await createSileroVad({ onSpeechStart: (s) => out.push(`start ${s}`), onSpeechEnd: (s, e) => out.push(`end ${s}-${e}`) }, { model });
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < samples.length; i += chunk) {
      const push = vad.push(samples.subarray(i, i + chunk));
      if (queued) pushes.push(push);
      else await push;
    }
    await Promise.all(pushes);
    vad.flush();
    expect(vad.processedMs).toBe(samples.length / 16);
    return out;
  }

  it('gives each stream the probabilities it gets alone, in far fewer model calls', async () => {
    const before = stats();
    const alone = await probabilities(streamsAudio, false);
    const windows = alone.reduce((n, p) => n + p.length, 0);
    expect(stats()).toEqual({ runs: before.runs + windows, windows: before.windows + windows }); // a lone stream: one window a call
    const mid = stats();
    const together = await probabilities(streamsAudio, true);
    let maxDiff = 0;
    together.forEach((probs, k) => {
      expect(probs.length).toBe(alone[k]!.length);
      probs.forEach((p, i) => (maxDiff = Math.max(maxDiff, Math.abs(p - alone[k]![i]!))));
    });
    expect(maxDiff).toBeLessThanOrEqual(1e-5); // measured: 0, rows of a batch are computed independently
    // One call per round, a round per window of the longest stream.
    expect(stats().windows - mid.windows).toBe(windows);
    expect(stats().runs - mid.runs).toBe(Math.max(...alone.map((p) => p.length)));
  });

  it('gives concurrent VADs fed in odd chunk sizes the events each gives alone', async () => {
    const chunks = [333, 1000, 160, 4097];
    const alone: string[][] = [];
    for (const [k, a] of streamsAudio.entries()) alone.push(await events(a, chunks[k]!, false));
    expect(alone.every((events) => events.length > 0)).toBe(true);
    // Half the streams queue all their pushes at once, half await each: both ways share the batches.
    const together = await Promise.all(streamsAudio.map((a, k) => events(a, chunks[k]!, k % 2 === 0)));
    expect(together).toEqual(alone);
  });
});
