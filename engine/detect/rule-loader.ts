/**
 * Rules folder → validated rules. Every `.yaml`, `.yml` and `.json` file (subfolders included, sorted by
 * path) holds `rules:`, a list of rules (a JSON file may also be the bare list). Errors name the file, the
 * rule's line (YAML), its id and the field.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { LoadedRule, RuleError, RuleSet } from './rule.js';
import { validateRuleSet, type SourcedRule } from './rule-validate.js';

const EXTENSIONS = /\.(ya?ml|json)$/i;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface RulesLoad {
  set: RuleSet;
  errors: RuleError[];
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(path));
    else if (e.isFile() && EXTENSIONS.test(e.name)) out.push(path);
  }
  return out;
}

/** The rules of one file's text, each with its line; a file-level problem is returned as an error. */
export function parseRulesFile(text: string, file: string): { items: SourcedRule[]; errors: RuleError[] } {
  const fail = (reason: string, line?: number): { items: SourcedRule[]; errors: RuleError[] } => ({
    items: [],
    errors: [{ code: 'EARSHOT_ERR_RULE_INVALID', file, ...(line !== undefined ? { line } : {}), field: '(file)', reason }],
  });
  if (/\.json$/i.test(file)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      return fail(`is not valid JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray(data) ? data : typeof data === 'object' && data !== null ? (data as { rules?: unknown }).rules : undefined;
    if (!Array.isArray(list)) return fail('must hold "rules": a list of rules');
    return { items: list.map((raw) => ({ raw, file })), errors: [] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return fail(`is not valid YAML: ${e.message.split('\n')[0]}`, e.linePos?.[0]?.line);
  }
  const rulesNode = isMap(doc.contents) ? doc.contents.get('rules', true) : doc.contents;
  if (!isSeq(rulesNode)) return fail('must hold "rules:", a list of rules');
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const list = (Array.isArray(data) ? data : (data as { rules: unknown[] }).rules) as unknown[];
  return {
    items: list.map((raw, i) => {
      const node = rulesNode.items[i] as { range?: [number, number, number] } | undefined;
      const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
      return { raw, file, ...(line !== undefined ? { line } : {}) };
    }),
    errors: [],
  };
}

export function loadRules(dir: string, now: () => number = Date.now): RulesLoad {
  const errors: RuleError[] = [];
  let paths: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    paths = files(dir);
  } catch (err) {
    return { set: emptySet(now()), errors: [{ code: 'EARSHOT_ERR_RULES_NOT_FOUND', file: dir, reason: `cannot read the rules folder: ${(err as Error).message}` }] };
  }
  const items: SourcedRule[] = [];
  for (const path of paths) {
    const file = relative(dir, path);
    let text: string;
    try {
      if (statSync(path).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      text = readFileSync(path, 'utf8');
    } catch (err) {
      errors.push({ code: 'EARSHOT_ERR_RULE_INVALID', file, field: '(file)', reason: `cannot be read: ${(err as Error).message}` });
      continue;
    }
    const parsed = parseRulesFile(text, file);
    items.push(...parsed.items);
    errors.push(...parsed.errors);
  }
  const valid = validateRuleSet(items);
  errors.push(...valid.errors);
  const rules: LoadedRule[] = valid.rules.map((r) => ({ rule: r.rule, file: r.file, ...(r.line !== undefined ? { line: r.line } : {}) }));
  return { set: { version: ruleSetVersion(rules), rules, loadedAt: now() }, errors };
}

/** Content hash of the rules (by id): the same rules give the same version whatever their files. */
export function ruleSetVersion(rules: readonly LoadedRule[]): string {
  const canonical = JSON.stringify([...rules].map((r) => r.rule).sort((a, b) => a.id.localeCompare(b.id)), (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

function emptySet(loadedAt: number): RuleSet {
  return { version: ruleSetVersion([]), rules: [], loadedAt };
}
