import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../detect/rule-loader.js';
import { packageRoot } from '../paths.js';
import { loadScorecard, parseScorecard } from './scorecard-loader.js';

const root = packageRoot(import.meta.url);
const ruleIds = new Set(loadRules(join(root, 'knowledge', 'rules')).set.rules.map((r) => r.rule.id));
const MINI = `id: mini
version: "1"
name: mini
passMark: 85
sections:
  - id: s
    name: S
    items:
      - id: a
        name: A
        points: 100
        deduct: [{ rule: greeting, points: 10 }]
`;

describe('scorecard loading', () => {
  it('loads the default scorecard against the default rule pack, versioned by label and content', () => {
    const { loaded, errors } = loadScorecard(join(root, 'knowledge', 'scorecards', 'bank-card-centre.yaml'), ruleIds);
    expect(errors).toEqual([]);
    expect(loaded!.version).toMatch(/^2026\.11\+[0-9a-f]{8}$/);
    const items = loaded!.scorecard.sections.flatMap((s) => s.items);
    expect(items.filter((i) => (i.kind ?? 'score') === 'score').reduce((s, i) => s + i.points, 0)).toBe(100);
    expect(items.filter((i) => i.veto).map((i) => i.id)).toEqual(['forbidden-phrases-veto', 'privacy']);
    expect(loaded!.scorecard.passMark).toBe(85);
  });

  it('names field, line and reason of each problem', () => {
    const bad = MINI.replace('rule: greeting', 'rule: nobody').replace('points: 100', 'points: 90').replace('name: A', 'name: A\n        colour: red');
    const { loaded, errors } = parseScorecard(bad, 'bad.yaml', ruleIds);
    expect(loaded).toBeNull();
    expect(errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'EARSHOT_ERR_SCORECARD_INVALID', file: 'bad.yaml', field: 'sections[0].items[0].deduct[0].rule', reason: 'names no rule of the active rule set ("nobody")', line: 13 }),
      expect.objectContaining({ field: 'sections[0].items[0].colour', reason: expect.stringContaining('is not a field here') }),
    ]));
    const sum = parseScorecard(MINI.replace('points: 100', 'points: 90'), 'sum.yaml', ruleIds);
    expect(sum.errors).toEqual([expect.objectContaining({ field: 'sections', reason: 'score items must add up to 100 points, they add up to 90' })]);
    expect(parseScorecard(MINI.replace('version: "1"', 'version: 1'), 'v.yaml', ruleIds).errors[0]).toMatchObject({ field: 'version', reason: expect.stringContaining("quote it in YAML ('1')") });
    expect(parseScorecard(MINI.replace('deduct: [{ rule: greeting, points: 10 }]', 'notApplicableUnless: { said: { phrases: [] } }'), 'na.yaml', ruleIds).errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['sections[0].items[0]', 'sections[0].items[0].notApplicableUnless.said.phrases']),
    );
  });

  it('versions by content: the same label with other content is another version', () => {
    const a = parseScorecard(MINI, 'a.yaml', ruleIds).loaded!.version;
    const b = parseScorecard(MINI.replace('points: 10 }', 'points: 20 }'), 'b.yaml', ruleIds).loaded!.version;
    expect(a.split('+')[0]).toBe(b.split('+')[0]);
    expect(a).not.toBe(b);
  });
});
