import { describe, expect, it } from 'vitest';
import { concat, recording } from '../../test/fixtures/shared.js';
import { createEnergyVad } from './energy.js';

function segmentsOf(samples: Int16Array, frameSamples = 320): { start: number; end: number }[] {
  const segments: { start: number; end: number }[] = [];
  const vad = createEnergyVad({ onSpeechStart: () => {}, onSpeechEnd: (start, end) => segments.push({ start, end }) });
  for (let i = 0; i < samples.length; i += frameSamples) vad.push(samples.subarray(i, i + frameSamples));
  vad.flush();
  return segments;
}

describe('energy VAD', () => {
  it('finds no speech in digital silence', () => {
    expect(segmentsOf(new Int16Array(16000 * 3))).toEqual([]);
  });

  it('finds the speech of a real recording between inserted silences', () => {
    const speech = recording('BAC009S0724W0121.wav').samples; // 4.28 s of read speech
    const audio = concat([16000 * 2, speech, 16000 * 3, speech, 16000]);
    const segments = segmentsOf(audio, 333); // odd frame size: carries remainders across pushes
    const first = segments[0]!;
    const last = segments[segments.length - 1]!;
    // Speech starts after the first 2 s and ends before the last second; nothing is found in the inserted gap.
    expect(first.start).toBeGreaterThanOrEqual(2000);
    expect(first.start).toBeLessThan(2000 + 600);
    expect(last.end).toBeLessThanOrEqual(2000 + 4280 + 3000 + 4280);
    expect(last.end).toBeGreaterThan(2000 + 4280 + 3000 + 4280 - 800);
    const gapStart = 2000 + 4280;
    const gapEnd = gapStart + 3000;
    for (const s of segments) expect(s.end <= gapStart || s.start >= gapEnd).toBe(true);
    const talk = segments.reduce((sum, s) => sum + s.end - s.start, 0);
    expect(talk).toBeGreaterThan(2 * 4280 * 0.6);
    expect(talk).toBeLessThanOrEqual(2 * 4280);
  });

  it('reports talk time and processed time as it goes', () => {
    const vad = createEnergyVad({ onSpeechStart: () => {}, onSpeechEnd: () => {} });
    const loud = Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    vad.push(loud);
    expect(vad.speaking).toBe(true);
    expect(vad.processedMs).toBe(1000);
    expect(vad.talkMs).toBe(1000);
    vad.push(new Int16Array(16000));
    expect(vad.speaking).toBe(false);
    expect(vad.talkMs).toBe(1000);
  });
});
