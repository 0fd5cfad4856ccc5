import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarshotError } from '../engine/errors.js';
import { hashStats, lockPath } from './checksums.js';
import { fetchModel, type FetchLog } from './fetch.js';
import { loadManifest, resolveModel } from './manifest.js';
import { buildArchive, closedPort, corruptOneByte, DEFAULT_MODEL, editedManifest, serve, tempDir, type LoopbackServer } from './test-support.js';

const ROOT_FOLDER = loadManifest().models[DEFAULT_MODEL]?.archive.root ?? '';
const TOKENS_SHA = '72316508d9119696145abc6f1f8cdc46287535c34e5ce7e595f845cb1499cf2e';

let tmp: string;
let server: LoopbackServer;
let goodArchive: string;

beforeAll(async () => {
  tmp = await tempDir('fetch');
  goodArchive = await buildArchive(join(tmp, 'good'), ROOT_FOLDER);
  const badArchive = await buildArchive(join(tmp, 'bad'), ROOT_FOLDER, (dir) => corruptOneByte(join(dir, 'tokens.txt')));
  const wrongRoot = await buildArchive(join(tmp, 'wrong-root'), 'some-other-folder');
  server = await serve({
    '/model.tar.bz2': { file: goodArchive },
    '/redirect': { redirect: '/model.tar.bz2' },
    '/bad.tar.bz2': { file: badArchive },
    '/wrong-root.tar.bz2': { file: wrongRoot },
    '/gone': { status: 404 },
    '/no-headers': { stall: 'headers' },
    '/stalls': { stall: 'body' },
  });
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

function recorder(): FetchLog & { lines: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (fields, msg) => void lines.push({ level: 'info', msg, fields }),
    warn: (fields, msg) => void lines.push({ level: 'warn', msg, fields }),
  };
}

async function failure(p: Promise<unknown>): Promise<EarshotError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(EarshotError);
  return err as EarshotError;
}

/** Nothing half-done is left behind: no staging folder, and no model folder unless one was installed. */
async function leftovers(modelsDir: string): Promise<string[]> {
  return existsSync(modelsDir) ? (await readdir(modelsDir)).filter((f) => f.startsWith('.fetch-')) : [];
}

describe('fetchModel over loopback HTTP', () => {
  it('downloads (following a redirect), unpacks, verifies and installs the model', async () => {
    const modelsDir = join(tmp, 'm1');
    const progress = new PassThrough();
    const chunks: Buffer[] = [];
    progress.on('data', (c: Buffer) => chunks.push(c));
    const log = recorder();
    const got = await fetchModel({ modelsDir, name: DEFAULT_MODEL, url: `${server.base}/redirect`, progress, log });
    expect(got.downloaded).toBe(true);
    expect(got.recorded).toEqual([]);
    expect(got.lock).toBeNull();
    expect(got.model.dir).toBe(join(modelsDir, DEFAULT_MODEL));
    expect(got.model.files.tokens).toBe(join(modelsDir, DEFAULT_MODEL, 'tokens.txt'));
    expect(existsSync(join(modelsDir, DEFAULT_MODEL, 'README.md'))).toBe(true);
    expect(await leftovers(modelsDir)).toEqual([]);
    expect(Buffer.concat(chunks).toString()).toMatch(/fetching kws-zh-wenetspeech-3\.3M: [\d.]+ \/ [\d.]+ MB \(100%\)/);
    expect(log.lines.map((l) => l.msg)).toContain('model fetched and verified');

    // The hashes carried over from the staging folder spare the next resolve any reading.
    const before = hashStats();
    await resolveModel(DEFAULT_MODEL, modelsDir);
    expect(hashStats()).toEqual(before);

    const hits = server.hits.length;
    const again = await fetchModel({ modelsDir, name: DEFAULT_MODEL, url: `${server.base}/model.tar.bz2`, progress: null, log });
    expect(again.downloaded).toBe(false);
    expect(server.hits.length).toBe(hits);
  });

  it('replaces a corrupt copy in place with a fresh download', async () => {
    const modelsDir = join(tmp, 'm2');
    await fetchModel({ modelsDir, name: DEFAULT_MODEL, url: `${server.base}/model.tar.bz2`, progress: null, log: recorder() });
    await corruptOneByte(join(modelsDir, DEFAULT_MODEL, 'tokens.txt'));
    const log = recorder();
    const got = await fetchModel({ modelsDir, name: DEFAULT_MODEL, url: `${server.base}/model.tar.bz2`, progress: null, log });
    expect(got.downloaded).toBe(true);
    expect(log.lines[0]?.msg).toMatch(/not valid: fetching the model again/);
    await resolveModel(DEFAULT_MODEL, modelsDir);
    expect(await leftovers(modelsDir)).toEqual([]);
  });

  it('fails fast with EARSHOT_ERR_MODEL_FETCH when nothing listens (offline)', async () => {
    const modelsDir = join(tmp, 'm3');
    const url = `http://127.0.0.1:${await closedPort()}/x.tar.bz2`;
    const started = Date.now();
    const err = await failure(fetchModel({ modelsDir, name: DEFAULT_MODEL, url, progress: null, log: recorder() }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err.code).toBe('EARSHOT_ERR_MODEL_FETCH');
    expect(err.message).toContain(url);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.cause).toBeDefined();
    expect(existsSync(join(modelsDir, DEFAULT_MODEL))).toBe(false);
    expect(await leftovers(modelsDir)).toEqual([]);
  });

  it('reports HTTP errors, silent servers and stalled downloads as EARSHOT_ERR_MODEL_FETCH', async () => {
    const modelsDir = join(tmp, 'm4');
    const opts = { modelsDir, name: DEFAULT_MODEL, progress: null, log: recorder(), connectTimeoutMs: 300, stallTimeoutMs: 300 };
    const gone = await failure(fetchModel({ ...opts, url: `${server.base}/gone` }));
    expect(gone.code).toBe('EARSHOT_ERR_MODEL_FETCH');
    expect(gone.message).toContain('HTTP 404');
    const silent = await failure(fetchModel({ ...opts, url: `${server.base}/no-headers` }));
    expect(silent.message).toContain('no response within 300 ms');
    const stalled = await failure(fetchModel({ ...opts, url: `${server.base}/stalls` }));
    expect(stalled.message).toContain('no data for 300 ms');
    expect(await leftovers(modelsDir)).toEqual([]);
    expect(existsSync(join(modelsDir, DEFAULT_MODEL))).toBe(false);
  });

  it('installs nothing when the archive or its files do not match the manifest', async () => {
    const modelsDir = join(tmp, 'm5');
    const base = { modelsDir, name: DEFAULT_MODEL, progress: null, log: recorder() };
    const manifest = editedManifest((m) => {
      const e = m.models[DEFAULT_MODEL];
      if (e) e.archive.sha256 = '0'.repeat(64);
    });
    const archiveErr = await failure(fetchModel({ ...base, manifest, url: `${server.base}/model.tar.bz2` }));
    expect(archiveErr.code).toBe('EARSHOT_ERR_MODEL_CHECKSUM');
    expect(archiveErr.message).toContain(`archive ${server.base}/model.tar.bz2: expected SHA-256 ${'0'.repeat(64)}`);

    const fileErr = await failure(fetchModel({ ...base, url: `${server.base}/bad.tar.bz2` }));
    expect(fileErr.code).toBe('EARSHOT_ERR_MODEL_CHECKSUM');
    expect(fileErr.message).toContain('tokens.txt: expected SHA-256 ' + TOKENS_SHA);
    expect(fileErr.message).toContain('nothing was installed');

    const rootErr = await failure(fetchModel({ ...base, url: `${server.base}/wrong-root.tar.bz2` }));
    expect(rootErr.code).toBe('EARSHOT_ERR_MODEL_FETCH');
    expect(rootErr.message).toContain(`did not unpack to the folder "${ROOT_FOLDER}" (found: some-other-folder)`);

    expect(existsSync(join(modelsDir, DEFAULT_MODEL))).toBe(false);
    expect(await leftovers(modelsDir)).toEqual([]);
  });

  it('records checksums the manifest lacks (trust on first use), says so, and checks against them later', async () => {
    const modelsDir = join(tmp, 'm6');
    const manifest = editedManifest((m) => {
      const tokens = m.models[DEFAULT_MODEL]?.files.tokens;
      if (tokens) tokens.sha256 = null;
    });
    const log = recorder();
    const got = await fetchModel({ modelsDir, name: DEFAULT_MODEL, manifest, url: `${server.base}/model.tar.bz2`, progress: null, log });
    const dir = join(modelsDir, DEFAULT_MODEL);
    expect(got.recorded).toEqual([{ path: 'tokens.txt', sha256: TOKENS_SHA }]);
    expect(got.lock).toBe(lockPath(dir));
    const lock = JSON.parse(await readFile(lockPath(dir), 'utf8'));
    expect(lock).toMatchObject({ model: DEFAULT_MODEL, source: `${server.base}/model.tar.bz2`, files: { 'tokens.txt': TOKENS_SHA } });
    const warning = log.lines.find((l) => l.level === 'warn');
    expect(warning?.msg).toContain('models/manifest.json has no SHA-256 for this file');
    expect(warning?.fields).toMatchObject({ file: 'tokens.txt', sha256: TOKENS_SHA, lock: lockPath(dir) });

    await resolveModel(DEFAULT_MODEL, modelsDir, { manifest });
    await corruptOneByte(join(dir, 'tokens.txt'));
    const err = await failure(resolveModel(DEFAULT_MODEL, modelsDir, { manifest }));
    expect(err.code).toBe('EARSHOT_ERR_MODEL_CHECKSUM');
    expect(err.message).toContain(lockPath(dir));
  });
});
