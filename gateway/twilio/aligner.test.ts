import { describe, expect, it } from 'vitest';
import type { EarshotError } from '../../engine/errors.js';
import { createTrackAligner } from './aligner.js';
import { deinterleave2 } from './client.js';

/** 20 ms (160 samples) of one value: a marker that tells chunks apart after interleaving. */
const chunk = (value: number, samples = 160) => new Uint8Array(samples).fill(value);
const concat = (frames: Uint8Array[]) => new Uint8Array(Buffer.concat(frames));

describe('aligning Twilio tracks in call time', () => {
  it('passes a mono track through, filling a timestamp gap with μ-law silence', () => {
    const a = createTrackAligner({ tracks: 1 });
    const out = [...a.push(0, 0, chunk(1)), ...a.push(0, 20, chunk(2)), ...a.push(0, 60, chunk(3)), ...a.flush()];
    expect(concat(out)).toEqual(concat([chunk(1), chunk(2), chunk(0xff), chunk(3)]));
    expect(a.stats.gapSamples).toEqual([160]);
  });

  it('interleaves two tracks into 20 ms stereo frames once both have them', () => {
    const a = createTrackAligner();
    expect(a.push(0, 0, chunk(1))).toEqual([]);
    const frames = a.push(1, 0, chunk(2));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.length).toBe(320);
    expect(deinterleave2(frames[0]!)).toEqual([chunk(1), chunk(2)]);
  });

  it('aligns a track that arrives late within the jitter window exactly, by its timestamps', () => {
    const a = createTrackAligner({ jitterMs: 200 });
    const out: Uint8Array[] = [];
    // Inbound runs 8 chunks (160 ms) ahead of outbound, then outbound catches up.
    for (let i = 0; i < 8; i++) out.push(...a.push(0, i * 20, chunk(10 + i)));
    for (let i = 0; i < 8; i++) {
      out.push(...a.push(0, (i + 8) * 20, chunk(18 + i)));
      out.push(...a.push(1, i * 20, chunk(100 + i)));
    }
    for (let i = 8; i < 16; i++) out.push(...a.push(1, i * 20, chunk(100 + i)));
    out.push(...a.flush());
    const [inbound, outbound] = deinterleave2(concat(out));
    expect(inbound).toEqual(concat(Array.from({ length: 16 }, (_, i) => chunk(10 + i))));
    expect(outbound).toEqual(concat(Array.from({ length: 16 }, (_, i) => chunk(100 + i))));
    expect(a.stats).toEqual({ gapSamples: [0, 0], paddedSamples: [0, 0], lateSamples: [0, 0] });
  });

  it('pads a track lagging beyond the window with silence, then appends its late audio: nothing dropped', () => {
    const a = createTrackAligner({ jitterMs: 100 });
    const out: Uint8Array[] = [];
    // One second of inbound while outbound sends nothing: outbound is padded up to 100 ms behind inbound.
    for (let i = 0; i < 50; i++) out.push(...a.push(0, i * 20, chunk(1)));
    expect(concat(out).length).toBe(2 * (1000 - 100) * 8);
    // Outbound's first second arrives now: it is appended after the padding (late), none of it lost.
    for (let i = 0; i < 50; i++) out.push(...a.push(1, i * 20, chunk(2)));
    out.push(...a.flush());
    const [inbound, outbound] = deinterleave2(concat(out));
    expect(outbound.length).toBe(inbound.length);
    expect(outbound.subarray(0, 900 * 8)).toEqual(new Uint8Array(900 * 8).fill(0xff));
    expect(outbound.subarray(900 * 8)).toEqual(new Uint8Array(1000 * 8).fill(2));
    expect(inbound.subarray(0, 1000 * 8)).toEqual(new Uint8Array(1000 * 8).fill(1));
    expect(inbound.subarray(1000 * 8)).toEqual(new Uint8Array(900 * 8).fill(0xff)); // flush padded the shorter track
    expect(a.stats.paddedSamples[1]).toBe(900 * 8);
    expect(a.stats.lateSamples).toEqual([0, 1000 * 8]);
  });

  it('puts chunks of one track that arrive out of order back in timestamp order', () => {
    const a = createTrackAligner({ jitterMs: 200 });
    const out: Uint8Array[] = [];
    const order = [0, 2, 1, 3, 5, 4, 6, 7];
    for (const i of order) out.push(...a.push(0, i * 20, chunk(10 + i)));
    for (let i = 0; i < 8; i++) out.push(...a.push(1, i * 20, chunk(100 + i)));
    out.push(...a.flush());
    const [inbound, outbound] = deinterleave2(concat(out));
    expect(inbound).toEqual(concat(Array.from({ length: 8 }, (_, i) => chunk(10 + i))));
    expect(outbound).toEqual(concat(Array.from({ length: 8 }, (_, i) => chunk(100 + i))));
    expect(a.stats).toEqual({ gapSamples: [0, 0], paddedSamples: [0, 0], lateSamples: [0, 0] });
  });

  it('waits for a hole in a track up to the window, then takes it as silence and goes on', () => {
    const a = createTrackAligner({ tracks: 1, jitterMs: 100 });
    expect(concat(a.push(0, 0, chunk(1)))).toEqual(chunk(1));
    // Chunk 2 (20–40 ms) never comes: later chunks wait until the track holds more than 100 ms past the hole.
    const held = [3, 4, 5, 6].flatMap((i) => a.push(0, (i - 1) * 20, chunk(i)));
    expect(held).toEqual([]);
    const out = a.push(0, 120, chunk(7));
    expect(concat(out)).toEqual(concat([chunk(0xff), ...[3, 4, 5, 6, 7].map((i) => chunk(i))]));
    expect(a.stats.gapSamples).toEqual([160]);
  });

  it('keeps audio of a chunk that overlaps what was already placed (early timestamp), appending it', () => {
    const a = createTrackAligner({ tracks: 1 });
    const out = [...a.push(0, 0, chunk(1)), ...a.push(0, 10, chunk(2)), ...a.flush()];
    expect(concat(out)).toEqual(concat([chunk(1), chunk(2)]));
    expect(a.stats.lateSamples).toEqual([160]);
  });

  it('refuses a timestamp that jumps past the gap limit', () => {
    const a = createTrackAligner({ tracks: 1, maxGapMs: 1000 });
    a.push(0, 0, chunk(1));
    let code = '';
    try {
      a.push(0, 5000, chunk(1));
    } catch (err) {
      code = (err as EarshotError).code;
    }
    expect(code).toBe('EARSHOT_ERR_TWILIO_TIMESTAMP_JUMP');
  });

  it('flushes a partial last frame and pads the shorter track', () => {
    const a = createTrackAligner();
    a.push(0, 0, chunk(1, 100));
    a.push(1, 0, chunk(2, 60));
    const [inbound, outbound] = deinterleave2(concat(a.flush()));
    expect(inbound).toEqual(chunk(1, 100));
    expect(outbound).toEqual(concat([chunk(2, 60), chunk(0xff, 40)]));
    expect(a.bufferedSamples).toBe(0);
  });
});
