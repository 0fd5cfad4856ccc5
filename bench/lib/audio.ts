import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMulawBuffer } from '../../engine/audio/g711.js';
import { parseWavHeader } from '../../engine/audio/wav.js';

export const FRAME_MS = 20;
export const RATE = 8000;
export const CHANNELS = 2;
/** Bytes of one 20 ms stereo μ-law frame: 160 samples × 2 channels. */
export const FRAME_BYTES = (RATE * FRAME_MS) / 1000 * CHANNELS;
export const GAP_MS = 9500;
const TURN_PAUSE_MS = 300;
const LEAD_MS = 200;

export interface CallAudio {
  /** Interleaved stereo μ-law (channel 0 customer, channel 1 agent), shared by every call. */
  mulaw: Uint8Array;
  frames: number;
  gapStartMs: number;
  gapEndMs: number;
  recordings: string[];
}

/** 16 kHz mono PCM16 recordings → 8 kHz by averaging sample pairs (good enough for load). */
function loadRecordings(dir: string): { names: string[]; clips: Int16Array[] } {
  const names: string[] = [];
  const clips: Int16Array[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.wav')).sort()) {
    const bytes = readFileSync(join(dir, name));
    const info = parseWavHeader(bytes);
    if (info.formatTag !== 1 || info.channels !== 1 || info.sampleRate !== 16000 || info.bitsPerSample !== 16) {
      process.stderr.write(`bench: skipping ${name} (not 16 kHz mono PCM16)\n`);
      continue;
    }
    const n16 = Math.floor(Math.min(info.dataBytes, bytes.length - info.dataOffset) / 2);
    const out = new Int16Array(n16 >> 1);
    for (let i = 0; i < out.length; i++) {
      const a = bytes.readInt16LE(info.dataOffset + 4 * i);
      const b = bytes.readInt16LE(info.dataOffset + 4 * i + 2);
      out[i] = Math.round((a + b) / 2);
    }
    names.push(name);
    clips.push(out);
  }
  if (clips.length === 0) throw new Error(`no usable 16 kHz mono PCM16 .wav files in ${dir}`);
  return { names, clips };
}

/**
 * One call's audio, `seconds` long: alternating turns (customer, agent, …) cut from the recordings, the
 * other channel carrying faint noise, and one gap of GAP_MS with both channels near-silent so that a
 * dead-air alert (8 s threshold) fires once per call.
 */
export function buildCallAudio(audioDir: string, seconds: number): CallAudio {
  const { names, clips } = loadRecordings(audioDir);
  const total = Math.round(seconds * 1000 / FRAME_MS) * (RATE * FRAME_MS) / 1000;
  const msToSamples = (ms: number): number => Math.round((ms * RATE) / 1000);
  const ch: [Int16Array, Int16Array] = [new Int16Array(total), new Int16Array(total)];
  let seed = 12345; // deterministic faint noise (about -70 dBFS), below the VAD's -52 dBFS floor
  for (const c of ch) {
    for (let i = 0; i < total; i++) c[i] = ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % 13 - 6;
  }

  const gapStartMs = Math.max(1000, Math.round((seconds * 1000 - GAP_MS) / 2));
  const gapEndMs = Math.min(seconds * 1000, gapStartMs + GAP_MS);
  let next = 0;
  let speaker = 0;
  const placeTurns = (fromMs: number, toMs: number): void => {
    let cursor = msToSamples(fromMs);
    const end = Math.min(total, msToSamples(toMs));
    while (cursor < end - msToSamples(100)) {
      const clip = clips[next++ % clips.length]!;
      const len = Math.min(clip.length, end - cursor);
      ch[speaker as 0 | 1].set(clip.subarray(0, len), cursor);
      cursor += len + msToSamples(TURN_PAUSE_MS);
      speaker ^= 1;
    }
  };
  placeTurns(LEAD_MS, gapStartMs);
  placeTurns(gapEndMs, seconds * 1000);

  const interleaved = new Int16Array(total * CHANNELS);
  for (let i = 0; i < total; i++) {
    interleaved[2 * i] = ch[0][i]!;
    interleaved[2 * i + 1] = ch[1][i]!;
  }
  const mulaw = encodeMulawBuffer(interleaved);
  return { mulaw, frames: mulaw.length / FRAME_BYTES, gapStartMs, gapEndMs, recordings: names };
}
