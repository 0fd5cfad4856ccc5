import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { isObject } from '../../engine/field-checker.js';

export interface YamlSetItem {
  raw: unknown;
  /** The file, relative to the repository root. */
  file: string;
  line?: number;
  /** Records a problem of this item, named by file, line and id. */
  bad(msg: string): void;
}

/**
 * The items of a labelled evaluation set: every `files` entry of `dir` holds `<key>:`, a list of items with
 * unique `id`s. YAML errors, a missing list and duplicate ids go to `problems` (named by file and line); each
 * item comes back with its line and a `bad` that reports against it.
 */
export function readYamlSet(dir: string, root: string, files: readonly string[], key: string, noun: string, problems: string[]): YamlSetItem[] {
  const out: YamlSetItem[] = [];
  const seen = new Map<string, string>();
  for (const name of files) {
    const path = join(dir, name);
    const file = relative(root, path);
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true, prettyErrors: true, lineCounter: lines });
    if (doc.errors.length > 0) {
      const reported = new Set<string>();
      for (const e of doc.errors) {
        const msg = `${file}:${e.linePos?.[0]?.line ?? '?'}: not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
        if (!reported.has(msg)) problems.push(msg);
        reported.add(msg);
      }
      continue;
    }
    const listNode = isMap(doc.contents) ? doc.contents.get(key, true) : undefined;
    const data = doc.toJS() as unknown;
    const list = isObject(data) ? data[key] : undefined;
    if (!Array.isArray(list) || !isSeq(listNode)) {
      problems.push(`${file}: must hold "${key}:", a list of ${key}`);
      continue;
    }
    list.forEach((raw: unknown, i: number) => {
      const range = (listNode.items[i] as { range?: [number, number, number] } | undefined)?.range;
      const line = range ? lines.linePos(range[0]).line : undefined;
      const at = `${file}${line !== undefined ? `:${line}` : ''}`;
      const where = isObject(raw) && typeof raw.id === 'string' && raw.id !== '' ? `${noun} "${raw.id}"` : `${noun} #${i + 1}`;
      const bad = (msg: string): void => void problems.push(`${at}: ${where}: ${msg}`);
      if (isObject(raw) && typeof raw.id === 'string' && raw.id !== '') {
        const dup = seen.get(raw.id);
        if (dup !== undefined) bad(`id already used in ${dup}`);
        else seen.set(raw.id, at);
      }
      out.push({ raw, file, ...(line !== undefined ? { line } : {}), bad });
    });
  }
  return out;
}
