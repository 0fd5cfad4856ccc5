/** The telephone-channel fixture that the ASR tests and evaluation rely on: it must pass speech, cut above 4 kHz, keep time. */
import { describe, expect, it } from 'vitest';
import { decimate16to8, telephoneChannel, upsample8to16 } from '../../test/fixtures/telephone.js';

function tone(hz: number, seconds: number, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: seconds * 16000 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 16000)));
}

function rms(x: Int16Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}

describe('telephone channel fixture', () => {
  it('passes a 1 kHz tone at its level and in phase (delays removed)', () => {
    const x = tone(1000, 1);
    const y = telephoneChannel(x);
    expect(y.length).toBe(x.length);
    const mid = [2000, 14000] as const;
    expect(rms(y, ...mid) / rms(x, ...mid)).toBeCloseTo(1, 1);
    // Alignment: the output matches the input best at lag 0 (the upsampler's 31.5-sample delay leaves half a
    // sample, 31 µs: a 0.2 relative error at 1 kHz).
    const errAt = (lag: number) => {
      let err = 0;
      for (let i = mid[0]; i < mid[1]; i++) err += (y[i]! - x[i + lag]!) ** 2;
      return Math.sqrt(err / (mid[1] - mid[0])) / rms(x, ...mid);
    };
    expect(errAt(0)).toBeLessThan(0.25);
    // Half a sample off means lag 0 and one neighbour tie; two samples off is clearly worse.
    expect(errAt(0)).toBeLessThanOrEqual(Math.min(errAt(-1), errAt(1)) + 1e-9);
    expect(errAt(0)).toBeLessThan(Math.min(errAt(2), errAt(-2)) / 2);
  });

  it('removes a 5 kHz tone, which 8 kHz sampling cannot carry (no aliasing to 3 kHz)', () => {
    const y = decimate16to8(tone(5000, 1));
    expect(rms(y, 500, 7500)).toBeLessThan(8000 * 0.001);
  });

  it('upsamples back without a click at 20 ms frame boundaries', () => {
    const y = upsample8to16(decimate16to8(tone(440, 0.5)));
    let maxStep = 0;
    for (let i = 1000; i < 7000; i++) maxStep = Math.max(maxStep, Math.abs(y[i]! - y[i - 1]!));
    expect(maxStep).toBeLessThan((2 * Math.PI * 440 * 8000) / 16000 + 50);
  });
});
