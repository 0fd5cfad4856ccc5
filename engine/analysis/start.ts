import type { Logger } from 'pino';
import type { EarshotConfig } from '../config.js';
import type { AnalysisBackend } from './backend.js';
import { createInlineBackend } from './inline.js';
import type { AnalysisSetup } from './messages.js';
import { ensureDefaultModel } from '../../models/startup.js';
import { loadKeywordList } from '../../knowledge/keywords.js';
import { createWorkerPool } from './pool.js';

/** Chooses the model and VAD from the configuration and starts the analysis workers (or the inline backend). */
export async function startAnalysis(config: EarshotConfig, log: Logger): Promise<AnalysisBackend> {
  // onnxruntime-node records usage telemetry under ~/.cache unless told not to; customer data stays in
  // the building and so does everything else. Set in the main thread, before any worker loads it: the
  // native library reads the process environment, which worker copies of process.env do not change.
  process.env.ORT_DISABLE_TELEMETRY = '1';
  const model = await ensureDefaultModel({ modelsDir: config.modelsDir, name: config.model, log, allowFetch: config.fetchModel === 'yes' });
  const setup: AnalysisSetup = {
    vad: config.vad,
    model: model && { name: model.name, entry: model.entry, files: model.files as Record<string, string> },
    keywords: model ? loadKeywordList(config.keywordsFile) : [],
    keywordMethod: 'pinyin-match',
  };
  const backend = config.analysisWorkers > 0 ? await createWorkerPool(config.analysisWorkers, setup, log) : await createInlineBackend(setup);
  log.info({ workers: config.analysisWorkers, vad: backend.info.vad, recognizer: backend.info.recognizer, keywords: setup.keywords.length }, 'analysis ready');
  for (const r of backend.info.rejectedKeywords) log.warn({ code: 'EARSHOT_ERR_KEYWORD_INVALID', keyword: r.keyword, reason: r.reason }, 'keyword cannot be spotted');
  return backend;
}
