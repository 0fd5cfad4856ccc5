import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../engine/paths.js';
import { loadManifest, modelEntry } from './manifest.js';
import type { ModelManifest } from './manifest-types.js';
import { validateManifest } from './manifest-validate.js';

/** Helpers for the models tests only; the product never imports this file. */

export const ROOT = packageRoot(import.meta.url);
/** The real models beside the repository (CI sets EARSHOT_MODELS_DIR to them). */
export const SHARED_MODELS = resolve(
  process.env.EARSHOT_MODELS_DIR || join(process.env.EARSHOT_SHARED_DIR || join(ROOT, '..', 'shared'), 'models'),
);
export const DEFAULT_MODEL = 'kws-zh-wenetspeech-3.3M';

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `earshot-${prefix}-`));
}

/** A mutable copy of the shipped manifest, changed by `edit` and validated again. */
export function editedManifest(edit: (m: ModelManifest) => void): ModelManifest {
  const copy = JSON.parse(JSON.stringify(loadManifest())) as ModelManifest;
  edit(copy);
  return validateManifest(copy, 'edited test manifest');
}

/**
 * Copy the files the manifest lists for the default model from the shared folder into `destDir`, writable
 * (the shared copies are read-only, and a read-only copy could not be corrupted or cleaned up).
 */
export async function copyDefaultModel(destDir: string): Promise<string> {
  const entry = modelEntry(loadManifest(), DEFAULT_MODEL);
  for (const file of Object.values(entry.files)) {
    const dest = join(destDir, file.path);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(join(SHARED_MODELS, DEFAULT_MODEL, file.path), dest);
    await chmod(dest, 0o644);
  }
  return destDir;
}

/** Flip one byte in the middle of a file, keeping its size. */
export async function corruptOneByte(path: string): Promise<void> {
  const bytes = await readFile(path);
  const i = Math.floor(bytes.length / 2);
  bytes[i] = (bytes[i] ?? 0) ^ 0xff;
  await writeFile(path, bytes);
}

/** A .tar.bz2 holding the default model under `root`, built with the system tar as a release would be. */
export async function buildArchive(workDir: string, root: string, tweak?: (modelDir: string) => Promise<void>): Promise<string> {
  const stage = join(workDir, 'stage');
  const modelDir = await copyDefaultModel(join(stage, root));
  await writeFile(join(modelDir, 'README.md'), 'extra file the release ships\n');
  if (tweak) await tweak(modelDir);
  const archive = join(workDir, `${root}.tar.bz2`);
  await promisify(execFile)('tar', ['-cjf', archive, '-C', stage, root]);
  return archive;
}

/** A loopback port nothing listens on: connecting is refused at once, as on a machine without network. (Port 1 will not do: fetch refuses it as a "bad port" without trying.) */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

export interface LoopbackServer {
  base: string;
  hits: string[];
  close(): Promise<void>;
}

type Route = { file: string } | { redirect: string } | { status: number } | { stall: 'headers' | 'body' };

/** An HTTP server on 127.0.0.1 (never an outside address) serving the given routes. */
export async function serve(routes: Record<string, Route>): Promise<LoopbackServer> {
  const hits: string[] = [];
  const server = createServer((req, res: ServerResponse) => {
    const path = req.url ?? '/';
    hits.push(path);
    const route = routes[path];
    if (!route) return void res.writeHead(404).end('not found');
    if ('redirect' in route) return void res.writeHead(302, { location: route.redirect }).end();
    if ('status' in route) return void res.writeHead(route.status).end();
    if ('stall' in route) {
      if (route.stall === 'body') res.writeHead(200, { 'content-length': '1000000' }).write(Buffer.alloc(1000));
      return; // and never finish
    }
    readFile(route.file).then(
      (body) => res.writeHead(200, { 'content-type': 'application/x-bzip2', 'content-length': String(body.length) }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
