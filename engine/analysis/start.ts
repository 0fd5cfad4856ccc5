import type { Logger } from 'pino';
import type { EarshotConfig } from '../config.js';
import type { AnalysisBackend } from './backend.js';
import { createInlineBackend } from './inline.js';
import type { AnalysisSetup } from './messages.js';
import { createWorkerPool } from './pool.js';

/** Chooses the model and VAD from the configuration and starts the analysis workers (or the inline backend). */
export async function startAnalysis(config: EarshotConfig, log: Logger): Promise<AnalysisBackend> {
  const setup: AnalysisSetup = { vad: config.vad, model: null, keywords: [], keywordMethod: 'pinyin-match' };
  const backend = config.analysisWorkers > 0 ? await createWorkerPool(config.analysisWorkers, setup, log) : await createInlineBackend(setup);
  log.info({ workers: config.analysisWorkers, vad: backend.info.vad, recognizer: backend.info.recognizer }, 'analysis ready');
  return backend;
}
