import { describe, expect, it } from 'vitest';
import golden from './g711.golden.json' with { type: 'json' };
import { ALAW_TO_PCM, MULAW_TO_PCM, encodeAlaw, encodeMulaw } from './g711.js';

describe('G.711', () => {
  it('decodes all 256 μ-law codes to the reference values', () => {
    expect(Array.from(MULAW_TO_PCM)).toEqual(golden.ulawDecode);
    expect(MULAW_TO_PCM[0xff]).toBe(0);
    expect(MULAW_TO_PCM[0x00]).toBe(-32124);
    expect(MULAW_TO_PCM[0x80]).toBe(32124);
  });

  it('decodes all 256 A-law codes to the reference values', () => {
    expect(Array.from(ALAW_TO_PCM)).toEqual(golden.alawDecode);
    expect(ALAW_TO_PCM[0xd5]).toBe(8);
    expect(ALAW_TO_PCM[0x55]).toBe(-8);
    expect(ALAW_TO_PCM[0xaa]).toBe(32256);
  });

  it('encodes linear samples to the reference codes', () => {
    expect(golden.linear.map(encodeMulaw)).toEqual(golden.ulawEncode);
    expect(golden.linear.map(encodeAlaw)).toEqual(golden.alawEncode);
  });

  it('round-trips every code through decode and encode', () => {
    for (let code = 0; code < 256; code++) {
      // μ-law has two zeros (0x7f and 0xff); both decode to 0, which encodes as 0xff.
      if (code !== 0x7f) expect(encodeMulaw(MULAW_TO_PCM[code]!)).toBe(code);
      expect(encodeAlaw(ALAW_TO_PCM[code]!)).toBe(code);
    }
  });
});
