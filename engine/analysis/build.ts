import type { Recognizer } from '../asr/recognizer.js';
import { createSherpaRecognizer } from '../asr/sherpa.js';
import { createEnergyVad } from '../vad/energy.js';
import { createSileroVad, loadSileroModel } from '../vad/silero.js';
import type { VadListener } from '../vad/vad.js';
import type { AnalysisInfo } from './backend.js';
import { createChannelAnalyser, type ChannelAnalyser, type GatingVad } from './channel-analyser.js';
import type { AnalysisEvent, AnalysisSetup } from './messages.js';

/** Loads what every channel of one thread shares (VAD model, recogniser) once, then opens analysers. */
export interface AnalyserFactory {
  readonly info: AnalysisInfo;
  open(emit: (e: AnalysisEvent) => void, offsetMs?: number): Promise<ChannelAnalyser>;
  close(): void;
}

export async function createAnalyserFactory(setup: AnalysisSetup): Promise<AnalyserFactory> {
  let recognizer: Recognizer | null = null;
  let rejectedKeywords: AnalysisInfo['rejectedKeywords'] = [];
  if (setup.model) {
    // Files were verified against their checksums before any thread loads them: sherpa aborts the
    // process, rather than throwing, on a file it cannot parse.
    const sherpa = createSherpaRecognizer({ model: setup.model, keywords: setup.keywords, keywordMethod: setup.keywordMethod });
    recognizer = sherpa;
    rejectedKeywords = sherpa.keywords.rejected.map((r) => ({ keyword: r.keyword, reason: r.reason }));
  }
  let createVad: (listener: VadListener) => GatingVad | Promise<GatingVad>;
  if (setup.vad === 'silero') {
    const model = await loadSileroModel(); // once per thread, shared by all its channels
    // 600 ms of silence ends a segment: long enough to bridge the pauses inside a telephone sentence
    // (~0.5 s, e.g. paddlespeech-zh), short enough that the recogniser's final follows the turn.
    createVad = (listener) => createSileroVad(listener, { model, minSilenceMs: 600 });
  } else {
    createVad = (listener) => createEnergyVad(listener);
  }
  return {
    info: { vad: setup.vad, recognizer: recognizer?.name ?? null, rejectedKeywords },
    open: (emit, offsetMs = 0) => createChannelAnalyser({ createVad, recognizer, offsetMs }, emit),
    close: () => recognizer?.close(),
  };
}
