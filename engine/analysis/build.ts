import type { Recognizer } from '../asr/recognizer.js';
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
  const recognizer: Recognizer | null = null;
  const rejectedKeywords: AnalysisInfo['rejectedKeywords'] = [];
  let createVad: (listener: VadListener) => GatingVad | Promise<GatingVad>;
  if (setup.vad === 'silero') {
    const model = await loadSileroModel(); // once per thread, shared by all its channels
    createVad = (listener) => createSileroVad(listener, { model });
  } else {
    createVad = (listener) => createEnergyVad(listener);
  }
  return {
    info: { vad: setup.vad, recognizer: null, rejectedKeywords },
    open: (emit, offsetMs = 0) => createChannelAnalyser({ createVad, recognizer, offsetMs }, emit),
    close() {},
  };
}
