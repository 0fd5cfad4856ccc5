/**
 * `npm run eval:rules`: the default rule pack (knowledge/rules) on the labelled dialogues of test/rules-eval
 * (a held-out test set written from the rules' descriptions and QA practice, never used to tune the rules; see
 * its README). Prints tables; writes bench/results/rules-eval.md and rules-eval.json; the last stdout line is
 * the headline figures as one JSON object.
 *
 * 1. Detection: each dialogue runs as a text-only call through a detector built with the pack's rules of the
 *    dialogue's kind (plus the rules their `afterRule` windows depend on, which are not scored). Unit: the pair
 *    (dialogue, rule of that kind): raised and expected = TP, raised and not expected = FP, expected and not
 *    raised = FN. Precision and recall per rule, per kind and overall; every misclassified dialogue listed.
 * 2. Cost: every dialogue through detectors built with the whole pack; each `utterance()` call timed
 *    (process.hrtime.bigint) after one warm-up pass; p50/p99 in µs.
 * Benchmarks report, they never assert (the process fails only on a bad set or a bad pack).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../engine/detect/rule-loader.js';
import { RULE_KINDS, type RuleKind } from '../engine/detect/rule.js';
import { compileByKind, count, measureCost, pairsOf, runDialogue, type Counts, type DialogueResult } from './eval/rules-run.js';
import { EvalSetError, loadEvalSet, type EvalDialogue } from './eval/rules-set.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RULES_DIR = join(root, 'knowledge/rules');
const SET_DIR = join(root, 'test/rules-eval');
const COST_PASSES = 5;
const say = (s = ''): void => void process.stdout.write(s + '\n');
const pad = (s: string | number | null, n: number): string => String(s ?? '–').padEnd(n);

// ---- the pack and the set ------------------------------------------------------------------------------
const { set, errors } = loadRules(RULES_DIR);
if (errors.length > 0) {
  for (const e of errors) process.stderr.write(`rule pack: ${e.file}${e.line ? `:${e.line}` : ''} ${e.ruleId ?? ''} ${e.field ?? ''}: ${e.reason}\n`);
  process.exit(1);
}
const rules = set.rules.map((r) => r.rule).filter((r) => r.enabled !== false);
let dialogues: EvalDialogue[];
try {
  dialogues = loadEvalSet(SET_DIR, rules, root);
} catch (err) {
  if (err instanceof EvalSetError) {
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
  throw err;
}

// ---- 1. detection ----------------------------------------------------------------------------------------
const { compiled, ids } = compileByKind(rules);
const results: DialogueResult[] = dialogues.map((d) => runDialogue(d, compiled, ids));
const pairs = pairsOf(results, ids);
const kinds = RULE_KINDS.filter((k) => dialogues.some((d) => d.kind === k));
const perKind: Record<string, Counts & { dialogues: number; violating: number; clean: number }> = {};
for (const k of kinds) {
  const ds = dialogues.filter((d) => d.kind === k);
  perKind[k] = { dialogues: ds.length, violating: ds.filter((d) => d.expect.length > 0).length, clean: ds.filter((d) => d.expect.length === 0).length, ...count(pairs.filter((p) => p.kind === k)) };
}
const perRule: Record<string, Counts & { kind: RuleKind; positives: number }> = {};
for (const r of rules) {
  const ps = pairs.filter((p) => p.ruleId === r.id);
  perRule[r.id] = { kind: r.kind, positives: ps.filter((p) => p.expected).length, ...count(ps) };
}
const overall = count(pairs);
const wrong = results.filter((r) => r.error !== undefined || r.fired.join() !== [...r.dialogue.expect].sort().join());
const engineErrors = results.filter((r) => r.error !== undefined);
const uncovered = rules.filter((r) => kinds.includes(r.kind) && (perRule[r.id]!.positives === 0 || perRule[r.id]!.tn + perRule[r.id]!.fp === 0)).map((r) => r.id);

// ---- 2. cost ---------------------------------------------------------------------------------------------
const loadBefore = loadavg()[0]!;
// Dialogues on which the engine threw are left out of the timing (they are listed as engine errors above).
const cost = measureCost(results.filter((r) => r.error === undefined).map((r) => r.dialogue), rules, COST_PASSES);
/** The machine: the tail of the timings moves with other work on it (the 1-minute load average is printed). */
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAvg1m: Math.round(Math.max(loadBefore, loadavg()[0]!) * 100) / 100 };

// ---- report ----------------------------------------------------------------------------------------------
const utterances = dialogues.reduce((s, d) => s + d.turns.length, 0);
say(`rule pack: ${rules.length} rules (version ${set.version}); set: ${dialogues.length} dialogues, ${utterances} utterances, ${pairs.length} (dialogue, rule) pairs`);
say();
say(`${pad('kind', 10)} ${pad('dlg', 5)}${pad('viol', 6)}${pad('clean', 7)}${pad('TP', 5)}${pad('FP', 5)}${pad('FN', 5)}${pad('precision', 11)}recall`);
for (const k of kinds) {
  const c = perKind[k]!;
  say(`${pad(k, 10)} ${pad(c.dialogues, 5)}${pad(c.violating, 6)}${pad(c.clean, 7)}${pad(c.tp, 5)}${pad(c.fp, 5)}${pad(c.fn, 5)}${pad(c.precision, 11)}${c.recall ?? '–'}`);
}
say(`${pad('overall', 10)} ${pad(dialogues.length, 5)}${pad('', 6)}${pad('', 7)}${pad(overall.tp, 5)}${pad(overall.fp, 5)}${pad(overall.fn, 5)}${pad(overall.precision, 11)}${overall.recall ?? '–'}`);
say();
say(`${pad('rule', 26)} ${pad('kind', 10)}${pad('pos', 5)}${pad('TP', 5)}${pad('FP', 5)}${pad('FN', 5)}${pad('precision', 11)}recall`);
for (const [id, c] of Object.entries(perRule)) {
  if (!kinds.includes(c.kind)) continue;
  say(`${pad(id, 26)} ${pad(c.kind, 10)}${pad(c.positives, 5)}${pad(c.tp, 5)}${pad(c.fp, 5)}${pad(c.fn, 5)}${pad(c.precision, 11)}${c.recall ?? '–'}`);
}
if (uncovered.length > 0) say(`rules without a positive or without a negative dialogue: ${uncovered.join(', ')}`);
say();
say(`misclassified dialogues: ${wrong.length} of ${dialogues.length}`);
for (const r of wrong) {
  say(`  ${pad(r.dialogue.id, 22)} expected [${r.dialogue.expect.join(', ')}] got [${r.fired.join(', ')}]${r.error ? ' ENGINE ERROR' : ''} — ${r.dialogue.note}`);
}
for (const r of engineErrors) say(`engine error in ${r.dialogue.id}: ${r.error}`);
say();
say(`cost of the full pack (${rules.length} rules): ${cost.samples} utterance() calls after a warm-up pass; p50 ${cost.p50Us} µs, p90 ${cost.p90Us} µs, p99 ${cost.p99Us} µs, max ${cost.maxUs} µs, mean ${cost.meanUs} µs; forms alone p50 ${cost.formsP50Us} µs (${machine.cpus} CPUs, load ${machine.loadAvg1m})`);

const fmt = (x: number | null): string => (x === null ? '–' : x.toFixed(3));
const md: string[] = [
  '# Rule pack evaluation (`npm run eval:rules`)',
  '',
  `Default pack \`knowledge/rules\` (${rules.length} rules, version \`${set.version}\`) on the held-out labelled set \`test/rules-eval\``,
  `(${dialogues.length} dialogues, ${utterances} utterances; format and provenance in its README). Each dialogue runs as a text-only call`,
  'through the rules of its kind (plus their `afterRule` dependencies, not scored). Unit: (dialogue, rule of that kind);',
  'raised & expected = TP, raised & not expected = FP, expected & not raised = FN. Generated by `bench/eval-rules.ts`; do not edit.',
  '',
  '## Per kind',
  '',
  '| kind | dialogues | violating | clean | TP | FP | FN | precision | recall |',
  '|---|---|---|---|---|---|---|---|---|',
  ...kinds.map((k) => {
    const c = perKind[k]!;
    return `| ${k} | ${c.dialogues} | ${c.violating} | ${c.clean} | ${c.tp} | ${c.fp} | ${c.fn} | ${fmt(c.precision)} | ${fmt(c.recall)} |`;
  }),
  `| **overall** | ${dialogues.length} | ${dialogues.filter((d) => d.expect.length > 0).length} | ${dialogues.filter((d) => d.expect.length === 0).length} | ${overall.tp} | ${overall.fp} | ${overall.fn} | ${fmt(overall.precision)} | ${fmt(overall.recall)} |`,
  '',
  '## Per rule',
  '',
  '| rule | kind | labelled positives | TP | FP | FN | precision | recall |',
  '|---|---|---|---|---|---|---|---|',
  ...Object.entries(perRule)
    .filter(([, c]) => kinds.includes(c.kind))
    .map(([id, c]) => `| ${id} | ${c.kind} | ${c.positives} | ${c.tp} | ${c.fp} | ${c.fn} | ${fmt(c.precision)} | ${fmt(c.recall)} |`),
  '',
  ...(uncovered.length > 0 ? [`Rules without a positive or without a negative dialogue: ${uncovered.join(', ')}.`, ''] : []),
  `## Misclassified dialogues (${wrong.length} of ${dialogues.length})`,
  '',
  '| id | expected | got | what it tests |',
  '|---|---|---|---|',
  ...wrong.map((r) => `| ${r.dialogue.id} | ${r.dialogue.expect.join(', ') || '(clean)'} | ${r.error ? 'ENGINE ERROR' : r.fired.join(', ') || '(nothing)'} | ${r.dialogue.note.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
  '',
  '## Cost of the full pack',
  '',
  `Every dialogue through one detector per call built with all ${rules.length} rules; one untimed warm-up pass, then ${COST_PASSES} timed passes,`,
  `each \`utterance()\` call timed with \`process.hrtime.bigint()\` (${cost.samples} samples; Node ${process.version}, ${machine.cpus} × ${machine.cpuModel},`,
  `1-minute load average ${machine.loadAvg1m} — p99 and max move with other work on the machine and with garbage collection).`,
  `Of this, building the utterance's forms once for all rules (\`utteranceForms\`: OpenCC, normalisation, pinyin), timed alone on the same`,
  `utterances, takes p50 ${cost.formsP50Us} µs, p99 ${cost.formsP99Us} µs.`,
  '',
  '| p50 µs | p90 µs | p99 µs | max µs | mean µs |',
  '|---|---|---|---|---|',
  `| ${cost.p50Us} | ${cost.p90Us} | ${cost.p99Us} | ${cost.maxUs} | ${cost.meanUs} |`,
  '',
];
const headline = {
  eval: 'rules',
  dialogues: dialogues.length,
  pairs: pairs.length,
  perKind: Object.fromEntries(kinds.map((k) => {
    const c = perKind[k]!;
    return [k, { dialogues: c.dialogues, tp: c.tp, fp: c.fp, fn: c.fn, precision: c.precision, recall: c.recall }];
  })),
  overall: { tp: overall.tp, fp: overall.fp, fn: overall.fn, precision: overall.precision, recall: overall.recall },
  misclassified: wrong.length,
  engineErrors: engineErrors.length,
  costUs: { p50: cost.p50Us, p99: cost.p99Us },
};
const json = {
  ...headline,
  ruleSetVersion: set.version,
  rules: rules.length,
  utterances,
  perKind,
  perRule,
  cost,
  machine,
  misclassifiedDialogues: wrong.map((r) => ({
    id: r.dialogue.id,
    kind: r.dialogue.kind,
    file: r.dialogue.file,
    expected: r.dialogue.expect,
    got: r.fired,
    note: r.dialogue.note,
    alerts: r.alerts.map((a) => ({ ruleId: a.ruleId, at: a.at, message: a.message, ...(a.matchedText !== undefined ? { matchedText: a.matchedText } : {}) })),
    ...(r.error ? { error: r.error } : {}),
  })),
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/rules-eval.md'), md.join('\n'));
writeFileSync(join(root, 'bench/results/rules-eval.json'), JSON.stringify(json, null, 2) + '\n');
say('wrote bench/results/rules-eval.md, bench/results/rules-eval.json');
say(JSON.stringify(headline));
