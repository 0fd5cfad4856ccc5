import { execFileSync } from 'node:child_process';
import { readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarshotError } from '../engine/errors.js';
import { hashStats, lockPath, readLock } from './checksums.js';
import { loadManifest, resolveModel, verifyModelDir } from './manifest.js';
import { validateManifest } from './manifest-validate.js';
import { copyDefaultModel, corruptOneByte, DEFAULT_MODEL, editedManifest, ROOT, SHARED_MODELS, tempDir } from './test-support.js';

const TOKENS_SHA = '72316508d9119696145abc6f1f8cdc46287535c34e5ce7e595f845cb1499cf2e';
const JOINER_SHA = 'f79760052b87239e325f0567c752ad3130b30d92effb847d4307743c20c59a24';

async function codeOf(p: Promise<unknown>): Promise<EarshotError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EarshotError);
  return err as EarshotError;
}

let tmp: string;
beforeAll(async () => {
  tmp = await tempDir('models');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the shipped manifest', () => {
  it('names the default pinyin model and hanzi models, all from official k2-fsa releases', () => {
    const m = loadManifest();
    expect(m.default).toBe(DEFAULT_MODEL);
    expect(m.models[DEFAULT_MODEL]?.output).toBe('pinyin');
    expect(Object.values(m.models).filter((e) => e.output === 'hanzi').length).toBeGreaterThanOrEqual(4);
    for (const entry of Object.values(m.models)) {
      expect(entry.archive.url).toMatch(/^https:\/\/github\.com\/k2-fsa\/sherpa-onnx\/releases\/download\/(kws|asr)-models\/[^/]+\.tar\.bz2$/);
    }
    // The default model is the one every checksum is known for.
    for (const file of Object.values(m.models[DEFAULT_MODEL]?.files ?? {})) expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps downloaded model folders out of git', () => {
    const out = execFileSync('git', ['check-ignore', 'models/kws-zh-wenetspeech-3.3M/tokens.txt', 'models/.fetch-x-1/archive.tar.bz2'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(2);
    expect(() => execFileSync('git', ['check-ignore', '-q', 'models/manifest.json'], { cwd: ROOT })).toThrow();
  });

  it('rejects malformed manifests with the place and the problem', () => {
    const base = JSON.parse(JSON.stringify(loadManifest())) as Record<string, any>;
    const bad = (edit: (m: Record<string, any>) => void) => {
      const m = JSON.parse(JSON.stringify(base));
      edit(m);
      return () => validateManifest(m, 'test.json');
    };
    expect(bad((m) => (m.models[DEFAULT_MODEL].files.tokens.sha256 = 'ABC'))).toThrow(/test\.json: models\["kws-zh-wenetspeech-3\.3M"\]\.files\.tokens\.sha256 must be 64 lower-case hex/);
    expect(bad((m) => (m.models[DEFAULT_MODEL].files.tokens.path = '../../etc/passwd'))).toThrow(/plain relative path/);
    expect(bad((m) => delete m.models[DEFAULT_MODEL].files.joiner)).toThrow(/lacks "joiner", which a transducer model needs/);
    expect(bad((m) => (m.default = 'nope'))).toThrow(/default names "nope"/);
    expect(bad((m) => (m.models['../up'] = m.models[DEFAULT_MODEL]))).toThrow(/plain folder name/);
    expect(bad((m) => (m.models[DEFAULT_MODEL].archive.url = 'ftp://x'))).toThrow(/http\(s\) URL/);
    try {
      bad((m) => (m.models[DEFAULT_MODEL].kind = 'rnn'))();
    } catch (err) {
      expect((err as EarshotError).code).toBe('EARSHOT_ERR_CONFIG_INVALID');
    }
  });
});

describe('resolveModel', () => {
  it('resolves the real default model in the shared models folder, every file verified', async () => {
    const model = await resolveModel(DEFAULT_MODEL, SHARED_MODELS);
    expect(model.dir).toBe(join(SHARED_MODELS, DEFAULT_MODEL));
    expect(model.entry.kind).toBe('transducer');
    expect(Object.keys(model.files).sort()).toEqual(['decoder', 'encoder', 'joiner', 'tokens']);
    expect(model.files.tokens).toBe(join(SHARED_MODELS, DEFAULT_MODEL, 'tokens.txt'));
  });

  it('hashes each file once per process while its size and mtime are unchanged', async () => {
    await resolveModel(DEFAULT_MODEL, SHARED_MODELS);
    const before = hashStats();
    await resolveModel(DEFAULT_MODEL, SHARED_MODELS);
    expect(hashStats()).toEqual(before);
  });

  it('names the corrupt file, the expected and the actual checksum', async () => {
    const dir = await copyDefaultModel(join(tmp, 'corrupt', DEFAULT_MODEL));
    await resolveModel(DEFAULT_MODEL, join(tmp, 'corrupt')); // valid, and now cached
    await corruptOneByte(join(dir, 'tokens.txt'));
    const err = await codeOf(resolveModel(DEFAULT_MODEL, join(tmp, 'corrupt')));
    expect(err.code).toBe('EARSHOT_ERR_MODEL_CHECKSUM');
    expect(err.message).toContain(join(dir, 'tokens.txt'));
    expect(err.message).toContain(`expected SHA-256 ${TOKENS_SHA} (from models/manifest.json), got `);
    expect(err.message).toMatch(/got [0-9a-f]{64}/);
    expect(err.message).not.toContain(`got ${TOKENS_SHA}`);
  });

  it('names a missing file and its expected checksum', async () => {
    const dir = await copyDefaultModel(join(tmp, 'missing', DEFAULT_MODEL));
    await unlink(join(dir, 'joiner-epoch-12-avg-2-chunk-16-left-64.int8.onnx'));
    const err = await codeOf(resolveModel(DEFAULT_MODEL, join(tmp, 'missing')));
    expect(err.code).toBe('EARSHOT_ERR_MODEL_MISSING');
    expect(err.message).toContain(join(dir, 'joiner-epoch-12-avg-2-chunk-16-left-64.int8.onnx'));
    expect(err.message).toContain(JOINER_SHA);
    expect(err.message).toContain('npm run models -- fetch kws-zh-wenetspeech-3.3M');
  });

  it('says when the model folder itself is absent', async () => {
    const err = await codeOf(resolveModel(DEFAULT_MODEL, join(tmp, 'empty')));
    expect(err.code).toBe('EARSHOT_ERR_MODEL_MISSING');
    expect(err.message).toContain(join(tmp, 'empty', DEFAULT_MODEL));
  });

  it('refuses an unknown model name, listing the known ones', async () => {
    const err = await codeOf(resolveModel('whisper-large', SHARED_MODELS));
    expect(err.code).toBe('EARSHOT_ERR_MODEL_UNKNOWN');
    expect(err.message).toContain('whisper-large');
    expect(err.message).toContain(DEFAULT_MODEL);
  });
});

describe('files the manifest has no checksum for', () => {
  const manifest = editedManifest((m) => {
    const tokens = m.models[DEFAULT_MODEL]?.files.tokens;
    if (tokens) tokens.sha256 = null;
  });

  it('are refused until a checksum is recorded, then checked against the lock', async () => {
    const modelsDir = join(tmp, 'tofu');
    const dir = await copyDefaultModel(join(modelsDir, DEFAULT_MODEL));
    const refused = await codeOf(resolveModel(DEFAULT_MODEL, modelsDir, { manifest }));
    expect(refused.code).toBe('EARSHOT_ERR_MODEL_CHECKSUM');
    expect(refused.message).toContain('no SHA-256 to check it against');
    expect(refused.message).toContain(join(dir, 'tokens.txt'));

    const trusted = await verifyModelDir(DEFAULT_MODEL, dir, { manifest, recordUnknownFrom: 'verify --trust' });
    expect(trusted.recorded).toEqual([{ path: 'tokens.txt', sha256: TOKENS_SHA }]);
    expect(trusted.lock).toBe(lockPath(dir));
    expect((await readLock(dir))?.files).toEqual({ 'tokens.txt': TOKENS_SHA });
    expect(JSON.parse(await readFile(lockPath(dir), 'utf8')).source).toBe('verify --trust');

    await resolveModel(DEFAULT_MODEL, modelsDir, { manifest });
    await corruptOneByte(join(dir, 'tokens.txt'));
    const err = await codeOf(resolveModel(DEFAULT_MODEL, modelsDir, { manifest }));
    expect(err.code).toBe('EARSHOT_ERR_MODEL_CHECKSUM');
    expect(err.message).toContain(`expected SHA-256 ${TOKENS_SHA} (from ${lockPath(dir)}`);
  });
});
