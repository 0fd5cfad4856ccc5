/**
 * ITU-T G.711 μ-law and A-law. Decoding is a 256-entry table lookup built once at load from the
 * standard expansion formulas; engine/audio/g711.test.ts checks all 256 codes of each law against
 * golden values from an independent implementation.
 */
function expandMulaw(code: number): number {
  const u = ~code & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

function expandAlaw(code: number): number {
  const a = code ^ 0x55;
  const sign = a & 0x80;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = (mantissa << 4) + 8;
  if (exponent !== 0) magnitude = (magnitude + 0x100) << (exponent - 1);
  return sign ? magnitude : -magnitude;
}

export const MULAW_TO_PCM: Int16Array = Int16Array.from({ length: 256 }, (_, i) => expandMulaw(i));
export const ALAW_TO_PCM: Int16Array = Int16Array.from({ length: 256 }, (_, i) => expandAlaw(i));

// Segment end points of Sun Microsystems' public-domain g711.c, the reference most codecs follow.
const MULAW_SEG_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(value: number, ends: readonly number[]): number {
  let seg = 0;
  while (seg < ends.length && value > ends[seg]!) seg++;
  return seg;
}

/** Compress one 16-bit sample to μ-law (14-bit magnitude, bias 33, clip 8159). */
export function encodeMulaw(sample: number): number {
  let v = sample >> 2;
  let mask = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  if (v > 8159) v = 8159;
  v += 0x21;
  const seg = segment(v, MULAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  return (((seg << 4) | ((v >> (seg + 1)) & 0x0f)) ^ mask) & 0xff;
}

/** Compress one 16-bit sample to A-law (13-bit magnitude, even bits inverted). */
export function encodeAlaw(sample: number): number {
  let v = sample >> 3;
  let mask = 0xd5;
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, ALAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  const quant = seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
  return ((seg << 4) | quant) ^ mask;
}

export function encodeMulawBuffer(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = encodeMulaw(pcm[i]!);
  return out;
}

export function encodeAlawBuffer(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = encodeAlaw(pcm[i]!);
  return out;
}
