import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EarshotError } from '../engine/errors.js';

/**
 * SHA-256 of model files, and the lock file that records checksums the manifest lacks.
 * Model files reach hundreds of megabytes: hashing streams them, and a process remembers each hash by
 * (path, size, mtime) so resolving the same model again costs a stat per file.
 */

interface CacheEntry {
  size: bigint;
  mtimeNs: bigint;
  sha256: string;
}
const cache = new Map<string, CacheEntry>();
const stats = { files: 0, bytes: 0 };

/** How much hashing this process has done (tests check that the cache spares it). */
export function hashStats(): { files: number; bytes: number } {
  return { ...stats };
}

async function hashStream(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    stats.bytes += (chunk as Buffer).length;
  }
  stats.files += 1;
  return hash.digest('hex');
}

/** Lower-case hex SHA-256 of a file, from the cache while its size and mtime are unchanged. */
export async function sha256File(path: string): Promise<string> {
  const abs = resolve(path);
  const st = await stat(abs, { bigint: true });
  const hit = cache.get(abs);
  if (hit && hit.size === st.size && hit.mtimeNs === st.mtimeNs) return hit.sha256;
  const sha256 = await hashStream(abs);
  // A file rewritten while it was being read would cache a hash of mixed content under its new mtime.
  const after = await stat(abs, { bigint: true });
  if (after.size === st.size && after.mtimeNs === st.mtimeNs) cache.set(abs, { size: st.size, mtimeNs: st.mtimeNs, sha256 });
  return sha256;
}

/** Seed the cache for a file whose hash is known, e.g. after it was moved (rename keeps size and mtime). */
export async function rememberSha256(path: string, sha256: string): Promise<void> {
  const abs = resolve(path);
  const st = await stat(abs, { bigint: true });
  cache.set(abs, { size: st.size, mtimeNs: st.mtimeNs, sha256 });
}

/** Hex digest of bytes seen so far, for hashing a download as it streams to disk. */
export function sha256Hasher(): { update(chunk: Uint8Array): void; digest(): string } {
  const hash = createHash('sha256');
  return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest('hex') };
}

/** The lock file beside a model's files: checksums recorded on first fetch where the manifest had none. */
export const LOCK_FILE = '.earshot-checksums.json';

export interface ChecksumLock {
  model: string;
  /** Where the files came from when they were recorded: a URL, or `verify --trust`. */
  source: string;
  recordedAt: string;
  /** SHA-256 by file path inside the model folder. */
  files: Record<string, string>;
}

export function lockPath(modelDir: string): string {
  return join(modelDir, LOCK_FILE);
}

/** The model folder's lock, or null when it has none. A lock that cannot be read is an error, not "none". */
export async function readLock(modelDir: string): Promise<ChecksumLock | null> {
  const path = lockPath(modelDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch (err) {
    throw new EarshotError('EARSHOT_ERR_MODEL_CHECKSUM', `${path} is not valid JSON; delete it and fetch the model again`, { cause: err });
  }
  const files = (lock as ChecksumLock | null)?.files;
  if (typeof files !== 'object' || files === null || Object.values(files).some((v) => typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v))) {
    throw new EarshotError('EARSHOT_ERR_MODEL_CHECKSUM', `${path} has no valid "files" map of SHA-256 checksums; delete it and fetch the model again`);
  }
  return lock as ChecksumLock;
}

/** Write the lock atomically: a half-written lock would make a good model fail verification. */
export async function writeLock(modelDir: string, lock: ChecksumLock): Promise<string> {
  const path = lockPath(modelDir);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(lock, null, 2) + '\n');
  await rename(tmp, path);
  return path;
}
