import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, copyDefaultModel, corruptOneByte, DEFAULT_MODEL, ROOT, SHARED_MODELS, tempDir } from './test-support.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON summary on the last line of stdout. */
  summary: Record<string, any>;
}

/** `npm run models -- ARGS`, as tsx runs it, in a child process. */
function models(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'models/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr, summary: JSON.parse(last) as Record<string, any> });
    });
  });
}

let tmp: string;
beforeAll(async () => {
  tmp = await tempDir('cli');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('npm run models', () => {
  it('lists the models, marking the default and what is present', async () => {
    const run = await models(['list'], { EARSHOT_MODELS_DIR: SHARED_MODELS });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${DEFAULT_MODEL} (default)`);
    const def = run.summary.models.find((m: { name: string }) => m.name === DEFAULT_MODEL);
    expect(def).toMatchObject({ kind: 'transducer', output: 'pinyin', present: true, default: true });
    expect(run.summary.models.filter((m: { output: string }) => m.output === 'hanzi').length).toBeGreaterThanOrEqual(4);
  });

  it('verifies every model present', async () => {
    const run = await models(['verify'], { EARSHOT_MODELS_DIR: SHARED_MODELS });
    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({ verified: [DEFAULT_MODEL], failed: [] });
  });

  it('fails verify on a corrupt copy, with the code, file and expected checksum on stderr', async () => {
    const modelsDir = join(tmp, 'corrupt');
    await copyDefaultModel(join(modelsDir, DEFAULT_MODEL));
    await corruptOneByte(join(modelsDir, DEFAULT_MODEL, 'tokens.txt'));
    const run = await models(['verify', DEFAULT_MODEL, '--models-dir', modelsDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('EARSHOT_ERR_MODEL_CHECKSUM');
    expect(run.stderr).toContain('tokens.txt: expected SHA-256 72316508d9119696145abc6f1f8cdc46287535c34e5ce7e595f845cb1499cf2e');
    expect(run.summary).toMatchObject({ verified: [], failed: [{ name: DEFAULT_MODEL, code: 'EARSHOT_ERR_MODEL_CHECKSUM' }] });
  });

  it('fails fetch when offline, exit code 1 and EARSHOT_ERR_MODEL_FETCH', async () => {
    const run = await models(['fetch', '--models-dir', join(tmp, 'offline'), '--url', `http://127.0.0.1:${await closedPort()}/x.tar.bz2`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('EARSHOT_ERR_MODEL_FETCH');
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.summary).toMatchObject({ fetched: null, failed: [{ name: DEFAULT_MODEL, code: 'EARSHOT_ERR_MODEL_FETCH' }] });
  });
});
