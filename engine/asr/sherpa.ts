/**
 * The sherpa-onnx provider of the Recognizer seam: streaming transducer, paraformer and CTC models from a
 * model manifest entry, with keyword hits from either
 * - 'pinyin-match' (default): the fuzzy pinyin matcher over the transcript's own syllables, so one encoder
 *   pass per channel yields both transcript and keyword hits; or
 * - 'kws': sherpa's KeywordSpotter on the same audio. It is a second encoder pass (its own stream and
 *   states), kept for comparison and for transducer models that want its constrained search.
 * bench/eval-asr.ts compares the two; the figures are in its report.
 */
import { EarshotError, toError } from '../errors.js';
import { buildKeywordSet, keywordsBuffer, keywordLabel, readTokenSet, type KeywordSet } from './keywords.js';
import { isInitial } from './pinyin.js';
import { createPinyinMatcher, type MatcherOptions, type PinyinMatcher } from './pinyin-matcher.js';
import type { KeywordHit, Recognizer, RecognizerStream, RecognizerStreamListener } from './recognizer.js';
import { buildResult, tokenTimes } from './results.js';
import {
  createKeywordSpotter,
  createOnlineRecognizer,
  measureChunkShift,
  type DecodingMethod,
  type ModelFiles,
  type NativeKeywordSpotter,
  type NativeOnlineRecognizer,
  type NativeResult,
  type NativeStream,
} from './sherpa-native.js';
import { CallTimeline } from './timeline.js';

export interface SherpaRecognizerOptions {
  model: ModelFiles;
  /** Keywords as written (hanzi); spelt with keywords.ts. Rejected ones are in `keywords.rejected`. */
  keywords?: readonly string[];
  keywordMethod?: 'kws' | 'pinyin-match';
  /** Default 1: one core per channel, as the real-time factor is quoted. */
  numThreads?: number;
  decodingMethod?: DecodingMethod;
  matcher?: MatcherOptions;
}

export interface SherpaRecognizer extends Recognizer {
  /** The keyword list as spelt: what is detected, and what could not be (with reasons). */
  readonly keywords: KeywordSet;
}

/**
 * Silence appended at flush() so the streaming encoder runs over the last real frames: it decodes in chunks
 * of 45 feature frames (0.45 s) that advance by 32, so the tail waits for a full chunk. Measured over the 13
 * real recordings: 0.3 s loses no unit, 0.2 s loses 3 of 459; 0.5 s keeps a margin for other chunk sizes.
 */
const TAIL_PADDING_S = 0.5;
/** One encoder output frame of the embedded model (40 ms): a keyword's end is its last unit plus one frame. */
const UNIT_MS = 40;

export function createSherpaRecognizer(options: SherpaRecognizerOptions): SherpaRecognizer {
  const { model } = options;
  const numThreads = options.numThreads ?? 1;
  const method = options.keywordMethod ?? 'pinyin-match';
  const decoding = options.decodingMethod ?? 'greedy_search';
  const output = model.entry.output;
  const tokensPath = model.files.tokens;
  if (!tokensPath) throw new EarshotError('EARSHOT_ERR_MODEL_LOAD', 'model has no tokens file');
  // Pinyin models spell keywords in their units; hanzi models only need a reading (see keywords.ts).
  const keywords = buildKeywordSet(options.keywords ?? [], output === 'pinyin' ? readTokenSet(tokensPath) : null);
  if (method === 'kws' && !model.entry.keywordSpotting) {
    throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', 'keywordMethod kws needs a model marked keywordSpotting');
  }
  const recognizer = createOnlineRecognizer(model, numThreads, decoding);
  const wantKws = method === 'kws' && keywords.accepted.length > 0;
  const spotter = wantKws ? createKeywordSpotter(model, numThreads, keywordsBuffer(keywords)) : null;
  const labels = new Map(keywords.accepted.map((k) => [keywordLabel(k.keyword), k.keyword]));
  const matcher = method === 'pinyin-match' && keywords.accepted.length > 0 ? createPinyinMatcher(keywords.accepted, options.matcher) : null;
  // Greedy transducer/CTC output only grows, so partials are safe to match; beam and paraformer hypotheses
  // are revised, so they are matched on finals only.
  const matchPartials = decoding === 'greedy_search' && model.entry.kind !== 'paraformer';
  const chunkShiftS = spotter ? measureChunkShift(recognizer) : 0;

  return {
    name: `sherpa-onnx:${model.name ?? model.entry.kind}`,
    output,
    keywords,
    createStream(listener) {
      return createSherpaStream({ recognizer, spotter, labels, matcher, matchPartials, chunkShiftS, output }, listener);
    },
    close() {
      // The addon frees native objects when they are collected; nothing to release eagerly.
    },
  };
}

interface StreamDeps {
  recognizer: NativeOnlineRecognizer;
  spotter: NativeKeywordSpotter | null;
  labels: Map<string, string>;
  matcher: PinyinMatcher | null;
  matchPartials: boolean;
  chunkShiftS: number;
  output: 'pinyin' | 'hanzi';
}

function createSherpaStream(d: StreamDeps, listener: RecognizerStreamListener): RecognizerStream {
  const rec = d.recognizer;
  const stream = rec.createStream();
  const kwsStream = d.spotter?.createStream() ?? null;
  const timeline = new CallTimeline();
  let lastShown = ''; // tokens of the last partial, to emit only on change
  let audioInSegment = false;
  const emitted = new Set<string>(); // pinyin-match hits of this segment: `${keyword}:${syllable index}`
  let kwsDecodes = 0;
  let closed = false;

  /** A failure in the native runtime becomes EARSHOT_ERR_ASR_FAILED; our own errors pass as they are. */
  function native<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof EarshotError) throw err;
      throw new EarshotError('EARSHOT_ERR_ASR_FAILED', toError(err).message, { cause: err });
    }
  }

  function feed(stream: NativeStream, samples: Float32Array): void {
    stream.acceptWaveform({ samples, sampleRate: 16000 });
  }

  /** Emit a hypothesis: a partial when it changed, or a final. `endS`: internal end of a segment that ended. */
  function report(r: NativeResult, final: boolean, endS: number | null): void {
    const shown = r.tokens.join(' ');
    if (r.tokens.length === 0 || (!final && shown === lastShown)) return;
    lastShown = shown;
    const startMs = timeline.toCallMs(r.start_time, 'start');
    const endMs = endS === null ? (timeline.realEndMs ?? startMs) : Math.max(startMs, timeline.toCallMs(endS, 'end'));
    const times = r.timestamps.length === r.tokens.length ? r.timestamps.map((t) => timeline.toCallMs(r.start_time + t, 'end')) : null;
    const { result, syllables } = buildResult(d.output, r.text, tokenTimes(r.tokens, times, startMs, endMs), startMs, endMs, final);
    if (d.matcher && (final || d.matchPartials)) {
      // A partial may end on an initial whose final is not decoded yet: not a syllable to match on.
      const usable = !final && syllables.length > 0 && isInitial(syllables[syllables.length - 1]!.tonal) ? syllables.slice(0, -1) : syllables;
      for (const m of d.matcher.find(usable)) {
        const key = `${m.keyword}:${m.first}`;
        if (emitted.has(key)) continue;
        emitted.add(key);
        listener.onKeyword?.({ keyword: m.keyword, startMs: m.startMs, endMs: m.lastUnitMs + UNIT_MS, method: 'pinyin-match' });
      }
    }
    if (final) listener.onFinal(result);
    else listener.onPartial(result);
  }

  /** Close the segment `r` belongs to (the recogniser was just reset): final, then fresh per-segment state. */
  function finish(r: NativeResult, endS: number | null): void {
    report(r, true, endS);
    timeline.prune(rec.getResult(stream).start_time);
    lastShown = '';
    emitted.clear();
  }

  function decode(): void {
    let decoded = 0;
    for (; rec.isReady(stream); decoded++) rec.decode(stream);
    if (kwsStream && d.spotter) spot(d.spotter, kwsStream);
    // A chunk is 0.32 s, so most 20 ms accepts decode nothing: no new result to read (a JSON round trip).
    if (decoded === 0) return;
    const r = rec.getResult(stream);
    if (rec.isEndpoint(stream)) {
      rec.reset(stream);
      // The segment ends where decoding stopped, which is where the next one starts.
      finish(r, rec.getResult(stream).start_time);
    } else {
      report(r, false, null);
    }
  }

  function spot(spotter: NativeKeywordSpotter, s: NativeStream): void {
    while (spotter.isReady(s)) {
      spotter.decode(s);
      kwsDecodes++;
      const k = spotter.getResult(s);
      if (!k.keyword) continue;
      spotter.reset(s);
      const endS = (kwsDecodes - 0.5) * d.chunkShiftS;
      const spanS = (k.timestamps[k.timestamps.length - 1] ?? 0) - (k.timestamps[0] ?? 0);
      const endMs = timeline.toCallMs(endS, 'end');
      const hit: KeywordHit = {
        keyword: d.labels.get(k.keyword) ?? k.keyword,
        startMs: Math.min(endMs, timeline.toCallMs(Math.max(0, endS - spanS - UNIT_MS / 1000), 'start')),
        endMs,
        method: 'kws',
      };
      listener.onKeyword?.(hit);
    }
  }

  return {
    accept(pcm, startMs) {
      if (closed || pcm.length === 0) return;
      const samples = new Float32Array(pcm.length);
      for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i]! / 32768;
      timeline.addAudio(pcm.length, startMs);
      audioInSegment = true;
      native(() => {
        feed(stream, samples);
        if (kwsStream) feed(kwsStream, samples);
        decode();
      });
    },
    flush() {
      if (closed || !audioInSegment) return;
      const pad = new Float32Array(Math.round(TAIL_PADDING_S * 16000));
      timeline.addPadding(pad.length);
      native(() => {
        feed(stream, pad);
        if (kwsStream) feed(kwsStream, pad);
        while (rec.isReady(stream)) rec.decode(stream);
        if (kwsStream && d.spotter) spot(d.spotter, kwsStream);
        const r = rec.getResult(stream);
        rec.reset(stream);
        finish(r, null);
        audioInSegment = false;
      });
    },
    close() {
      closed = true;
    },
  };
}
