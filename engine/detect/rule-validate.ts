/**
 * Rule validation: every field of every kind checked, unknown fields refused (a typo must not silently turn a
 * rule off), regexes compiled, `afterRule` references resolved. Each problem names the file, the rule id, the
 * field and the reason; a rule with any problem is rejected whole.
 */
import { CALL_END_REASONS } from '../events.js';
import { FieldChecker, isObject, type Json } from '../field-checker.js';
import { FUZZINESS, RULE_KINDS, type Rule, type RuleError } from './rule.js';

const COMMON = ['id', 'kind', 'description', 'channel', 'severity', 'notify', 'cooldownMs', 'scorecardItem', 'window', 'enabled'];
const PHRASE_SET = ['phrases', 'regex', 'match', 'minCount', 'fuzziness', 'negatable', 'except'];
const KIND_FIELDS: Record<Rule['kind'], string[]> = {
  phrase: [...PHRASE_SET, 'scope'],
  absence: [...PHRASE_SET, 'minCallMs'],
  sequence: ['mode', 'trigger', 'expect', 'withinMs', 'minGapMs'],
  silence: ['minSilenceMs', 'holdPhrases', 'maxHoldMs'],
  talkover: ['minOverlapMs', 'minCount'],
  rate: ['windowMs', 'maxCpm', 'minCpm', 'minSpeechMs'],
  emotion: ['minScore', 'lexicon', 'prosody', 'escalation'],
  duration: ['maxCallMs', 'endReasons'],
};
export const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_PHRASES = 500;
const MAX_PHRASE_CHARS = 100;

/** The field checker with rules' phrase sets. */
export class Checker extends FieldChecker {
  constructor(o: Record<string, Json>) {
    super(o, MAX_PHRASES, MAX_PHRASE_CHARS);
  }
  phraseSet(path: string, extra: readonly string[] = []): void {
    const p = (k: string): string => (path ? `${path}.${k}` : k);
    if (path) {
      if (!isObject(this.value(path))) {
        this.fail(path, 'is required: an object with phrases and/or regex');
        return;
      }
      this.known(path, [...PHRASE_SET, ...extra]);
    }
    const phrases = this.strings(p('phrases'), false);
    const regex = this.strings(p('regex'), false);
    if (!this.has(p('phrases')) && !this.has(p('regex'))) this.fail(p('phrases'), 'is required: give phrases, regex or both');
    regex.forEach((r, i) => {
      try {
        new RegExp(r, 'u');
      } catch (err) {
        this.fail(`${p('regex')}[${i}]`, `is not a valid regular expression: ${(err as Error).message}`);
      }
    });
    this.strings(p('except'), false);
    this.oneOf(p('match'), ['any', 'all', 'atLeast'], false);
    this.oneOf(p('fuzziness'), FUZZINESS, false);
    this.bool(p('negatable'));
    const size = phrases.length + regex.length;
    if (this.value(p('match')) === 'atLeast') this.int(p('minCount'), true, 1, Math.max(1, size));
    else if (this.has(p('minCount'))) this.fail(p('minCount'), 'only goes with match: atLeast');
  }
}

/** Problems of one rule (empty when valid). `afterRule` references are checked set-wide by `validateRuleSet`. */
export function validateRule(raw: Json): { field: string; reason: string }[] {
  if (!isObject(raw)) return [{ field: '(rule)', reason: 'must be an object' }];
  const c = new Checker(raw);
  const id = raw.id;
  if (typeof id !== 'string' || !ID_RE.test(id)) c.fail('id', 'is required: lower-case letters, digits, - or _, up to 64 characters');
  c.oneOf('kind', RULE_KINDS);
  c.str('description', true);
  c.oneOf('channel', ['agent', 'customer', 'any']);
  c.oneOf('severity', ['info', 'warning', 'critical']);
  c.oneOf('notify', ['agent', 'supervisor', 'both', 'none']);
  c.int('cooldownMs', false, 0);
  c.str('scorecardItem', false, 100);
  c.bool('enabled');
  if (c.has('window')) {
    if (!isObject(raw.window)) c.fail('window', 'must be an object');
    else {
      c.known('window', ['fromMs', 'toMs', 'lastMs', 'afterRule', 'withinMs']);
      c.int('window.fromMs', false, 0);
      c.int('window.toMs', false, 1);
      c.int('window.lastMs', false, 1000);
      const w = raw.window;
      if (typeof w.fromMs === 'number' && typeof w.toMs === 'number' && w.toMs <= w.fromMs) c.fail('window.toMs', 'must be after window.fromMs');
      if (w.lastMs !== undefined && (w.fromMs !== undefined || w.toMs !== undefined || w.afterRule !== undefined)) c.fail('window.lastMs', 'cannot be combined with fromMs, toMs or afterRule');
      if (w.afterRule !== undefined) {
        if (typeof w.afterRule !== 'string' || !ID_RE.test(w.afterRule)) c.fail('window.afterRule', 'must be a rule id');
        c.int('window.withinMs', true, 1);
      } else if (w.withinMs !== undefined) c.fail('window.withinMs', 'only goes with window.afterRule');
    }
  }
  const kind = raw.kind as Rule['kind'];
  if (!RULE_KINDS.includes(kind)) return c.problems;
  c.known('', [...COMMON, ...KIND_FIELDS[kind]]);
  switch (kind) {
    case 'phrase':
      c.phraseSet('');
      c.oneOf('scope', ['utterance', 'call'], false);
      break;
    case 'absence':
      c.phraseSet('');
      c.int('minCallMs', false, 0);
      break;
    case 'sequence': {
      c.oneOf('mode', ['required-after', 'forbidden-after', 'required-before', 'required-on-return']);
      c.phraseSet('trigger', ['channel']);
      c.oneOf('trigger.channel', ['agent', 'customer', 'any'], false);
      c.phraseSet('expect');
      const mode = raw.mode;
      c.int('withinMs', mode === 'required-after' || mode === 'forbidden-after', 1);
      c.int('minGapMs', mode === 'required-on-return', 1);
      if (mode !== 'required-on-return' && raw.minGapMs !== undefined) c.fail('minGapMs', 'only goes with mode: required-on-return');
      break;
    }
    case 'silence':
      c.int('minSilenceMs', false, 1000);
      if (c.has('holdPhrases')) c.phraseSet('holdPhrases');
      c.int('maxHoldMs', false, 1000);
      if (raw.maxHoldMs !== undefined && raw.holdPhrases === undefined) c.fail('maxHoldMs', 'only goes with holdPhrases');
      break;
    case 'talkover':
      if (raw.channel === 'any') c.fail('channel', 'must be agent or customer: the channel that interrupts');
      c.int('minOverlapMs', true, 100);
      c.int('minCount', true, 1, 1000);
      break;
    case 'rate':
      if (raw.channel === 'any') c.fail('channel', 'must be agent or customer');
      c.int('windowMs', true, 5000);
      c.int('maxCpm', false, 1, 2000);
      c.int('minCpm', false, 1, 2000);
      c.int('minSpeechMs', true, 1000);
      if (raw.maxCpm === undefined && raw.minCpm === undefined) c.fail('maxCpm', 'give maxCpm, minCpm or both');
      if (typeof raw.maxCpm === 'number' && typeof raw.minCpm === 'number' && raw.minCpm >= raw.maxCpm) c.fail('minCpm', 'must be below maxCpm');
      break;
    case 'emotion':
      c.num('minScore', false, 0.1, 100);
      if (c.has('escalation')) c.phraseSet('escalation');
      if (raw.minScore === undefined && raw.escalation === undefined) c.fail('minScore', 'give minScore (text/voice score), escalation phrases, or both');
      if (c.has('lexicon')) {
        if (!isObject(raw.lexicon)) c.fail('lexicon', 'must map words to weights');
        else for (const [w, v] of Object.entries(raw.lexicon)) if (typeof v !== 'number' || !(v > 0 && v <= 10) || w.trim() === '') c.fail(`lexicon.${w}`, 'weight must be a number above 0 and at most 10');
      }
      if (c.has('prosody')) {
        if (!isObject(raw.prosody)) c.fail('prosody', 'must be an object');
        else {
          c.known('prosody', ['minRiseDb', 'minPitchRise', 'baselineSegments', 'weight']);
          c.num('prosody.minRiseDb', true, 0, 40);
          c.num('prosody.minPitchRise', true, 0, 2);
          c.int('prosody.baselineSegments', true, 1, 50);
          c.num('prosody.weight', true, 0, 100);
        }
        if (raw.minScore === undefined) c.fail('prosody', 'only goes with minScore (the voice adds to the text score)');
      }
      break;
    case 'duration': {
      c.int('maxCallMs', false, 1000);
      const reasons = raw.endReasons;
      if (reasons !== undefined) {
        if (!Array.isArray(reasons) || reasons.length === 0) c.fail('endReasons', 'must be a non-empty list');
        else reasons.forEach((r, i) => {
          if (!CALL_END_REASONS.includes(r as never)) c.fail(`endReasons[${i}]`, `must be one of ${CALL_END_REASONS.join(', ')}`);
        });
      }
      if (raw.maxCallMs === undefined && reasons === undefined) c.fail('maxCallMs', 'give maxCallMs, endReasons or both');
      break;
    }
  }
  return c.problems;
}

export interface SourcedRule {
  raw: Json;
  file: string;
  line?: number;
}

/**
 * Validates rules from every file together: per-rule problems, duplicate ids, `afterRule` pointing at no
 * valid rule or forming a cycle. Returns the valid rules and one error per problem.
 */
export function validateRuleSet(items: readonly SourcedRule[]): { rules: (SourcedRule & { rule: Rule })[]; errors: RuleError[] } {
  const errors: RuleError[] = [];
  const ok: (SourcedRule & { rule: Rule })[] = [];
  const seen = new Map<string, string>();
  const err = (it: SourcedRule, ruleId: string | undefined, field: string, reason: string): void => {
    errors.push({ code: 'EARSHOT_ERR_RULE_INVALID', file: it.file, ...(it.line !== undefined ? { line: it.line } : {}), ...(ruleId ? { ruleId } : {}), field, reason });
  };
  for (const it of items) {
    const id = isObject(it.raw) && typeof it.raw.id === 'string' ? it.raw.id : undefined;
    const problems = validateRule(it.raw);
    for (const p of problems) err(it, id, p.field, p.reason);
    if (problems.length > 0) continue;
    if (seen.has(id!)) {
      err(it, id, 'id', `is already used by a rule in ${seen.get(id!)}`);
      continue;
    }
    seen.set(id!, it.file);
    ok.push({ ...it, rule: it.raw as Rule });
  }
  // afterRule must name a valid rule, without cycles; dropping a rule can invalidate others, so repeat.
  for (let changed = true; changed; ) {
    changed = false;
    const ids = new Set(ok.map((r) => r.rule.id));
    for (let i = ok.length - 1; i >= 0; i--) {
      const r = ok[i]!;
      const after = r.rule.window?.afterRule;
      if (after === undefined) continue;
      let reason: string | null = null;
      if (!ids.has(after)) reason = `names no valid rule ("${after}")`;
      else {
        const chain = new Set([r.rule.id]);
        for (let cur: string | undefined = after; cur !== undefined; cur = ok.find((x) => x.rule.id === cur)?.rule.window?.afterRule) {
          if (chain.has(cur)) {
            reason = `forms a cycle (${[...chain, cur].join(' → ')})`;
            break;
          }
          chain.add(cur);
        }
      }
      if (reason) {
        err(r, r.rule.id, 'window.afterRule', reason);
        ok.splice(i, 1);
        changed = true;
      }
    }
  }
  return { rules: ok, errors };
}
