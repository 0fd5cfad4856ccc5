/**
 * Scorecard validation: structure, points, unique ids, and every rule it names present in the active rule set
 * (a scorecard judged by a rule that does not exist would silently give full marks).
 */
import { FieldChecker, isObject, type Json } from '../field-checker.js';
import { Checker as RuleChecker, ID_RE } from '../detect/rule-validate.js';

const TOP = ['id', 'version', 'name', 'passMark', 'vetoMode', 'sections'];
const SECTION = ['id', 'name', 'items'];
const ITEM = ['id', 'name', 'points', 'kind', 'description', 'deduct', 'add', 'failIf', 'veto', 'notApplicableUnless', 'notApplicableReason'];

export interface ScorecardProblem {
  /** Path of the field: sections[2].items[0].deduct[1].rule */
  field: string;
  reason: string;
}

/** Problems of a parsed scorecard (empty when valid). `ruleIds`: the rules it may name. */
export function validateScorecard(raw: Json, ruleIds: ReadonlySet<string>): ScorecardProblem[] {
  if (!isObject(raw)) return [{ field: '(file)', reason: 'must be a scorecard object (id, version, name, passMark, sections)' }];
  const c = new FieldChecker(raw);
  c.known('', TOP);
  if (typeof raw.id !== 'string' || !ID_RE.test(raw.id)) c.fail('id', 'is required: lower-case letters, digits, - or _');
  if (typeof raw.version === 'number') c.fail('version', `must be a string: quote it in YAML ('${raw.version}')`);
  else c.str('version', true, 40);
  c.str('name', true, 100);
  c.num('passMark', true, 0, 100);
  c.oneOf('vetoMode', ['zero', 'fail'], false);
  const sections = raw.sections;
  if (!Array.isArray(sections) || sections.length === 0) {
    c.fail('sections', 'is required: a non-empty list of sections');
    return c.problems;
  }
  const itemIds = new Set<string>();
  const sectionIds = new Set<string>();
  let base = 0;
  sections.forEach((s, si) => {
    const sp = `sections[${si}]`;
    if (!isObject(s)) return c.fail(sp, 'must be an object (id, name, items)');
    c.known(sp, SECTION);
    if (typeof s.id !== 'string' || !ID_RE.test(s.id)) c.fail(`${sp}.id`, 'is required: lower-case letters, digits, - or _');
    else if (sectionIds.has(s.id)) c.fail(`${sp}.id`, `"${s.id}" is used by another section`);
    else sectionIds.add(s.id);
    c.str(`${sp}.name`, true, 100);
    if (!Array.isArray(s.items) || s.items.length === 0) return c.fail(`${sp}.items`, 'is required: a non-empty list of items');
    s.items.forEach((it, ii) => {
      const ip = `${sp}.items[${ii}]`;
      if (!isObject(it)) return c.fail(ip, 'must be an object');
      c.known(ip, ITEM);
      if (typeof it.id !== 'string' || !ID_RE.test(it.id)) c.fail(`${ip}.id`, 'is required: lower-case letters, digits, - or _');
      else if (itemIds.has(it.id)) c.fail(`${ip}.id`, `"${it.id}" is used by another item`);
      else itemIds.add(it.id);
      c.str(`${ip}.name`, true, 200);
      c.str(`${ip}.description`, false, 500);
      c.str(`${ip}.notApplicableReason`, false, 200);
      c.num(`${ip}.points`, true, 0, 100);
      c.oneOf(`${ip}.kind`, ['score', 'bonus', 'penalty'], false);
      const kind = it.kind ?? 'score';
      if (kind === 'score' && typeof it.points === 'number') base += it.points;
      const rule = (path: string, v: Json): void => {
        if (typeof v !== 'string') c.fail(path, 'must be a rule id');
        else if (!ruleIds.has(v)) c.fail(path, `names no rule of the active rule set ("${v}")`);
      };
      const rulePoints = (key: 'deduct' | 'add'): void => {
        const list = it[key];
        if (list === undefined) return;
        if (!Array.isArray(list) || list.length === 0) return c.fail(`${ip}.${key}`, 'must be a non-empty list of { rule, points, max }');
        list.forEach((rp, ri) => {
          const rpp = `${ip}.${key}[${ri}]`;
          if (!isObject(rp)) return c.fail(rpp, 'must be { rule, points, max }');
          c.known(rpp, ['rule', 'points', 'max', 'per']);
          c.oneOf(`${rpp}.per`, ['occurrence', 'alert'], false);
          rule(`${rpp}.rule`, rp.rule);
          c.num(`${rpp}.points`, true, 0, 100);
          c.int(`${rpp}.max`, false, 1, 1000);
        });
      };
      rulePoints('deduct');
      rulePoints('add');
      if (kind === 'score' && it.add !== undefined) c.fail(`${ip}.add`, 'goes with kind bonus or penalty (score items use deduct)');
      if (kind !== 'score' && it.deduct !== undefined) c.fail(`${ip}.deduct`, `goes with kind score (${kind} items use add)`);
      if (it.failIf !== undefined) {
        if (!Array.isArray(it.failIf) || it.failIf.length === 0) c.fail(`${ip}.failIf`, 'must be a non-empty list of { rule, atLeast }');
        else it.failIf.forEach((f, fi) => {
          if (!isObject(f)) return c.fail(`${ip}.failIf[${fi}]`, 'must be { rule, atLeast }');
          c.known(`${ip}.failIf[${fi}]`, ['rule', 'atLeast']);
          rule(`${ip}.failIf[${fi}].rule`, f.rule);
          c.int(`${ip}.failIf[${fi}].atLeast`, true, 1, 1000);
        });
      }
      if (it.veto !== undefined) {
        if (!Array.isArray(it.veto) || it.veto.length === 0) c.fail(`${ip}.veto`, 'must be a non-empty list of rule ids');
        else it.veto.forEach((v, vi) => rule(`${ip}.veto[${vi}]`, v));
      }
      if (it.deduct === undefined && it.add === undefined && it.failIf === undefined && it.veto === undefined) {
        c.fail(ip, 'judges nothing: give deduct, add, failIf or veto');
      }
      const na = it.notApplicableUnless;
      if (na !== undefined) {
        if (!isObject(na) || (na.rule === undefined) === (na.said === undefined)) c.fail(`${ip}.notApplicableUnless`, 'must be { rule: id } or { said: { channel, phrases } }');
        else if (na.rule !== undefined) {
          c.known(`${ip}.notApplicableUnless`, ['rule']);
          rule(`${ip}.notApplicableUnless.rule`, na.rule);
        } else {
          c.known(`${ip}.notApplicableUnless`, ['said']);
          const said = new RuleChecker(raw);
          said.phraseSet(`${ip}.notApplicableUnless.said`, ['channel']);
          for (const p of said.problems) c.fail(p.field, p.reason);
          const ch = isObject(na.said) ? na.said.channel : undefined;
          if (ch !== undefined && ch !== 'agent' && ch !== 'customer' && ch !== 'any') c.fail(`${ip}.notApplicableUnless.said.channel`, 'must be one of agent, customer, any');
        }
      }
    });
  });
  if (base !== 100 && c.problems.length === 0) c.fail('sections', `score items must add up to 100 points, they add up to ${base}`);
  return c.problems;
}
