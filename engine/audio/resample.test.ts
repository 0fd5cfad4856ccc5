import { describe, expect, it } from 'vitest';
import { createUpsampler2x } from './resample.js';

function tone(freqHz: number, rate: number, seconds: number, amplitude = 10000): Int16Array {
  return Int16Array.from({ length: rate * seconds }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freqHz * i) / rate)));
}

/** Power of `x` at `freqHz` by correlation (a single DFT bin), normalised to the signal's total power. */
function powerShare(x: Int16Array, freqHz: number, rate: number): number {
  let re = 0;
  let im = 0;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * freqHz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * freqHz * i) / rate);
    total += x[i]! * x[i]!;
  }
  return (2 * (re * re + im * im)) / x.length / total;
}

describe('8 kHz → 16 kHz upsampler', () => {
  it('keeps a 1 kHz tone at 1 kHz, at the same level, with images suppressed', () => {
    const input = tone(1000, 8000, 1);
    const out = createUpsampler2x().process(input);
    expect(out.length).toBe(16000);
    const steady = out.subarray(1000, 15000);
    expect(powerShare(steady, 1000, 16000)).toBeGreaterThan(0.999);
    expect(powerShare(steady, 7000, 16000)).toBeLessThan(1e-5); // the 8 kHz − 1 kHz image
    // Level by RMS (the sampled peak depends on the filter's half-sample delay): 10000/√2.
    let energy = 0;
    for (const s of steady) energy += s * s;
    const amplitude = Math.sqrt((2 * energy) / steady.length);
    expect(amplitude).toBeGreaterThan(9950);
    expect(amplitude).toBeLessThan(10050);
    // Zero crossings: 2 per cycle, 1000 cycles per second.
    let crossings = 0;
    for (let i = 1; i < steady.length; i++) if ((steady[i - 1]! < 0) !== (steady[i]! < 0)) crossings++;
    expect(crossings / (steady.length / 16000)).toBeCloseTo(2000, -1);
  });

  it('gives the same output whether fed in one piece or in 20 ms frames', () => {
    const input = tone(440, 8000, 1);
    const whole = createUpsampler2x().process(input);
    const framed = createUpsampler2x();
    const parts: Int16Array[] = [];
    for (let i = 0; i < input.length; i += 160) parts.push(framed.process(input.subarray(i, i + 160)));
    const joined = new Int16Array(whole.length);
    let at = 0;
    for (const p of parts) (joined.set(p, at), (at += p.length));
    expect(Array.from(joined)).toEqual(Array.from(whole));
  });
});
