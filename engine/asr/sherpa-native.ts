/**
 * The part of sherpa-onnx-node (CommonJS, no type declarations) that Earshot uses, typed here, and the
 * recogniser/spotter configurations built from a model manifest entry.
 *
 * The addon is loaded on first use, not at import: tests and tools that never recognise need no native code.
 * Native failures are not all exceptions: a config error throws, but an unknown keyword token or an ONNX file
 * that fails to parse ends the process. Hence every keyword is spelt against tokens.txt first (keywords.ts)
 * and every file is checked here; checksums are the model store's job (models/).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FileRole, ResolvedModel } from '../../models/manifest-types.js';
import { EarshotError, toError } from '../errors.js';

export interface NativeStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
}

export interface NativeResult {
  text: string;
  tokens: string[];
  /** Seconds from the start of the current segment (they restart at reset()). */
  timestamps: number[];
  /** Seconds from the stream's creation to the current segment's start (0 for the spotter). */
  start_time: number;
}

export interface NativeKeywordResult {
  keyword: string;
  tokens: string[];
  timestamps: number[];
}

export interface NativeOnlineRecognizer {
  createStream(): NativeStream;
  isReady(s: NativeStream): boolean;
  decode(s: NativeStream): void;
  isEndpoint(s: NativeStream): boolean;
  reset(s: NativeStream): void;
  getResult(s: NativeStream): NativeResult;
}

export interface NativeKeywordSpotter {
  createStream(): NativeStream;
  isReady(s: NativeStream): boolean;
  decode(s: NativeStream): void;
  reset(s: NativeStream): void;
  getResult(s: NativeStream): NativeKeywordResult;
}

interface SherpaModule {
  OnlineRecognizer: new (config: object) => NativeOnlineRecognizer;
  KeywordSpotter: new (config: object) => NativeKeywordSpotter;
}

let sherpa: SherpaModule | null = null;

function load(): SherpaModule {
  if (!sherpa) {
    try {
      sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
    } catch (err) {
      throw new EarshotError('EARSHOT_ERR_MODEL_LOAD', `sherpa-onnx-node: ${toError(err).message}`, { cause: err });
    }
  }
  return sherpa;
}

export type ModelFiles = Pick<ResolvedModel, 'entry' | 'files'> & { name?: string };

function file(model: ModelFiles, role: FileRole): string {
  const path = model.files[role];
  if (!path) throw new EarshotError('EARSHOT_ERR_MODEL_LOAD', `${model.name ?? model.entry.kind} model has no ${role} file`);
  if (!existsSync(path)) throw new EarshotError('EARSHOT_ERR_MODEL_MISSING', path);
  return path;
}

/** `modelConfig` for the manifest's kind: transducer (encoder/decoder/joiner), paraformer, or zipformer2 CTC. */
export function modelConfig(model: ModelFiles, numThreads: number): Record<string, unknown> {
  const base: Record<string, unknown> = { tokens: file(model, 'tokens'), numThreads, provider: 'cpu', debug: 0 };
  if (model.files.bpeVocab) base.bpeVocab = file(model, 'bpeVocab');
  switch (model.entry.kind) {
    case 'transducer':
      return { ...base, transducer: { encoder: file(model, 'encoder'), decoder: file(model, 'decoder'), joiner: file(model, 'joiner') } };
    case 'paraformer':
      return { ...base, paraformer: { encoder: file(model, 'encoder'), decoder: file(model, 'decoder') } };
    case 'ctc':
      return { ...base, zipformer2Ctc: { model: file(model, 'model') } };
  }
}

/**
 * Endpointing for telephone turns (seconds). Audio arrives VAD-gated and the VAD's segment end calls
 * flush(), so these are the backstop inside a long segment:
 * - rule 2, 0.8 s of trailing silence after text (sherpa's default 1.2 s is for dictation): callers hand the
 *   turn over after pauses of ~0.2–0.5 s and pause mid-sentence for less than ~0.7 s, so 0.8 s ends a turn
 *   without cutting most sentences, and the agent sees the final within a second of the caller stopping;
 * - rule 1, 2.0 s with no text yet: noise the VAD let through is dropped without a final;
 * - rule 3, 15 s: a monologue (a caller telling their problem) still yields finals for the assist to act on.
 */
export const TELEPHONE_ENDPOINT = { rule1MinTrailingSilence: 2.0, rule2MinTrailingSilence: 0.8, rule3MinUtteranceLength: 15 };

export type DecodingMethod = 'greedy_search' | 'modified_beam_search';

export function createOnlineRecognizer(model: ModelFiles, numThreads: number, decodingMethod: DecodingMethod): NativeOnlineRecognizer {
  const config = {
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: modelConfig(model, numThreads),
    // Only transducers have a beam search in sherpa's streaming recogniser.
    decodingMethod: model.entry.kind === 'transducer' ? decodingMethod : 'greedy_search',
    maxActivePaths: 4,
    enableEndpoint: 1,
    ...TELEPHONE_ENDPOINT,
  };
  try {
    return new (load().OnlineRecognizer)(config);
  } catch (err) {
    throw new EarshotError('EARSHOT_ERR_MODEL_LOAD', toError(err).message, { cause: err });
  }
}

/** sherpa's spotter defaults (score 1.0, threshold 0.25): with them it finds all 8 test keywords, no false alarm. */
export function createKeywordSpotter(model: ModelFiles, numThreads: number, keywordsBuf: string): NativeKeywordSpotter {
  if (model.entry.kind !== 'transducer') throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', 'the keyword spotter needs a transducer model');
  const config = {
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: modelConfig(model, numThreads),
    maxActivePaths: 4,
    numTrailingBlanks: 1,
    keywordsScore: 1.0,
    keywordsThreshold: 0.25,
    keywordsBuf,
    keywordsBufSize: Buffer.byteLength(keywordsBuf),
  };
  try {
    return new (load().KeywordSpotter)(config);
  } catch (err) {
    throw new EarshotError('EARSHOT_ERR_MODEL_LOAD', toError(err).message, { cause: err });
  }
}

/**
 * The spotter's own timestamps are not usable as times in sherpa-onnx 1.13.8: measured on test_wavs/4.wav
 * behind 0–8 s of silence, the first hit's timestamps were off by 0.3–6.5 s (our reading of its decoder: beam
 * paths with the same tokens merge and keep the older path's times), and start_time stays 0. What is reliable is when the hit fires: one
 * trailing blank after the keyword's last unit, inside the chunk just decoded. So a hit ends half a chunk
 * before the decoded position (decodes × chunk shift), and starts the keyword's span (last minus first
 * timestamp, whose spacing is right even when their origin is not) before that. The shift is read off the
 * recogniser once: its start_time after a reset is exactly decodes × shift.
 */
export function measureChunkShift(recognizer: NativeOnlineRecognizer): number {
  const s = recognizer.createStream();
  s.acceptWaveform({ samples: new Float32Array(32000), sampleRate: 16000 });
  let decodes = 0;
  while (recognizer.isReady(s)) {
    recognizer.decode(s);
    decodes++;
  }
  recognizer.reset(s);
  const shift = decodes > 0 ? recognizer.getResult(s).start_time / decodes : 0;
  if (!(shift > 0)) throw new EarshotError('EARSHOT_ERR_MODEL_LOAD', 'could not measure the encoder chunk shift');
  return shift;
}
