import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarshotError } from '../engine/errors.js';
import { loadManifest } from './manifest.js';
import { ensureDefaultModel } from './startup.js';
import { buildArchive, closedPort, copyDefaultModel, corruptOneByte, DEFAULT_MODEL, serve, SHARED_MODELS, tempDir, type LoopbackServer } from './test-support.js';

interface Line {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function capture() {
  const lines: Line[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  return { log, lines, warnings: () => lines.filter((l) => l.level === 40) };
}

let tmp: string;
let server: LoopbackServer;
beforeAll(async () => {
  tmp = await tempDir('startup');
  const archive = await buildArchive(join(tmp, 'archive'), loadManifest().models[DEFAULT_MODEL]?.archive.root ?? '');
  server = await serve({ '/model.tar.bz2': { file: archive } });
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('ensureDefaultModel', () => {
  it('uses the model present in the models dir, verified, without fetching', async () => {
    const { log, lines } = capture();
    const model = await ensureDefaultModel({ modelsDir: SHARED_MODELS, name: DEFAULT_MODEL, log, allowFetch: true, url: 'http://127.0.0.1:1/never.tar.bz2' });
    expect(model?.dir).toBe(join(SHARED_MODELS, DEFAULT_MODEL));
    expect(lines.map((l) => l.msg)).toEqual(['speech model verified']);
  });

  it("runs text + VAD mode on purpose for model 'none'", async () => {
    const { log, lines } = capture();
    expect(await ensureDefaultModel({ modelsDir: SHARED_MODELS, name: 'none', log, allowFetch: true })).toBeNull();
    expect(lines[0]?.msg).toContain('text + VAD mode');
  });

  it('fetches an absent model, saying so first', async () => {
    const modelsDir = join(tmp, 'fresh');
    const { log, lines } = capture();
    const model = await ensureDefaultModel({ modelsDir, name: DEFAULT_MODEL, log, allowFetch: true, url: `${server.base}/model.tar.bz2`, progress: null });
    expect(model?.files.encoder).toBe(join(modelsDir, DEFAULT_MODEL, 'encoder-epoch-12-avg-2-chunk-16-left-64.int8.onnx'));
    expect(lines[0]).toMatchObject({ level: 40, msg: 'speech model absent: fetching it now (first start)', model: DEFAULT_MODEL });
    expect(lines.map((l) => l.msg)).toContain('model fetched and verified');
  });

  it('starts in text + VAD mode with a clear warning when the model cannot be fetched', async () => {
    const modelsDir = join(tmp, 'offline');
    const { log, warnings } = capture();
    const model = await ensureDefaultModel({ modelsDir, name: DEFAULT_MODEL, log, allowFetch: true, url: `http://127.0.0.1:${await closedPort()}/x.tar.bz2`, progress: null });
    expect(model).toBeNull();
    const last = warnings().at(-1);
    expect(last?.msg).toContain('could not fetch the speech model; Earshot runs in text + VAD mode');
    expect(last).toMatchObject({ code: 'EARSHOT_ERR_MODEL_FETCH', model: DEFAULT_MODEL, fix: `npm run models -- fetch ${DEFAULT_MODEL}, then restart` });
    expect(String(last?.reason)).toContain('ECONNREFUSED');
    expect(existsSync(join(modelsDir, DEFAULT_MODEL))).toBe(false);
  });

  it('does not fetch when fetching is off, and says text + VAD mode', async () => {
    const { log, warnings } = capture();
    const model = await ensureDefaultModel({ modelsDir: join(tmp, 'nofetch'), name: DEFAULT_MODEL, log, allowFetch: false, url: `${server.base}/model.tar.bz2` });
    expect(model).toBeNull();
    expect(warnings()[0]?.msg).toContain('fetching is off; Earshot runs in text + VAD mode');
    expect(existsSync(join(tmp, 'nofetch', DEFAULT_MODEL))).toBe(false);
  });

  it('throws on a present but corrupt model instead of ignoring it', async () => {
    const modelsDir = join(tmp, 'corrupt');
    await copyDefaultModel(join(modelsDir, DEFAULT_MODEL));
    await corruptOneByte(join(modelsDir, DEFAULT_MODEL, 'decoder-epoch-12-avg-2-chunk-16-left-64.onnx'));
    const { log } = capture();
    const err = await ensureDefaultModel({ modelsDir, name: DEFAULT_MODEL, log, allowFetch: true, url: `${server.base}/model.tar.bz2` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EarshotError);
    expect((err as EarshotError).code).toBe('EARSHOT_ERR_MODEL_CHECKSUM');
    expect((err as EarshotError).message).toContain('decoder-epoch-12-avg-2-chunk-16-left-64.onnx: expected SHA-256 fb581d6734511676e246e0dff2fea01b31b0913176cb3ca64576dbab0a177774');
  });

  it('throws on an unknown model name', async () => {
    const { log } = capture();
    const err = await ensureDefaultModel({ modelsDir: SHARED_MODELS, name: 'nope', log, allowFetch: true }).catch((e: unknown) => e);
    expect((err as EarshotError).code).toBe('EARSHOT_ERR_MODEL_UNKNOWN');
  });
});
