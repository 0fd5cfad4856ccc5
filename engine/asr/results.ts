/**
 * A provider's raw segment result (units + per-unit times already in call time) → the seam's
 * RecognitionResult, plus the timed syllables the pinyin matcher works on.
 *
 * Pinyin-unit models: units are joined into syllables (pinyin.ts). Hanzi models: pinyin comes from
 * pinyin-pro over the whole text (so polyphones get their context), and each syllable takes the time of the
 * token its character came from.
 */
import type { RecognitionResult, RecognizedToken } from './recognizer.js';
import { hanziToSyllables, unitsToSyllables, type TimedSyllable } from './pinyin.js';

export interface SegmentResult {
  result: RecognitionResult;
  syllables: TimedSyllable[];
}

/**
 * Per-token call times. Streaming paraformers give no timestamps: their tokens are then spread evenly over
 * the segment (an estimate, flagged nowhere else: only paraformer models get it).
 */
export function tokenTimes(tokens: readonly string[], times: readonly number[] | null, startMs: number, endMs: number): RecognizedToken[] {
  if (times && times.length === tokens.length) return tokens.map((text, i) => ({ text, startMs: times[i]! }));
  const step = tokens.length > 0 ? (endMs - startMs) / tokens.length : 0;
  return tokens.map((text, i) => ({ text, startMs: startMs + i * step }));
}

export function buildResult(
  output: 'pinyin' | 'hanzi',
  text: string,
  tokens: RecognizedToken[],
  startMs: number,
  endMs: number,
  final: boolean,
): SegmentResult {
  if (output === 'pinyin') {
    const syllables = unitsToSyllables(tokens);
    const tonal = syllables.map((s) => s.tonal).join(' ');
    const result: RecognitionResult = {
      text: tonal,
      pinyin: syllables.map((s) => s.toneless).join(' '),
      pinyinTonal: tonal,
      tokens,
      startMs,
      endMs,
      final,
    };
    return { result, syllables };
  }
  // BPE pieces mark word starts with ▁; a space keeps English words apart in the joined text.
  const pieces = tokens.map((t) => t.text.replace(/\u2581/g, ' '));
  const owner: number[] = [];
  pieces.forEach((p, i) => {
    for (let k = 0; k < p.length; k++) owner.push(i);
  });
  const joined = pieces.join('');
  const syllables: TimedSyllable[] = hanziToSyllables(joined).map((s) => {
    const first = owner[s.index] ?? 0;
    const last = owner[s.index + (s.isHanzi ? 0 : s.tonal.length - 1)] ?? first;
    return { tonal: s.tonal, toneless: s.toneless, startMs: tokens[first]?.startMs ?? startMs, lastUnitMs: tokens[last]?.startMs ?? startMs, first, last };
  });
  const result: RecognitionResult = {
    text: text || joined.trim(),
    pinyin: syllables.map((s) => s.toneless).join(' '),
    tokens,
    startMs,
    endMs,
    final,
  };
  return { result, syllables };
}
