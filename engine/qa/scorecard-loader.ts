import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import type { LoadedScorecard, Scorecard, ScorecardError } from './scorecard.js';
import { validateScorecard } from './scorecard-validate.js';

export interface ScorecardLoad {
  loaded: LoadedScorecard | null;
  errors: ScorecardError[];
}

/** Content hash of a scorecard: two files with the same content judge alike. */
export function scorecardHash(scorecard: Scorecard): string {
  return createHash('sha256').update(JSON.stringify(scorecard)).digest('hex').slice(0, 8);
}

/** A scorecard from YAML or JSON text; each problem names the field and, for YAML, its line. */
export function parseScorecard(text: string, file: string, ruleIds: ReadonlySet<string>): ScorecardLoad {
  const err = (field: string, reason: string, line?: number): ScorecardError => ({ code: 'EARSHOT_ERR_SCORECARD_INVALID', file, ...(line !== undefined ? { line } : {}), field, reason });
  let raw: unknown;
  let lineOf: (field: string) => number | undefined = () => undefined;
  if (/\.json$/i.test(file)) {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { loaded: null, errors: [err('(file)', `is not valid JSON: ${(e as Error).message}`)] };
    }
  } else {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    if (doc.errors.length > 0) return { loaded: null, errors: [err('(file)', `is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, doc.errors[0]!.linePos?.[0]?.line)] };
    raw = doc.toJS({ maxAliasCount: 100 });
    lineOf = (field) => {
      const path = field.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      // The deepest node that exists along the path.
      for (let n = path.length; n > 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
        if (node?.range) return lines.linePos(node.range[0]).line;
      }
      return undefined;
    };
  }
  const problems = validateScorecard(raw, ruleIds);
  if (problems.length > 0) return { loaded: null, errors: problems.map((p) => err(p.field, p.reason, lineOf(p.field))) };
  const scorecard = raw as Scorecard;
  return { loaded: { scorecard, version: `${scorecard.version}+${scorecardHash(scorecard)}`, file: basename(file) }, errors: [] };
}

export function loadScorecard(path: string, ruleIds: ReadonlySet<string>): ScorecardLoad {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { loaded: null, errors: [{ code: 'EARSHOT_ERR_SCORECARD_INVALID', file: path, field: '(file)', reason: `cannot be read: ${(e as Error).message}` }] };
  }
  return parseScorecard(text, path, ruleIds);
}
