import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { EarshotError } from '../engine/errors.js';
import { describeError } from './download.js';
import { fetchModel } from './fetch.js';
import { loadManifest, modelDir, modelEntry, resolveModel } from './manifest.js';
import type { ModelManifest, ResolvedModel } from './manifest-types.js';

export interface EnsureModelOptions {
  modelsDir: string;
  /** Model name from models/manifest.json; 'none' runs text + VAD mode on purpose. */
  name: string;
  log: Logger;
  /** Fetch the model when it is absent (config `fetchModel`). */
  allowFetch: boolean;
  manifest?: ModelManifest;
  /** Fetch from here instead of the official URL (tests). */
  url?: string;
  /** Download progress; null for none. Default: stderr. */
  progress?: NodeJS.WritableStream | null;
  connectTimeoutMs?: number;
}

const TEXT_VAD_MODE = 'Earshot runs in text + VAD mode: speech and silence are tracked, transcripts come only from text utterances';

/**
 * The speech model for start-up. Present: verified and returned; a corrupt or incomplete copy throws
 * (EARSHOT_ERR_MODEL_CHECKSUM / _MISSING) rather than being skipped, and the caller decides. Absent: fetched
 * when allowed, saying so; when it cannot be had (no network, fetching disabled), a warning says Earshot
 * runs in text + VAD mode and the result is null. An unknown name throws EARSHOT_ERR_MODEL_UNKNOWN.
 */
export async function ensureDefaultModel(opts: EnsureModelOptions): Promise<ResolvedModel | null> {
  const { name, log } = opts;
  if (name === 'none') {
    log.info({ model: 'none' }, TEXT_VAD_MODE);
    return null;
  }
  const manifest = opts.manifest ?? loadManifest();
  const entry = modelEntry(manifest, name);
  const dir = modelDir(opts.modelsDir, name);

  // Only a missing folder counts as absent: a folder with a missing or altered file is a broken install.
  if ((await stat(dir).catch(() => null))?.isDirectory()) {
    const model = await resolveModel(name, opts.modelsDir, { manifest });
    log.info({ model: name, dir, kind: entry.kind, output: entry.output }, 'speech model verified');
    return model;
  }

  if (!opts.allowFetch) {
    log.warn({ model: name, dir, fetchModel: 'no' }, `speech model absent and fetching is off; ${TEXT_VAD_MODE}`);
    return null;
  }

  const url = opts.url ?? entry.archive.url;
  log.warn({ model: name, dir, url }, 'speech model absent: fetching it now (first start)');
  try {
    const fetched = await fetchModel({
      modelsDir: opts.modelsDir,
      name,
      manifest,
      url,
      log,
      ...(opts.progress !== undefined ? { progress: opts.progress } : {}),
      ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
    });
    return fetched.model;
  } catch (err) {
    if (!(err instanceof EarshotError)) throw err;
    log.warn(
      { model: name, dir, url, code: err.code, reason: describeError(err), fix: `npm run models -- fetch ${name}, then restart` },
      `could not fetch the speech model; ${TEXT_VAD_MODE}`,
    );
    return null;
  }
}
