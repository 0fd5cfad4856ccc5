import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { EarshotError } from '../engine/errors.js';
import { rememberSha256, sha256File } from './checksums.js';
import { describeError, downloadTo, untarBz2 } from './download.js';
import { loadManifest, modelDir, modelEntry, verifyModelDir } from './manifest.js';
import type { FileRole, ModelManifest, ResolvedModel } from './manifest-types.js';

/** Where fetch reports what the user must know (a pino Logger fits; the CLI passes a stderr printer). */
export interface FetchLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

/** Plain lines on stderr, for command-line use. */
export const stderrLog: FetchLog = {
  info: (fields, msg) => process.stderr.write(`models: ${msg}${formatFields(fields)}\n`),
  warn: (fields, msg) => process.stderr.write(`models: WARNING: ${msg}${formatFields(fields)}\n`),
};

function formatFields(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? `\n    ${parts.join('\n    ')}` : '';
}

export interface FetchOptions {
  modelsDir: string;
  name: string;
  manifest?: ModelManifest;
  /** Download from here instead of the manifest's official URL (tests serve the archive on loopback). */
  url?: string;
  /** Download even when a valid copy is already in place. */
  force?: boolean;
  /** Download progress; null for none. Default: stderr. */
  progress?: NodeJS.WritableStream | null;
  log?: FetchLog;
  connectTimeoutMs?: number;
  stallTimeoutMs?: number;
}

export interface FetchResult {
  model: ResolvedModel;
  /** False when a valid copy was already in place and nothing was downloaded. */
  downloaded: boolean;
  /** Files the manifest has no checksum for, whose downloaded SHA-256 was recorded in `lock`. */
  recorded: { path: string; sha256: string }[];
  lock: string | null;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

/** The same model with its paths moved from the staging folder to its final place. */
function rebase(model: ResolvedModel, from: string, to: string): ResolvedModel {
  const files: Partial<Record<FileRole, string>> = {};
  for (const [role, path] of Object.entries(model.files) as [FileRole, string][]) files[role] = join(to, relative(from, path));
  return { ...model, dir: to, files };
}

/**
 * Download the model's official archive into `<modelsDir>/<name>`: stream it to a temporary folder inside
 * the models dir (so the final move is a rename on one filesystem), check the archive's SHA-256 when the
 * manifest has one, unpack it, verify every file before it is put in place, then swap it in. Files the
 * manifest has no checksum for get their SHA-256 recorded in the model's lock file (trust on first use),
 * and the log says so. Throws EARSHOT_ERR_MODEL_FETCH (cause included), or EARSHOT_ERR_MODEL_CHECKSUM /
 * _MISSING when what was downloaded does not match the manifest; nothing is installed then.
 */
export async function fetchModel(opts: FetchOptions): Promise<FetchResult> {
  const { name } = opts;
  const log = opts.log ?? stderrLog;
  const manifest = opts.manifest ?? loadManifest();
  const entry = modelEntry(manifest, name);
  const target = modelDir(opts.modelsDir, name);
  const url = opts.url ?? entry.archive.url;

  if (!opts.force && (await isDir(target))) {
    try {
      const present = await verifyModelDir(name, target, { manifest });
      return { model: present.model, downloaded: false, recorded: [], lock: null };
    } catch (err) {
      log.warn({ model: name, dir: target, reason: describeError(err) }, 'the copy in place is not valid: fetching the model again');
    }
  }

  let work: string | null = null;
  try {
    const modelsDir = resolve(opts.modelsDir);
    await mkdir(modelsDir, { recursive: true });
    work = await mkdtemp(join(modelsDir, `.fetch-${name}-`));
    const archive = join(work, 'archive.tar.bz2');
    log.info({ model: name, url }, 'downloading the model');
    const got = await downloadTo(url, archive, {
      progress: opts.progress === undefined ? process.stderr : opts.progress,
      label: `fetching ${name}`,
      connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
      stallTimeoutMs: opts.stallTimeoutMs ?? 60_000,
    });
    if (entry.archive.sha256 && got.sha256 !== entry.archive.sha256) {
      throw new EarshotError(
        'EARSHOT_ERR_MODEL_CHECKSUM',
        `archive ${url}: expected SHA-256 ${entry.archive.sha256} (from models/manifest.json), got ${got.sha256} (${got.bytes} bytes); nothing was installed`,
      );
    }

    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    await untarBz2(archive, unpacked);
    await rm(archive, { force: true });
    const staged = join(unpacked, entry.archive.root);
    if (!(await isDir(staged))) {
      const found = (await readdir(unpacked)).join(', ') || 'nothing';
      throw new EarshotError('EARSHOT_ERR_MODEL_FETCH', `archive ${url} did not unpack to the folder "${entry.archive.root}" (found: ${found})`);
    }

    let verified;
    try {
      verified = await verifyModelDir(name, staged, { manifest, recordUnknownFrom: url });
    } catch (err) {
      if (!(err instanceof EarshotError)) throw err;
      throw new EarshotError(err.code, `the archive downloaded from ${url} does not match models/manifest.json; nothing was installed: ${err.detail}`, { cause: err });
    }

    // Hashes now come from the cache; carried over, they spare the next resolve from re-reading the files.
    const hashes = await Promise.all(Object.values(verified.model.files).map(async (p) => [relative(staged, p), await sha256File(p)] as const));
    // An invalid copy in place moves aside first: rename onto a non-empty folder fails.
    if (await isDir(target)) await rename(target, join(work, 'previous'));
    await rename(staged, target);
    const model = rebase(verified.model, staged, target);
    const lock = verified.lock ? join(target, relative(staged, verified.lock)) : null;
    for (const [path, sha256] of hashes) await rememberSha256(join(target, path), sha256);
    for (const r of verified.recorded) {
      log.warn(
        { model: name, file: r.path, sha256: r.sha256, lock },
        'models/manifest.json has no SHA-256 for this file: recorded the downloaded one (trust on first use); later checks compare against it',
      );
    }
    log.info({ model: name, dir: target, bytes: got.bytes, archiveSha256: got.sha256 }, 'model fetched and verified');
    return { model, downloaded: true, recorded: verified.recorded, lock };
  } catch (err) {
    if (err instanceof EarshotError) throw err;
    throw new EarshotError('EARSHOT_ERR_MODEL_FETCH', `${name} from ${url}: ${describeError(err)}`, { cause: err });
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
}
