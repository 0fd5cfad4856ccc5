/**
 * The labelled rule-evaluation set (test/rules-eval/*.yaml, documented in test/rules-eval/README.md): loading
 * and validation. Every problem is reported with its file and dialogue id; nothing here knows what the engine
 * does with a dialogue.
 */
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { CALL_END_REASONS, type EndReason } from '../../engine/events.js';
import { RULE_KINDS, type Rule, type RuleKind } from '../../engine/detect/rule.js';
import { isObject } from '../../engine/field-checker.js';
import { readYamlSet } from './yaml-set.js';

export interface EvalTurn {
  startMs: number;
  endMs: number;
  channel: 'agent' | 'customer';
  text: string;
}

export interface EvalDialogue {
  id: string;
  kind: RuleKind;
  note: string;
  /** The call's end (ms); defaults to the last turn's end + DEFAULT_TAIL_MS. */
  endMs: number;
  endReason: EndReason;
  turns: EvalTurn[];
  /** Rule ids (of `kind`) a QA inspector judges violated; empty: clean. */
  expect: string[];
  /** The file it came from, relative to the repository root. */
  file: string;
}

/** A call ends this long after its last turn unless the dialogue sets `endMs`. */
export const DEFAULT_TAIL_MS = 1000;
const FIELDS = new Set(['id', 'kind', 'note', 'endMs', 'endReason', 'turns', 'expect']);
const CHANNELS = new Set(['agent', 'customer']);

export class EvalSetError extends Error {
  constructor(readonly problems: string[]) {
    super(`rules evaluation set: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  }
}



/**
 * Every `.yaml`/`.yml` file of `dir` (sorted), each holding `dialogues:`, a list. `rules` is the loaded pack:
 * a dialogue's kind must have rules in it and `expect` may only name rules of that kind. Throws EvalSetError
 * listing every problem found.
 */
export function loadEvalSet(dir: string, rules: readonly Rule[], root: string): EvalDialogue[] {
  const problems: string[] = [];
  const out: EvalDialogue[] = [];
  const kindOf = new Map(rules.map((r) => [r.id, r.kind]));
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort();
  if (files.length === 0) problems.push(`${relative(root, dir)}: no .yaml files`);
  for (const it of readYamlSet(dir, root, files, 'dialogues', 'dialogue', problems)) {
    const d = parseDialogue(it.raw, it.bad, kindOf, it.file);
    if (d) out.push(d);
  }
  if (problems.length > 0) throw new EvalSetError(problems);
  return out;
}

function parseDialogue(raw: unknown, bad: (msg: string) => void, kindOf: ReadonlyMap<string, RuleKind>, file: string): EvalDialogue | null {
  if (!isObject(raw)) {
    bad('must be a mapping (id, kind, note, turns, expect)');
    return null;
  }
  let ok = true;
  const fail = (msg: string): void => {
    ok = false;
    bad(msg);
  };
  for (const k of Object.keys(raw)) if (!FIELDS.has(k)) fail(`unknown field "${k}" (allowed: ${[...FIELDS].join(', ')})`);
  const { id, kind, note, endMs, endReason, turns, expect } = raw;
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(id)) fail('id: a lower-case identifier (letters, digits, -) is required');
  if (typeof kind !== 'string' || !(RULE_KINDS as readonly string[]).includes(kind)) fail(`kind: one of ${RULE_KINDS.join(', ')} is required`);
  else if (![...kindOf.values()].includes(kind as RuleKind)) fail(`kind: the rule pack has no rule of kind "${kind}"`);
  if (typeof note !== 'string' || note.trim() === '') fail('note: say what the dialogue tests');
  if (endReason !== undefined && (typeof endReason !== 'string' || !(CALL_END_REASONS as readonly string[]).includes(endReason))) {
    fail(`endReason: one of ${CALL_END_REASONS.join(', ')}`);
  }
  const parsedTurns: EvalTurn[] = [];
  if (!Array.isArray(turns) || turns.length === 0) fail('turns: a non-empty list of [startSeconds, endSeconds, agent|customer, text]');
  else {
    turns.forEach((t: unknown, i: number) => {
      const at = `turns[${i}]`;
      if (!Array.isArray(t) || t.length !== 4) return fail(`${at}: must be [startSeconds, endSeconds, agent|customer, text]`);
      const [s, e, ch, text] = t as unknown[];
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) return fail(`${at}: start must be a number of seconds ≥ 0`);
      if (typeof e !== 'number' || !Number.isFinite(e) || e <= s) return fail(`${at}: end must be a number of seconds after its start`);
      if (typeof ch !== 'string' || !CHANNELS.has(ch)) return fail(`${at}: channel must be agent or customer`);
      if (typeof text !== 'string' || text.trim() === '') return fail(`${at}: text must be a non-empty string (quote digits-only text)`);
      parsedTurns.push({ startMs: Math.round(s * 1000), endMs: Math.round(e * 1000), channel: ch as EvalTurn['channel'], text });
    });
  }
  const lastEnd = parsedTurns.reduce((m, t) => Math.max(m, t.endMs), 0);
  if (endMs !== undefined && (typeof endMs !== 'number' || !Number.isInteger(endMs) || endMs < lastEnd)) {
    fail(`endMs: an integer number of milliseconds, not before the last turn's end (${lastEnd})`);
  }
  const expected: string[] = [];
  if (!Array.isArray(expect)) fail('expect: a list of rule ids (empty list: clean)');
  else {
    for (const r of expect as unknown[]) {
      if (typeof r !== 'string') {
        fail('expect: rule ids must be strings');
        continue;
      }
      const rk = kindOf.get(r);
      if (rk === undefined) fail(`expect: "${r}" is not a rule of the pack`);
      else if (typeof kind === 'string' && rk !== kind) fail(`expect: "${r}" is a ${rk} rule, not ${kind}`);
      else if (expected.includes(r)) fail(`expect: "${r}" listed twice`);
      else expected.push(r);
    }
  }
  if (!ok) return null;
  return {
    id: id as string,
    kind: kind as RuleKind,
    note: note as string,
    endMs: (endMs as number | undefined) ?? lastEnd + DEFAULT_TAIL_MS,
    endReason: (endReason as EndReason | undefined) ?? 'stop',
    turns: parsedTurns,
    expect: expected,
    file,
  };
}
