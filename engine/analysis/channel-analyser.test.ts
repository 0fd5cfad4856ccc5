import { describe, expect, it } from 'vitest';
import { createFakeRecognizer } from '../../test/fixtures/fake-recognizer.js';
import { concat, recording } from '../../test/fixtures/shared.js';
import { createEnergyVad } from '../vad/energy.js';
import { createChannelAnalyser } from './channel-analyser.js';
import type { AnalysisEvent } from './messages.js';

async function analyse(audio: Int16Array, offsetMs = 0) {
  const recognizer = createFakeRecognizer();
  const events: AnalysisEvent[] = [];
  const analyser = await createChannelAnalyser({ createVad: (l) => createEnergyVad(l), recognizer, prePadMs: 300, offsetMs }, (e) => events.push(e));
  for (let i = 0; i < audio.length; i += 320) await analyser.push(audio.subarray(i, i + 320));
  analyser.finish();
  return { recognizer, events };
}

describe('channel analyser', () => {
  // BAC009S0764W0121: the energy VAD finds speech from 480 ms to 4200 ms of the file.
  const speech = recording('BAC009S0764W0121.wav').samples;

  it('feeds the recogniser speech plus padding only, in call time, and finalises at the end of speech', async () => {
    const { recognizer, events } = await analyse(concat([16000 * 3, speech, 16000 * 4]));
    const fed = recognizer.accepted;
    const firstMs = fed[0]!.startMs;
    const lastMs = fed.at(-1)!.startMs + fed.at(-1)!.ms;
    const start = events.find((e) => e.kind === 'speech-start') as { startMs: number };
    expect(start.startMs).toBeGreaterThanOrEqual(3000);
    expect(start.startMs).toBeLessThan(3000 + 700);
    expect(firstMs).toBe(start.startMs - 300); // speech start minus the pre-pad
    expect(lastMs).toBeGreaterThan(3000 + 4200);
    expect(lastMs).toBeLessThanOrEqual(3000 + 4204 + 400); // plus the VAD's hang-over, no more
    const total = fed.reduce((s, a) => s + a.ms, 0);
    expect(total).toBeCloseTo(lastMs - firstMs, 5); // contiguous: nothing fed twice, nothing skipped
    expect(recognizer.finals).toHaveLength(1);
    const kinds = events.filter((e) => e.kind !== 'progress').map((e) => e.kind);
    expect(kinds).toEqual(['speech-start', 'speech-end', 'final']);
    expect(events.at(-1)).toEqual({ kind: 'progress', processedMs: (16000 * 7 + speech.length) / 16 });
  });

  it('reports call time when the stream starts mid-call (re-routed after a worker died)', async () => {
    const { events, recognizer } = await analyse(concat([16000, speech]), 60_000);
    const start = events.find((e) => e.kind === 'speech-start') as { startMs: number };
    expect(start.startMs).toBeGreaterThanOrEqual(60_000 + 1000);
    expect(start.startMs).toBeLessThan(60_000 + 1000 + 700);
    expect(recognizer.accepted[0]!.startMs).toBe(start.startMs - 300);
    // The open segment at the end of the audio is closed and finalised by finish().
    expect(events.filter((e) => e.kind === 'final')).toHaveLength(1);
  });

  it('never calls the recogniser on silence', async () => {
    const { recognizer, events } = await analyse(new Int16Array(16000 * 5));
    expect(recognizer.accepted).toEqual([]);
    expect(events.filter((e) => e.kind !== 'progress')).toEqual([]);
  });
});
