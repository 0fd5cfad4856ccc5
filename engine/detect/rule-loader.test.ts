import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { RULE_KINDS } from './rule.js';
import { loadRules, parseRulesFile } from './rule-loader.js';
import { createRuleService } from './rule-service.js';

const PACK = join(packageRoot(import.meta.url), 'knowledge', 'rules');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-rules-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const GOOD = `rules:
  - id: greeting
    kind: absence
    description: 开头语 — no greeting
    channel: agent
    severity: info
    notify: agent
    window: { toMs: 20000 }
    phrases: [您好]
`;

describe('the default rule pack', () => {
  it('loads without a single rejected rule, covers every kind, and documents every rule in one line', () => {
    const { set, errors } = loadRules(PACK);
    expect(errors).toEqual([]);
    expect(set.rules.length).toBeGreaterThanOrEqual(20);
    expect(new Set(set.rules.map((r) => r.rule.kind))).toEqual(new Set(RULE_KINDS));
    for (const { rule } of set.rules) expect(rule.description).toMatch(/^\S.* — .+/);
    const forbidden = set.rules.filter((r) => r.rule.kind === 'phrase' && r.rule.scorecardItem?.startsWith('forbidden-phrases'));
    const phrases = forbidden.flatMap((r) => (r.rule.kind === 'phrase' ? r.rule.phrases ?? [] : []));
    expect(phrases.length).toBeGreaterThanOrEqual(30);
    for (const p of ['我再跟你说一遍', '你什么意思', '你先听我说完好不好', '你明白吗', '你知道吗']) expect(phrases).toContain(p);
  });
});

describe('rule validation', () => {
  it('names file, line, rule id, field and reason for each problem', () => {
    const { items } = parseRulesFile(GOOD.replace('toMs: 20000', 'toMs: soon').replace('notify: agent', 'notify: everyone').replace('phrases: [您好]', 'phrases: [您好]\n    colour: red'), 'a.yaml');
    const dir = folder({ 'a.yaml': GOOD.replace('toMs: 20000', 'toMs: soon').replace('notify: agent', 'notify: everyone').replace('phrases: [您好]', 'phrases: [您好]\n    colour: red') });
    expect(items).toHaveLength(1);
    const { set, errors } = loadRules(dir);
    expect(set.rules).toEqual([]);
    expect(errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'EARSHOT_ERR_RULE_INVALID', file: 'a.yaml', line: 2, ruleId: 'greeting', field: 'notify', reason: expect.stringContaining('one of agent, supervisor, both, none') }),
      expect.objectContaining({ field: 'window.toMs', reason: expect.stringContaining('integer') }),
      expect.objectContaining({ field: 'colour', reason: expect.stringContaining('is not a field here') }),
    ]));
  });

  it('rejects bad regexes, unquoted numbers, dangling afterRule, cycles and duplicate ids, keeping the good rules', () => {
    const bad = `rules:
  - { id: re, kind: phrase, description: x — y, channel: agent, severity: info, notify: none, regex: ['(unclosed'] }
  - { id: num, kind: phrase, description: x — y, channel: agent, severity: info, notify: none, phrases: [12378] }
  - { id: after, kind: absence, description: x — y, channel: agent, severity: info, notify: none, phrases: [好], window: { afterRule: nobody, withinMs: 1000 } }
  - { id: c1, kind: absence, description: x — y, channel: agent, severity: info, notify: none, phrases: [好], window: { afterRule: c2, withinMs: 1000 } }
  - { id: c2, kind: absence, description: x — y, channel: agent, severity: info, notify: none, phrases: [好], window: { afterRule: c1, withinMs: 1000 } }
  - { id: greeting, kind: phrase, description: x — y, channel: agent, severity: info, notify: none, phrases: [好] }
`;
    const { set, errors } = loadRules(folder({ 'a.yaml': GOOD, 'b.yaml': bad }));
    expect(set.rules.map((r) => r.rule.id)).toEqual(['greeting']);
    const byRule = Object.fromEntries(errors.map((e) => [e.ruleId, e]));
    expect(byRule.re).toMatchObject({ file: 'b.yaml', line: 2, field: 'regex[0]', reason: expect.stringContaining('not a valid regular expression') });
    expect(byRule.num).toMatchObject({ field: 'phrases[0]', reason: expect.stringContaining("quote numbers in YAML ('12378')") });
    expect(byRule.after).toMatchObject({ field: 'window.afterRule', reason: 'names no valid rule ("nobody")' });
    expect([byRule.c1?.reason, byRule.c2?.reason].some((r) => r?.includes('forms a cycle (c'))).toBe(true);
    expect(byRule.c1 && byRule.c2).toBeTruthy();
    expect(errors.find((e) => e.ruleId === 'greeting')).toMatchObject({ file: 'b.yaml', field: 'id', reason: 'is already used by a rule in a.yaml' });
  });

  it('reports unparsable files and a missing folder', () => {
    expect(loadRules(folder({ 'a.yaml': 'rules: [\n  - {' })).errors[0]).toMatchObject({ file: 'a.yaml', field: '(file)', reason: expect.stringContaining('not valid YAML') });
    expect(loadRules(folder({ 'a.json': '{"rules": 3}' })).errors[0]).toMatchObject({ reason: 'must hold "rules": a list of rules' });
    expect(loadRules('/nonexistent/rules').errors[0]).toMatchObject({ code: 'EARSHOT_ERR_RULES_NOT_FOUND' });
  });

  it('gives the same version to the same rules, whatever their order and files', () => {
    const a = loadRules(folder({ 'a.yaml': GOOD })).set.version;
    const b = loadRules(folder({ 'z.json': JSON.stringify({ rules: [{ notify: 'agent', id: 'greeting', kind: 'absence', description: '开头语 — no greeting', channel: 'agent', severity: 'info', window: { toMs: 20000 }, phrases: ['您好'] }] }) })).set.version;
    expect(a).toBe(b);
    expect(loadRules(folder({ 'a.yaml': GOOD.replace('20000', '30000') })).set.version).not.toBe(a);
  });
});

describe('the rule service', () => {
  it('keeps the previous good rule set when a reload finds an invalid rule, and takes the fixed files', () => {
    const dir = folder({ 'a.yaml': GOOD });
    const service = createRuleService(dir, { deadAirMs: 8000, windowGraceMs: 1500, watch: false }, pino({ level: 'silent' }));
    const first = service.active.version;
    writeFileSync(join(dir, 'a.yaml'), GOOD.replace('severity: info', 'severity: loud'));
    service.reload();
    expect(service.active.version).toBe(first);
    expect(service.staleSince).not.toBeNull();
    expect(service.errors[0]).toMatchObject({ ruleId: 'greeting', field: 'severity' });
    writeFileSync(join(dir, 'a.yaml'), GOOD.replace('severity: info', 'severity: warning'));
    service.reload();
    expect(service.active.version).not.toBe(first);
    expect(service.staleSince).toBeNull();
    expect(service.active.rules[0]!.rule.severity).toBe('warning');
    // A call keeps the rule set it started with.
    const alerts: unknown[] = [];
    const d = service.detector('c', (a) => alerts.push(a));
    expect(d.ruleSetVersion).toBe(service.active.version);
    service.close();
  });
});
