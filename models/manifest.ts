import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EarshotError } from '../engine/errors.js';
import { packageRoot } from '../engine/paths.js';
import { lockPath, readLock, sha256File, writeLock } from './checksums.js';
import type { FileRole, ModelEntry, ModelFile, ModelManifest, ResolvedModel } from './manifest-types.js';
import { validateManifest } from './manifest-validate.js';

/** The manifest shipped with Earshot; found from sources and from dist/ alike, since both sit under the package root. */
export const MANIFEST_PATH = join(packageRoot(import.meta.url), 'models', 'manifest.json');

const loaded = new Map<string, ModelManifest>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Read and validate a manifest (the shipped one by default), once per process. Throws EARSHOT_ERR_CONFIG_INVALID. */
export function loadManifest(path: string = MANIFEST_PATH): ModelManifest {
  const cached = loaded.get(path);
  if (cached) return cached;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message;
    throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `model manifest ${path}: ${why}`, { cause: err });
  }
  const manifest = deepFreeze(validateManifest(raw, path));
  loaded.set(path, manifest);
  return manifest;
}

/** The manifest entry of a model, or EARSHOT_ERR_MODEL_UNKNOWN listing the names there are. */
export function modelEntry(manifest: ModelManifest, name: string): ModelEntry {
  const entry = Object.hasOwn(manifest.models, name) ? manifest.models[name] : undefined;
  if (!entry) {
    const known = Object.keys(manifest.models).join(', ');
    throw new EarshotError('EARSHOT_ERR_MODEL_UNKNOWN', `"${name}"; known models: ${known} ('none' runs text + VAD mode)`);
  }
  return entry;
}

/** Where a model's files live: one folder per model name inside the models dir. */
export function modelDir(modelsDir: string, name: string): string {
  return join(resolve(modelsDir), name);
}

export function fetchHint(name: string): string {
  return `fetch it again with "npm run models -- fetch ${name}"`;
}

export interface VerifyOptions {
  manifest?: ModelManifest;
  /**
   * Trust on first use: record in the lock file the checksums of files that neither the manifest nor the
   * lock knows, naming this as their source. Without it such files are refused, never trusted silently.
   */
  recordUnknownFrom?: string;
}

export interface Verified {
  model: ResolvedModel;
  /** Files whose checksum was recorded in the lock by this call (trust on first use). */
  recorded: { path: string; sha256: string }[];
  /** The lock file written, or null when nothing was recorded. */
  lock: string | null;
}

/**
 * Check every file the manifest lists for `name` in `dir`: present, and matching its SHA-256 from the
 * manifest, or else from the lock file recorded when it was fetched. Throws EARSHOT_ERR_MODEL_MISSING or
 * EARSHOT_ERR_MODEL_CHECKSUM naming the file and the checksum expected.
 */
export async function verifyModelDir(name: string, dir: string, options: VerifyOptions = {}): Promise<Verified> {
  const entry = modelEntry(options.manifest ?? loadManifest(), name);
  const absDir = resolve(dir);
  const folder = await stat(absDir).catch(() => null);
  if (!folder?.isDirectory()) {
    throw new EarshotError('EARSHOT_ERR_MODEL_MISSING', `${absDir}: the folder of model "${name}" does not exist; fetch it with "npm run models -- fetch ${name}"`);
  }
  const lock = await readLock(absDir);
  const listed = Object.entries(entry.files) as [FileRole, ModelFile][];
  const expectedOf = (file: ModelFile) => file.sha256 ?? lock?.files[file.path] ?? null;

  // Every file's presence first: a missing tokens.txt should not wait for a 300 MB encoder to hash.
  for (const [role, file] of listed) {
    const path = join(absDir, file.path);
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) {
      const expected = expectedOf(file) ?? 'unknown';
      throw new EarshotError('EARSHOT_ERR_MODEL_MISSING', `${path} (${role} of model "${name}", expected SHA-256 ${expected}); ${fetchHint(name)}`);
    }
  }

  const files: Partial<Record<FileRole, string>> = {};
  const recorded: Verified['recorded'] = [];
  for (const [role, file] of listed) {
    const path = join(absDir, file.path);
    const actual = await sha256File(path);
    const expected = expectedOf(file);
    if (expected === null) {
      if (!options.recordUnknownFrom) {
        throw new EarshotError(
          'EARSHOT_ERR_MODEL_CHECKSUM',
          `${path}: no SHA-256 to check it against (models/manifest.json has none for this file and ${lockPath(absDir)} records none); ` +
            `fetch the model with "npm run models -- fetch ${name}" to record one, or record the files as they are with "npm run models -- verify ${name} --trust"`,
        );
      }
      recorded.push({ path: file.path, sha256: actual });
    } else if (actual !== expected) {
      const source = file.sha256 ? 'models/manifest.json' : `${lockPath(absDir)}, recorded when it was fetched`;
      throw new EarshotError('EARSHOT_ERR_MODEL_CHECKSUM', `${path}: expected SHA-256 ${expected} (from ${source}), got ${actual}; ${fetchHint(name)}`);
    }
    files[role] = path;
  }

  let lockFile: string | null = null;
  if (recorded.length > 0) {
    const recordedFiles = Object.fromEntries(recorded.map((r) => [r.path, r.sha256]));
    lockFile = await writeLock(absDir, {
      model: name,
      source: options.recordUnknownFrom ?? 'unknown',
      recordedAt: new Date().toISOString(),
      files: { ...lock?.files, ...recordedFiles },
    });
  }
  return { model: { name, dir: absDir, entry, files }, recorded, lock: lockFile };
}

/** The model `name` in `modelsDir/<name>`, every file present and verified (see verifyModelDir). */
export async function resolveModel(name: string, modelsDir: string, options: { manifest?: ModelManifest } = {}): Promise<ResolvedModel> {
  const verified = await verifyModelDir(name, modelDir(modelsDir, name), options.manifest ? { manifest: options.manifest } : {});
  return verified.model;
}
