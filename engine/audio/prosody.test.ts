import { describe, expect, it } from 'vitest';
import { recording } from '../../test/fixtures/shared.js';
import { createProsodyTracker, type SegmentProsody } from './prosody.js';

const RATE = 16000;

/** A voice-like harmonic signal: harmonics `first`..6 of `f0Hz` with 1/k amplitudes, peak near `amplitude`. */
function harmonic(f0Hz: number, seconds: number, amplitude = 8000, first = 1): Int16Array {
  const out = new Int16Array(Math.round(RATE * seconds));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = first; k <= 6; k++) s += Math.sin((2 * Math.PI * f0Hz * k * i) / RATE + k) / k;
    out[i] = Math.round((amplitude * s) / 2.5);
  }
  return out;
}

function scaled(x: Int16Array, gain: number): Int16Array {
  return Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * gain))));
}

/** Uniform white noise from a fixed seed (LCG), so the test sees the same samples on every run. */
function whiteNoise(seconds: number, amplitude: number): Int16Array {
  let seed = 12345;
  return Int16Array.from({ length: RATE * seconds }, () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return Math.round((seed / 2 ** 32 - 0.5) * 2 * amplitude);
  });
}

function segment(pcm: Int16Array, chunk = pcm.length, keepSamples?: number): SegmentProsody | null {
  const t = createProsodyTracker();
  t.segmentStart();
  for (let i = 0; i < pcm.length; i += chunk) t.push(pcm.subarray(i, i + chunk));
  return t.segmentEnd(keepSamples);
}

describe('prosody tracker', () => {
  it.each([150, 250])('finds the F0 of a %i Hz harmonic voice within 3 %%', (f0) => {
    const p = segment(harmonic(f0, 1))!;
    expect(Math.abs(p.f0Hz! - f0) / f0).toBeLessThan(0.03);
    expect(Math.abs(p.f0P90Hz! - f0) / f0).toBeLessThan(0.03);
    expect(p.voicedRatio).toBeGreaterThan(0.9);
    expect(p.frames).toBe(50);
  });

  it('finds the F0 of a telephone voice whose fundamental and second harmonic were cut', () => {
    const p = segment(harmonic(120, 1, 8000, 3))!;
    expect(Math.abs(p.f0Hz! - 120) / 120).toBeLessThan(0.03);
  });

  it('is not drawn to mains hum louder than the voice', () => {
    const voice = harmonic(160, 1, 4000);
    const hum = Int16Array.from(voice, (v, i) => v + Math.round(3000 * Math.sin((2 * Math.PI * 50 * i) / RATE)));
    const p = segment(hum)!;
    expect(Math.abs(p.f0Hz! - 160) / 160).toBeLessThan(0.03);
    expect(p.voicedRatio).toBeGreaterThan(0.8);
  });

  it('reports white noise as unvoiced', () => {
    const p = segment(whiteNoise(2, 6000))!;
    expect(p.voicedRatio).toBeLessThan(0.05);
    expect(p.f0Hz).toBeNull();
    expect(p.f0P90Hz).toBeNull();
    expect(p.rmsDb).toBeGreaterThan(-20); // loud, just not voiced
  });

  it('reads digital silence as −100 dBFS and unvoiced', () => {
    expect(segment(new Int16Array(RATE))).toEqual({ rmsDb: -100, peakDb: -100, f0Hz: null, f0P90Hz: null, voicedRatio: 0, frames: 50 });
  });

  it('measures level in dBFS: a full-scale 1 kHz sine reads −3 dB, and twice the amplitude reads 6 dB more', () => {
    const sine = Int16Array.from({ length: RATE }, (_, i) => Math.round(32767 * Math.sin((2 * Math.PI * 1000 * i) / RATE)));
    expect(segment(sine)!.rmsDb).toBeCloseTo(-3, 1);
    const quiet = harmonic(200, 1, 3000);
    const a = segment(quiet)!;
    const b = segment(scaled(quiet, 2))!;
    expect(b.rmsDb - a.rmsDb).toBeCloseTo(6.02, 1);
    expect(b.peakDb - a.peakDb).toBeCloseTo(6.02, 1);
    expect(b.f0Hz).toBe(a.f0Hz); // pitch does not depend on level
  });

  it('gives the same result however the audio is chunked', () => {
    const x = harmonic(180, 1.3);
    const whole = segment(x);
    expect(segment(x, 77)).toEqual(whole);
    expect(segment(x, 320)).toEqual(whole);
    expect(segment(x, 1001)).toEqual(whole);
  });

  it('drops the frames after keepSamples (the VAD hang-over) and a trailing partial frame', () => {
    const voice = harmonic(200, 1);
    const withTail = new Int16Array(voice.length + 0.4 * RATE + 100); // 400 ms of silence, then 100 samples
    withTail.set(voice);
    expect(segment(withTail, 320, voice.length)).toEqual(segment(voice));
    expect(segment(withTail)!.frames).toBe(70);
    expect(segment(withTail)!.rmsDb).toBeLessThan(segment(voice)!.rmsDb - 1); // the silence did count there
  });

  it('starts each segment afresh and ignores audio outside segments', () => {
    const t = createProsodyTracker();
    t.push(harmonic(300, 0.5)); // no segment open
    expect(t.segmentEnd()).toBeNull();
    t.segmentStart();
    t.push(harmonic(120, 1, 20000));
    t.segmentEnd();
    t.push(whiteNoise(1, 20000));
    t.segmentStart();
    t.push(harmonic(250, 0.6));
    expect(t.segmentEnd()).toEqual(segment(harmonic(250, 0.6)));
  });

  it('returns null for a segment without a whole frame, and f0 null under five voiced frames', () => {
    expect(segment(harmonic(200, 0.019))).toBeNull();
    const short = segment(harmonic(200, 0.1))!; // 5 frames, the first without a pitch estimate: 4 voiced
    expect(short.frames).toBe(5);
    expect(short.voicedRatio).toBe(1);
    expect(short.f0Hz).toBeNull();
    expect(segment(harmonic(200, 0.12))!.f0Hz).toBeCloseTo(200, 0);
  });

  describe('on real Mandarin recordings (pYIN references: librosa 0.11 pyin, 70 Hz high-pass, measured offline)', () => {
    it('a female AISHELL speaker: F0 ~234 Hz, mostly voiced', () => {
      // BAC009S0764W0121: speech from 480 ms to 4200 ms; pYIN median 234.1 Hz, 90th percentile 243.8 Hz.
      const p = segment(recording('BAC009S0764W0121.wav').samples.subarray(480 * 16, 4200 * 16), 320)!;
      expect(p.f0Hz!).toBeGreaterThan(80);
      expect(p.f0Hz!).toBeLessThan(350);
      expect(Math.abs(p.f0Hz! - 234.1) / 234.1).toBeLessThan(0.05);
      expect(Math.abs(p.f0P90Hz! - 243.8) / 243.8).toBeLessThan(0.05);
      expect(p.voicedRatio).toBeGreaterThan(0.3);
      expect(p.rmsDb).toBeGreaterThan(-50);
      expect(p.rmsDb).toBeLessThan(-30);
      expect(p.peakDb).toBeGreaterThan(p.rmsDb);
    });

    it('a male meeting speaker over low rumble: F0 ~106 Hz, its spread not inflated by the rumble', () => {
      // TEST_MEETING_T0000000001_S00000: pYIN median 106.1 Hz, 90th percentile 121.2 Hz once high-passed
      // (unfiltered, pYIN locks onto the rumble at ~50 Hz; this tracker without its high-pass reads a 158 Hz p90).
      const p = segment(recording('TEST_MEETING_T0000000001_S00000.wav').samples, 320)!;
      expect(Math.abs(p.f0Hz! - 106.1) / 106.1).toBeLessThan(0.08);
      expect(Math.abs(p.f0P90Hz! - 121.2) / 121.2).toBeLessThan(0.08);
    });
  });
});
