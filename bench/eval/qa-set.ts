/**
 * The labelled QA-evaluation set (test/qa-eval/*.yaml, documented in test/qa-eval/README.md): loading and
 * validation against the scorecard it is labelled for. Every problem is reported with its file, line and call
 * id; nothing here knows what the engine does with a call.
 */
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { CALL_END_REASONS, type EndReason } from '../../engine/events.js';
import type { Scorecard, ScorecardItem } from '../../engine/qa/scorecard.js';
import { isObject } from '../../engine/field-checker.js';
import { readYamlSet } from './yaml-set.js';

export interface QaTurn {
  startMs: number;
  endMs: number;
  channel: 'agent' | 'customer';
  text: string;
}

/** What the inspector gave an item: points, `na` (not applicable: full marks) or `veto` (this item vetoes the call). */
export type ExpectedValue = number | 'na' | 'veto';

export interface QaCall {
  id: string;
  note: string;
  tags: string[];
  /** The call's end (ms); defaults to the last turn's end + DEFAULT_TAIL_MS. */
  endMs: number;
  endReason: EndReason;
  turns: QaTurn[];
  /** Item id → what a careful inspector gives it; every item of the scorecard is present. */
  expected: Record<string, ExpectedValue>;
  veto: boolean;
  /** Item id → the inspector's reason (optional, shown next to a disagreement). */
  why: Record<string, string>;
  /** The file it came from, relative to the repository root. */
  file: string;
  line?: number;
}

export const DEFAULT_TAIL_MS = 1000;
const FIELDS = new Set(['id', 'note', 'tags', 'why', 'endMs', 'endReason', 'turns', 'expected', 'veto']);
const CHANNELS = new Set(['agent', 'customer']);
/** Categories a call may be tagged with (README.md, "Tags"). */
export const TAGS: readonly string[] = ['clean', 'fault', 'veto', 'not-applicable', 'bonus', 'penalty', 'penalty-not-caused', 'near-miss', 'long'];

export class QaSetError extends Error {
  constructor(readonly problems: string[]) {
    super(`QA evaluation set: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  }
}



export interface CardItem {
  item: ScorecardItem;
  sectionId: string;
  kind: 'score' | 'bonus' | 'penalty';
}

/** The scorecard's items in order, with their section and kind. */
export function cardItems(card: Scorecard): CardItem[] {
  return card.sections.flatMap((s) => s.items.map((item) => ({ item, sectionId: s.id, kind: item.kind ?? 'score' })));
}

/**
 * Every `.yaml`/`.yml` file of `dir` (sorted), each holding `calls:`, a list. Labels are checked against `card`:
 * every item present, no unknown item, points inside the item's range, `na` only for items with an
 * applicability condition, `veto` only for items that can veto, and the call's `veto` flag matching them.
 * Throws QaSetError listing every problem found.
 */
export function loadQaSet(dir: string, card: Scorecard, root: string): QaCall[] {
  const problems: string[] = [];
  const out: QaCall[] = [];
  const items = cardItems(card);
  let files: string[] = [];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/i.test(f))
      .sort();
  } catch (err) {
    throw new QaSetError([`${relative(root, dir)}: cannot read the folder: ${(err as Error).message}`]);
  }
  if (files.length === 0) problems.push(`${relative(root, dir)}: no .yaml files`);
  for (const it of readYamlSet(dir, root, files, 'calls', 'call', problems)) {
    const c = parseCall(it.raw, it.bad, items, it.file);
    if (c) out.push({ ...c, ...(it.line !== undefined ? { line: it.line } : {}) });
  }
  if (problems.length > 0) throw new QaSetError(problems);
  return out;
}

function parseCall(raw: unknown, bad: (msg: string) => void, items: readonly CardItem[], file: string): QaCall | null {
  if (!isObject(raw)) {
    bad('must be a mapping (id, note, turns, expected, veto)');
    return null;
  }
  let ok = true;
  const fail = (msg: string): void => {
    ok = false;
    bad(msg);
  };
  for (const k of Object.keys(raw)) if (!FIELDS.has(k)) fail(`unknown field "${k}" (allowed: ${[...FIELDS].join(', ')})`);
  const { id, note, tags, why, endMs, endReason, turns, expected, veto } = raw;
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(id)) fail('id: a lower-case identifier (letters, digits, -) is required');
  if (typeof note !== 'string' || note.trim() === '') fail('note: say what the call tests');
  const parsedTags: string[] = [];
  if (tags !== undefined) {
    if (!Array.isArray(tags)) fail(`tags: a list of ${TAGS.join(', ')}`);
    else {
      for (const t of tags as unknown[]) {
        if (typeof t !== 'string' || !TAGS.includes(t)) fail(`tags: "${String(t)}" is not one of ${TAGS.join(', ')}`);
        else if (!parsedTags.includes(t)) parsedTags.push(t);
      }
    }
  }
  if (endReason !== undefined && (typeof endReason !== 'string' || !(CALL_END_REASONS as readonly string[]).includes(endReason))) {
    fail(`endReason: one of ${CALL_END_REASONS.join(', ')}`);
  }

  // ---- turns
  const parsedTurns: QaTurn[] = [];
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
      parsedTurns.push({ startMs: Math.round(s * 1000), endMs: Math.round(e * 1000), channel: ch as QaTurn['channel'], text });
    });
  }
  const lastEnd = parsedTurns.reduce((m, t) => Math.max(m, t.endMs), 0);
  if (endMs !== undefined && (typeof endMs !== 'number' || !Number.isInteger(endMs) || endMs < lastEnd)) {
    fail(`endMs: an integer number of milliseconds, not before the last turn's end (${lastEnd})`);
  }

  // ---- expected: every item of the scorecard, each in its range
  const labels: Record<string, ExpectedValue> = {};
  const byId = new Map(items.map((ci) => [ci.item.id, ci]));
  if (!isObject(expected)) fail(`expected: a mapping of every scorecard item id to its points (${items.map((ci) => ci.item.id).join(', ')})`);
  else {
    for (const key of Object.keys(expected)) if (!byId.has(key)) fail(`expected: "${key}" is not an item of the scorecard`);
    const missing = items.filter((ci) => !(ci.item.id in expected)).map((ci) => ci.item.id);
    if (missing.length > 0) fail(`expected: missing item(s) ${missing.join(', ')} (every item must be judged)`);
    for (const ci of items) {
      const v = expected[ci.item.id];
      if (v === undefined) continue;
      const problem = checkValue(ci, v);
      if (problem) fail(`expected.${ci.item.id}: ${problem}`);
      else labels[ci.item.id] = v as ExpectedValue;
    }
  }
  if (typeof veto !== 'boolean') fail('veto: true or false is required (does a careful inspector fail the call outright?)');
  else if (isObject(expected)) {
    const vetoItems = Object.entries(labels).filter(([, v]) => v === 'veto').map(([k]) => k);
    if (veto && vetoItems.length === 0) fail('veto: true, but no item is labelled veto (label the item that vetoes the call)');
    if (!veto && vetoItems.length > 0) fail(`veto: false, but ${vetoItems.join(', ')} labelled veto`);
  }

  // ---- why: reasons keyed by item id
  const reasons: Record<string, string> = {};
  if (why !== undefined) {
    if (!isObject(why)) fail('why: a mapping of item id → the reason for its points');
    else {
      for (const [k, v] of Object.entries(why)) {
        if (!byId.has(k)) fail(`why: "${k}" is not an item of the scorecard`);
        else if (typeof v !== 'string' || v.trim() === '') fail(`why.${k}: a non-empty string`);
        else reasons[k] = v;
      }
    }
  }
  if (!ok) return null;
  return {
    id: id as string,
    note: note as string,
    tags: parsedTags,
    endMs: (endMs as number | undefined) ?? lastEnd + DEFAULT_TAIL_MS,
    endReason: (endReason as EndReason | undefined) ?? 'stop',
    turns: parsedTurns,
    expected: labels,
    veto: veto as boolean,
    why: reasons,
    file,
  };
}

/** Why a label is out of the item's range (null when it is fine). */
function checkValue(ci: CardItem, v: unknown): string | null {
  const { item, kind } = ci;
  if (v === 'na') {
    if (kind !== 'score') return `"na" is for score items only (a ${kind} item not earned is 0)`;
    if (!item.notApplicableUnless) return '"na" only for items the scorecard makes conditional (notApplicableUnless); give the points';
    return null;
  }
  if (v === 'veto') return item.veto && item.veto.length > 0 ? null : '"veto" only for items that can veto the call';
  if (typeof v !== 'number' || !Number.isFinite(v)) return `points (a number${item.notApplicableUnless ? ', or na' : ''}${item.veto?.length ? ', or veto' : ''}) required, got ${JSON.stringify(v)}`;
  if (kind === 'penalty') return v >= -item.points && v <= 0 ? null : `a penalty item scores between −${item.points} and 0, got ${v}`;
  return v >= 0 && v <= item.points ? null : `scores between 0 and ${item.points}, got ${v}`;
}

/** Points the inspector's label stands for: `na` → full marks (score items), `veto` → 0 (the item's points; veto items carry none). */
export function expectedPoints(ci: CardItem, v: ExpectedValue): number {
  if (v === 'na') return ci.kind === 'score' ? ci.item.points : 0;
  if (v === 'veto') return 0;
  return v;
}
