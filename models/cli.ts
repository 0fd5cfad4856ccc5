import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EarshotError } from '../engine/errors.js';
import { packageRoot } from '../engine/paths.js';
import { describeError } from './download.js';
import { fetchModel, stderrLog } from './fetch.js';
import { loadManifest, modelDir, modelEntry, verifyModelDir } from './manifest.js';

const USAGE = `Usage: npm run models -- <command> [options]

Commands:
  list             the models in models/manifest.json, and which are in the models dir
  fetch [NAME]     download NAME from its official release, unpack and verify it (default: the default model)
  verify [NAME]    check NAME's files, or those of every model present, against their SHA-256

Options:
  --models-dir DIR folder of model folders (default: $EARSHOT_MODELS_DIR, else models/ in the repository)
  --force          fetch: download even when a valid copy is in place
  --url URL        fetch: download from URL (a mirror) instead of the official release
  --trust          verify: record the SHA-256 of files the manifest has none for, as they are now
`;

interface Failure {
  name: string;
  code: string;
  message: string;
}

function failure(name: string, err: unknown): Failure {
  const code = err instanceof EarshotError ? err.code : 'EARSHOT_ERR_INTERNAL';
  const message = err instanceof EarshotError ? err.message : describeError(err);
  process.stderr.write(`models: ${name}: ${code}: ${message}\n`);
  return { name, code, message };
}

/** The summary every command ends with: one JSON object on the last line of stdout, for scripts. */
function summary(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/** A command line that cannot be run: usage on stderr, exit code 2, and still the JSON line for scripts. */
function usageError(message: string): number {
  process.stderr.write(`models: EARSHOT_ERR_CONFIG_INVALID: ${message}\n\n${USAGE}`);
  summary({ failed: [{ name: null, code: 'EARSHOT_ERR_CONFIG_INVALID', message }] });
  return 2;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

async function list(modelsDir: string): Promise<number> {
  const manifest = loadManifest();
  const rows = [];
  for (const [name, entry] of Object.entries(manifest.models)) {
    rows.push({ name, kind: entry.kind, output: entry.output, sizeBytes: entry.sizeBytes ?? null, present: await isDir(modelDir(modelsDir, name)), default: name === manifest.default });
  }
  const width = Math.max(...rows.map((r) => r.name.length + (r.default ? 10 : 0)));
  process.stdout.write(`Models dir: ${modelsDir}\n\n${'NAME'.padEnd(width)}  KIND        OUTPUT  SIZE       STATE\n`);
  for (const r of rows) {
    const size = r.sizeBytes === null ? '?' : `~${(r.sizeBytes / 1e6).toFixed(1)} MB`;
    const label = r.default ? `${r.name} (default)` : r.name;
    process.stdout.write(`${label.padEnd(width)}  ${r.kind.padEnd(10)}  ${r.output.padEnd(6)}  ${size.padEnd(9)}  ${r.present ? 'present' : 'absent'}\n`);
  }
  summary({ modelsDir, default: manifest.default, models: rows });
  return 0;
}

async function fetchCommand(modelsDir: string, name: string, force: boolean, url: string | undefined): Promise<number> {
  try {
    const got = await fetchModel({ modelsDir, name, force, log: stderrLog, ...(url ? { url } : {}) });
    process.stdout.write(got.downloaded ? `fetched ${name} into ${got.model.dir}\n` : `${name} is already in ${got.model.dir} and valid (--force downloads it again)\n`);
    summary({ fetched: name, downloaded: got.downloaded, dir: got.model.dir, files: got.model.files, recorded: got.recorded, lock: got.lock, failed: [] });
    return 0;
  } catch (err) {
    summary({ fetched: null, failed: [failure(name, err)] });
    return 1;
  }
}

async function verify(modelsDir: string, only: string | undefined, trust: boolean): Promise<number> {
  const manifest = loadManifest();
  const names = only ? [only] : [];
  if (!only) for (const name of Object.keys(manifest.models)) if (await isDir(modelDir(modelsDir, name))) names.push(name);
  if (names.length === 0) process.stderr.write(`models: no model of models/manifest.json is present in ${modelsDir}\n`);
  const verified: string[] = [];
  const failed: Failure[] = [];
  const recorded: { name: string; path: string; sha256: string }[] = [];
  for (const name of names) {
    try {
      const v = await verifyModelDir(name, modelDir(modelsDir, name), trust ? { manifest, recordUnknownFrom: 'verify --trust' } : { manifest });
      for (const r of v.recorded) {
        stderrLog.warn({ model: name, file: r.path, sha256: r.sha256, lock: v.lock }, 'models/manifest.json has no SHA-256 for this file: recorded it as it is now (--trust); later checks compare against it');
        recorded.push({ name, ...r });
      }
      process.stdout.write(`ok    ${name}: ${Object.keys(v.model.files).length} files verified in ${v.model.dir}\n`);
      verified.push(name);
    } catch (err) {
      process.stdout.write(`FAIL  ${name}\n`);
      failed.push(failure(name, err));
    }
  }
  summary({ modelsDir, verified, failed, recorded });
  return failed.length > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'models-dir': { type: 'string' }, force: { type: 'boolean' }, trust: { type: 'boolean' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, name, ...extra] = positionals;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!command) return usageError('no command given');
  if (!['list', 'fetch', 'verify'].includes(command)) return usageError(`unknown command "${command}"`);
  if (extra.length > 0 || (command === 'list' && name)) {
    return usageError(`unexpected arguments: ${(command === 'list' ? [name, ...extra] : extra).join(' ')}`);
  }
  const modelsDir = resolve(values['models-dir'] || process.env.EARSHOT_MODELS_DIR || join(packageRoot(import.meta.url), 'models'));
  const manifest = loadManifest();
  if (name && command !== 'list') {
    try {
      modelEntry(manifest, name);
    } catch (err) {
      summary({ failed: [failure(name, err)] });
      return 1;
    }
  }
  switch (command) {
    case 'list':
      return list(modelsDir);
    case 'fetch':
      return fetchCommand(modelsDir, name ?? manifest.default, values.force === true, values.url);
    default:
      return verify(modelsDir, name, values.trust === true);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = err instanceof EarshotError ? err.code : 'EARSHOT_ERR_INTERNAL';
    process.stderr.write(`models: ${code}: ${err instanceof EarshotError ? err.message : ((err as Error)?.stack ?? String(err))}\n`);
    summary({ failed: [{ name: null, code, message: describeError(err) }] });
    process.exitCode = 1;
  },
);
