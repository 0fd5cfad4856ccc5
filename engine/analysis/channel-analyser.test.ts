import { describe, expect, it } from 'vitest';
import { createFakeRecognizer } from '../../test/fixtures/fake-recognizer.js';
import { concat, recording } from '../../test/fixtures/shared.js';
import { createProsodyTracker, type SegmentProsody } from '../audio/prosody.js';
import { createEnergyVad } from '../vad/energy.js';
import { createChannelAnalyser } from './channel-analyser.js';
import type { AnalysisEvent } from './messages.js';

async function analyse(audio: Int16Array, offsetMs = 0, chunk = 320) {
  const recognizer = createFakeRecognizer();
  const events: AnalysisEvent[] = [];
  const analyser = await createChannelAnalyser({ createVad: (l) => createEnergyVad(l), recognizer, prePadMs: 300, offsetMs }, (e) => events.push(e));
  for (let i = 0; i < audio.length; i += chunk) await analyser.push(audio.subarray(i, i + chunk));
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

  it('attaches the prosody of exactly each speech segment to its speech-end, in a form that crosses threads', async () => {
    const louder = Int16Array.from(speech, (v) => Math.max(-32768, Math.min(32767, v * 2)));
    const audio = concat([16000 * 3, speech, 16000 * 2, louder, 16000 * 4]);
    type SpeechEnd = { kind: 'speech-end'; startMs: number; endMs: number; prosody?: SegmentProsody };
    const ends = (events: AnalysisEvent[]) => events.filter((e): e is SpeechEnd => e.kind === 'speech-end');
    const { events } = await analyse(audio);
    const [first, second] = ends(events);
    expect(ends(events)).toHaveLength(2);
    for (const e of [first!, second!]) {
      const p = e.prosody!;
      expect(p.f0Hz!).toBeGreaterThan(80);
      expect(p.f0Hz!).toBeLessThan(350);
      expect(p.voicedRatio).toBeGreaterThan(0.3);
      expect(p.frames).toBe((e.endMs - e.startMs) / 20);
      // The segment's own audio, [start, end): its onset before the VAD confirmed it, not its hang-over.
      const tracker = createProsodyTracker();
      tracker.segmentStart();
      tracker.push(audio.subarray(e.startMs * 16, e.endMs * 16));
      expect(p).toEqual(tracker.segmentEnd());
      expect(structuredClone(e)).toEqual(e);
    }
    // The same voice 6 dB louder: what a rule comparing a speaker with their own baseline looks at.
    expect(second!.prosody!.rmsDb - first!.prosody!.rmsDb).toBeGreaterThan(5.5);
    expect(second!.prosody!.rmsDb - first!.prosody!.rmsDb).toBeLessThan(6.5);
    expect(Math.abs(second!.prosody!.f0Hz! / first!.prosody!.f0Hz! - 1)).toBeLessThan(0.02);

    // Whatever the chunking (onsets confirmed mid-chunk, audio before them from the ring) and the offset.
    expect(ends((await analyse(audio, 0, 4000)).events)).toEqual(ends(events));
    const shifted = ends((await analyse(audio, 60_000, 777)).events);
    expect(shifted.map((e) => e.prosody)).toEqual(ends(events).map((e) => e.prosody));
  });
});
