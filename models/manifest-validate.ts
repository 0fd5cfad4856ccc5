import { EarshotError } from '../engine/errors.js';
import type { FileRole, ModelEntry, ModelFile, ModelKind, ModelManifest } from './manifest-types.js';

const KINDS: readonly ModelKind[] = ['transducer', 'paraformer', 'ctc'];
const ROLES: readonly FileRole[] = ['encoder', 'decoder', 'joiner', 'model', 'tokens', 'bpeVocab'];
/** The roles each kind cannot run without: a manifest entry lacking one would only fail later, at load. */
const REQUIRED_ROLES: Record<ModelKind, readonly FileRole[]> = {
  transducer: ['encoder', 'decoder', 'joiner', 'tokens'],
  paraformer: ['encoder', 'decoder', 'tokens'],
  ctc: ['model', 'tokens'],
};
/** Model names and archive roots become folder names under the models dir: no separators, no `..`. */
const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

function fail(source: string, where: string, problem: string): never {
  throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `${source}: ${where} ${problem}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(source: string, obj: Json, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '') fail(source, `${where}.${key}`, 'must be a non-empty string');
  return v;
}

function checksum(source: string, v: unknown, where: string): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !SHA256.test(v)) fail(source, where, 'must be 64 lower-case hex digits (SHA-256) or null');
  return v;
}

/** A path inside the model folder: relative, forward slashes, never climbing out. */
function relativePath(source: string, v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') fail(source, where, 'must be a non-empty path');
  const parts = v.split('/');
  if (v.startsWith('/') || v.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    fail(source, where, `must be a plain relative path inside the model folder, got "${v}"`);
  }
  return v;
}

function validateFile(source: string, raw: unknown, where: string): ModelFile {
  if (!isObject(raw)) fail(source, where, 'must be an object { path, sha256 }');
  return { path: relativePath(source, raw.path, `${where}.path`), sha256: checksum(source, raw.sha256, `${where}.sha256`) };
}

function validateEntry(source: string, name: string, raw: unknown): ModelEntry {
  const where = `models["${name}"]`;
  if (!FOLDER_NAME.test(name)) fail(source, where, 'name must be a plain folder name (letters, digits, . _ -)');
  if (!isObject(raw)) fail(source, where, 'must be an object');
  const kind = raw.kind as ModelKind;
  if (!KINDS.includes(kind)) fail(source, `${where}.kind`, `must be one of ${KINDS.join(', ')}`);
  if (raw.output !== 'pinyin' && raw.output !== 'hanzi') fail(source, `${where}.output`, 'must be "pinyin" or "hanzi"');
  const sizeBytes = raw.sizeBytes;
  if (sizeBytes !== undefined && (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes <= 0)) {
    fail(source, `${where}.sizeBytes`, 'must be a positive integer when present');
  }
  if (raw.keywordSpotting !== undefined && typeof raw.keywordSpotting !== 'boolean') fail(source, `${where}.keywordSpotting`, 'must be a boolean');

  const archive = raw.archive;
  if (!isObject(archive)) fail(source, `${where}.archive`, 'must be an object { url, sha256, root }');
  const url = str(source, archive, 'url', `${where}.archive`);
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) fail(source, `${where}.archive.url`, `must be an http(s) URL, got "${url}"`);
  const root = str(source, archive, 'root', `${where}.archive`);
  if (!FOLDER_NAME.test(root)) fail(source, `${where}.archive.root`, 'must be a plain folder name');

  const rawFiles = raw.files;
  if (!isObject(rawFiles)) fail(source, `${where}.files`, 'must be an object keyed by role');
  const files: Partial<Record<FileRole, ModelFile>> = {};
  for (const [role, file] of Object.entries(rawFiles)) {
    if (!ROLES.includes(role as FileRole)) fail(source, `${where}.files.${role}`, `is not a role (${ROLES.join(', ')})`);
    files[role as FileRole] = validateFile(source, file, `${where}.files.${role}`);
  }
  for (const role of REQUIRED_ROLES[kind]) {
    if (!files[role]) fail(source, `${where}.files`, `lacks "${role}", which a ${kind} model needs`);
  }

  const entry: ModelEntry = {
    kind,
    output: raw.output,
    description: str(source, raw, 'description', where),
    license: str(source, raw, 'license', where),
    archive: { url, sha256: checksum(source, archive.sha256, `${where}.archive.sha256`), root },
    files,
  };
  if (sizeBytes !== undefined) entry.sizeBytes = sizeBytes as number;
  if (raw.keywordSpotting !== undefined) entry.keywordSpotting = raw.keywordSpotting as boolean;
  return entry;
}

/** Check parsed JSON against the manifest's shape; `source` names it in errors. Throws EARSHOT_ERR_CONFIG_INVALID. */
export function validateManifest(raw: unknown, source = 'models/manifest.json'): ModelManifest {
  if (!isObject(raw)) fail(source, 'the manifest', 'must be a JSON object');
  if (!isObject(raw.models)) fail(source, 'models', 'must be an object keyed by model name');
  const models: Record<string, ModelEntry> = {};
  for (const [name, entry] of Object.entries(raw.models)) models[name] = validateEntry(source, name, entry);
  const def = str(source, raw, 'default', 'manifest');
  if (!models[def]) fail(source, 'default', `names "${def}", which is not in models`);
  return { default: def, models };
}
