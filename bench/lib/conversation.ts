import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encodeMulawBuffer } from '../../engine/audio/g711.js';
import { readWav } from '../../test/fixtures/shared.js';
import { decimate16to8 } from '../../test/fixtures/telephone.js';
import { TEST_WAV_KEYWORDS } from '../eval/asr-data.js';
import { CHANNELS, FRAME_MS, RATE } from './audio.js';

/**
 * Realistic two-party calls for the capacity bench: turns alternate between the customer (channel 0) and
 * the agent (channel 1), each turn one or more real recordings, a 0.4–1.5 s pause before every turn, the
 * other channel carrying faint noise meanwhile. The customer speaks the model's keyword test recordings
 * (their keywords known) among ordinary speech, so keyword alerts are expected at known places.
 */
export interface Clip {
  name: string;
  pcm8k: Int16Array;
  keywords: readonly string[];
}

export interface KeywordPlacement {
  clip: string;
  keywords: readonly string[];
  startMs: number;
  endMs: number;
}

export interface ConversationCall {
  /** Interleaved stereo μ-law, channel 0 customer. */
  mulaw: Uint8Array;
  keywordClips: KeywordPlacement[];
  speechMs: [number, number];
  turns: number;
}

export interface Conversation {
  /** The turn cycle: channel and the clips spoken, in order (rotated per call). */
  cycle: { channel: 0 | 1; clips: Clip[] }[];
  keywords: string[];
  recordings: string[];
  build(callIndex: number, seconds: number): ConversationCall;
}

const MIN_PAUSE_MS = 400;
const MAX_PAUSE_MS = 1500;
const BREATH_MS = 300; // between two recordings inside one turn
const TAIL_MS = 1500; // the call ends in silence, so its last speech is finalised while it streams
const KEYWORD_WAVS = ['3.wav', '4.wav'];

const samples = (ms: number): number => Math.round((ms * RATE) / 1000);
const speechLen = (clips: readonly Clip[]): number => clips.reduce((s, c) => s + c.pcm8k.length, 0) + samples(BREATH_MS) * (clips.length - 1);

function load(path: string, keywords: readonly string[] = []): Clip {
  const wav = readWav(path);
  if (wav.sampleRate !== 16000) throw new Error(`${path}: ${wav.sampleRate} Hz, expected 16 kHz`);
  return { name: basename(path), pcm8k: decimate16to8(wav.samples), keywords };
}

/** Deterministic PRNG in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export function buildConversation(audioDir: string, modelDir: string): Conversation {
  const speech = readdirSync(audioDir).filter((f) => f.endsWith('.wav')).sort().map((f) => load(join(audioDir, f)));
  const kws = KEYWORD_WAVS.map((f) => load(join(modelDir, 'test_wavs', f), TEST_WAV_KEYWORDS[f] ?? []));
  if (speech.length < 2 || kws.some((k) => k.keywords.length === 0)) throw new Error(`need recordings in ${audioDir} and keyword wavs in ${modelDir}/test_wavs`);
  // Balance speech between the channels: the keyword clips go to the customer, the rest longest first to the quieter side.
  const side: [Clip[], Clip[]] = [[], []];
  const total = [kws.reduce((s, c) => s + c.pcm8k.length, 0), 0];
  for (const c of [...speech].sort((a, b) => b.pcm8k.length - a.pcm8k.length)) {
    const ch = total[0]! <= total[1]! ? 0 : 1;
    side[ch].push(c);
    total[ch]! += c.pcm8k.length;
  }
  // Customer order spreads the keyword clips: k0, o0, k1, o1, …
  const customer: Clip[] = [];
  for (let i = 0; i < Math.max(kws.length, side[0].length); i++) customer.push(...[kws[i], side[0][i]].filter((c): c is Clip => c !== undefined));
  const perSide = Math.max(1, Math.min(customer.length, side[1].length));
  const group = (list: Clip[]): Clip[][] => Array.from({ length: perSide }, (_, t) => list.filter((_, j) => j % perSide === t));
  const cTurns = group(customer);
  const aTurns = group(side[1]);
  const cycle = cTurns.flatMap((c, t) => [{ channel: 0 as const, clips: c }, { channel: 1 as const, clips: aTurns[t]! }]).filter((t) => t.clips.length > 0);

  return {
    cycle,
    keywords: kws.flatMap((k) => k.keywords),
    recordings: [...kws.map((k) => `test_wavs/${k.name}`), ...speech.map((c) => c.name)],
    build(callIndex, seconds) {
      const total = samples(Math.round((seconds * 1000) / FRAME_MS) * FRAME_MS);
      const room = total - samples(TAIL_MS);
      // Rotate the cycle (a step co-prime with its length when it is even) so calls are not in step.
      const rot = (callIndex * 3) % cycle.length;
      const turns: (typeof cycle)[number][] = [];
      let used = 0;
      // Next turns in cycle order; when one does not fit, the next of the other speaker's that does.
      for (let k = rot; turns.length < 1000; ) {
        const last = turns.at(-1)?.channel;
        let j = 0;
        for (; j < cycle.length; j++) {
          const t = cycle[(k + j) % cycle.length]!;
          if (t.channel !== last && (used + speechLen(t.clips) + samples(MIN_PAUSE_MS) <= room || turns.length === 0)) break;
        }
        if (j === cycle.length) break;
        const t = cycle[(k + j) % cycle.length]!;
        turns.push(t);
        used += speechLen(t.clips) + samples(MIN_PAUSE_MS);
        k += j + 1;
      }
      const random = rng(callIndex * 7919 + 17);
      const raw = turns.map(() => MIN_PAUSE_MS + random() * (MAX_PAUSE_MS - MIN_PAUSE_MS));
      const spare = Math.max(0, room - used); // samples beyond the minimum pauses
      const rawExtra = raw.reduce((s, p) => s + samples(p - MIN_PAUSE_MS), 0);
      const f = rawExtra > 0 ? Math.min(1, spare / rawExtra) : 0;
      const pauses = raw.map((p) => samples(MIN_PAUSE_MS) + Math.floor(samples(p - MIN_PAUSE_MS) * f));

      const ch: [Int16Array, Int16Array] = [new Int16Array(total), new Int16Array(total)];
      let seed = 12345 + callIndex; // faint noise (about -70 dBFS) on the silent side
      for (const c of ch) for (let i = 0; i < total; i++) c[i] = ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % 13 - 6;
      const keywordClips: KeywordPlacement[] = [];
      const speechMs: [number, number] = [0, 0];
      let at = 0;
      turns.forEach((t, j) => {
        at += pauses[j]!;
        t.clips.forEach((c, m) => {
          if (m > 0) at += samples(BREATH_MS);
          const len = Math.min(c.pcm8k.length, total - at);
          if (len <= 0) return;
          ch[t.channel].set(c.pcm8k.subarray(0, len), at);
          speechMs[t.channel] += (len * 1000) / RATE;
          if (c.keywords.length > 0 && len === c.pcm8k.length) {
            keywordClips.push({ clip: c.name, keywords: c.keywords, startMs: (at * 1000) / RATE, endMs: ((at + len) * 1000) / RATE });
          }
          at += len;
        });
      });
      const interleaved = new Int16Array(total * CHANNELS);
      for (let i = 0; i < total; i++) {
        interleaved[2 * i] = ch[0][i]!;
        interleaved[2 * i + 1] = ch[1][i]!;
      }
      return { mulaw: encodeMulawBuffer(interleaved), keywordClips, speechMs: [Math.round(speechMs[0]), Math.round(speechMs[1])], turns: turns.length };
    },
  };
}
