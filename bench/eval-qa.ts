/**
 * `npm run eval:qa`: the default scorecard (knowledge/scorecards/bank-card-centre.yaml), judged from the default
 * rule pack (knowledge/rules), against the item scores a careful QA inspector gives the scripted calls of
 * test/qa-eval (a held-out set written from the scorecard's item names and QA practice, never used to tune the
 * scorecard or the rules; see its README). Prints tables; writes bench/results/qa-eval.md and qa-eval.json; the
 * last stdout line is the headline figures as one JSON object.
 *
 * Each call runs as a text-only call through scoreTranscript (engine/qa/rescore.ts): its turns through the
 * compiled pack, the alerts onto the scorecard. Compared with the labels:
 * - per item: calls the item applies to (inspector / machine), agreement (machine points == inspector points;
 *   for a veto item, both veto or neither), Cohen's kappa on "flagged or not" (below full marks, bonus given,
 *   penalty taken, veto) with its confusion counts, mean absolute point difference;
 * - per call: the machine total against the inspector's total (the same arithmetic as score.ts), mean absolute
 *   error, pass/fail agreement at the scorecard's pass mark, veto agreement;
 * - the calls with the largest total errors and the items most often disagreed with (a rule author's to-do list).
 * Benchmarks report, they never assert (the process fails only on a bad set, pack or scorecard).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRules, DEFAULT_KIND_OPTIONS } from '../engine/detect/compile.js';
import { loadRules } from '../engine/detect/rule-loader.js';
import { loadScorecard } from '../engine/qa/scorecard-loader.js';
import { itemFigures, runCall, type CallComparison, type ItemComparison } from './eval/qa-run.js';
import { loadQaSet, QaSetError, TAGS, type QaCall } from './eval/qa-set.js';
import { cohenKappa, confusion } from './eval/qa-stats.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RULES_DIR = join(root, 'knowledge/rules');
const SCORECARD = join(root, 'knowledge/scorecards/bank-card-centre.yaml');
const SET_DIR = join(root, 'test/qa-eval');
const WORST_CALLS = 10;
const say = (s = ''): void => void process.stdout.write(s + '\n');
const pad = (s: string | number | null, n: number): string => String(s ?? '–').padEnd(n);
const fmt = (x: number | null): string => (x === null ? '–' : x.toFixed(3));
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const md1 = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

// ---- the pack, the scorecard and the set -----------------------------------------------------------------
const { set, errors } = loadRules(RULES_DIR);
if (errors.length > 0) {
  for (const e of errors) process.stderr.write(`rule pack: ${e.file}${e.line ? `:${e.line}` : ''} ${e.ruleId ?? ''} ${e.field ?? ''}: ${e.reason}\n`);
  process.exit(1);
}
const ruleIds = new Set(set.rules.map((r) => r.rule.id));
const sc = loadScorecard(SCORECARD, ruleIds);
if (!sc.loaded) {
  for (const e of sc.errors) process.stderr.write(`scorecard: ${e.file}${e.line ? `:${e.line}` : ''} ${e.field}: ${e.reason}\n`);
  process.exit(1);
}
const card = sc.loaded;
let calls: QaCall[];
try {
  calls = loadQaSet(SET_DIR, card.scorecard, root);
} catch (err) {
  if (err instanceof QaSetError) {
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
  throw err;
}
const compiled = compileRules(set.rules.map((r) => r.rule), DEFAULT_KIND_OPTIONS);

// ---- scoring and comparison ------------------------------------------------------------------------------
const comparisons: CallComparison[] = calls.map((c) => runCall(card, compiled, c));
const scored = comparisons.filter((c) => c.result !== null);
const engineErrors = comparisons.filter((c) => c.result === null);
const perItem = itemFigures(card, comparisons);
const allRows: ItemComparison[] = scored.flatMap((c) => c.items);
const itemAgree = allRows.filter((r) => r.agree).length;
const overallItemAgreement = allRows.length === 0 ? 0 : r3(itemAgree / allRows.length);

const errs = scored.map((c) => c.totalError!);
const mae = errs.length === 0 ? 0 : r3(errs.reduce((s, e) => s + Math.abs(e), 0) / errs.length);
const bias = errs.length === 0 ? 0 : r3(errs.reduce((s, e) => s + e, 0) / errs.length);
const rmse = errs.length === 0 ? 0 : r3(Math.sqrt(errs.reduce((s, e) => s + e * e, 0) / errs.length));
const maxAbs = errs.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
const exactTotals = errs.filter((e) => Math.abs(e) < 0.005).length;
const within5 = errs.filter((e) => Math.abs(e) <= 5).length;
const passConf = confusion(scored.map((c) => ({ machine: !c.machinePassed, expected: !c.expectedPassed })));
const passKappa = cohenKappa(passConf);
const passAgree = passConf.tp + passConf.tn;
const vetoConf = confusion(scored.map((c) => ({ machine: c.machineVeto!, expected: c.call.veto })));
const vetoKappa = cohenKappa(vetoConf);
const vetoAgree = vetoConf.tp + vetoConf.tn;

const tagCounts = Object.fromEntries(TAGS.map((t) => [t, calls.filter((c) => c.tags.includes(t)).length]).filter(([, n]) => (n as number) > 0));
const perTag = Object.fromEntries(
  Object.keys(tagCounts).map((t) => {
    const cs = scored.filter((c) => c.call.tags.includes(t));
    return [t, { calls: cs.length, mae: cs.length === 0 ? 0 : r3(cs.reduce((s, c) => s + Math.abs(c.totalError!), 0) / cs.length), exact: cs.filter((c) => Math.abs(c.totalError!) < 0.005).length }];
  }),
);

const diffText = (c: CallComparison): string =>
  c.items
    .filter((i) => !i.agree)
    .map((i) => `${i.itemId} ${i.label === 'veto' ? 'veto' : i.label === 'na' ? `na(${i.expectedPoints})` : i.label}→${i.machineStatus === 'veto' ? 'veto' : i.machinePoints}`)
    .join(', ');
const worst = [...scored].sort((a, b) => Math.abs(b.totalError!) - Math.abs(a.totalError!) || a.call.id.localeCompare(b.call.id)).filter((c) => Math.abs(c.totalError!) > 0).slice(0, WORST_CALLS);
const todo = [...perItem].filter((f) => f.disagreements.length > 0).sort((a, b) => b.disagreements.length - a.disagreements.length || a.itemId.localeCompare(b.itemId));
const disagreements = allRows.filter((r) => !r.agree);

// ---- report ----------------------------------------------------------------------------------------------
const utterances = calls.reduce((s, c) => s + c.turns.length, 0);
const audioMin = r3(calls.reduce((s, c) => s + c.endMs, 0) / 60000);
say(`scorecard ${card.scorecard.id} ${card.version} (pass mark ${card.scorecard.passMark}); rule pack ${set.version} (${ruleIds.size} rules); set: ${calls.length} calls, ${utterances} utterances, ${audioMin} min of call time`);
say(`tags: ${Object.entries(tagCounts).map(([t, n]) => `${t} ${n}`).join(', ')}`);
say();
say(`${pad('item', 24)}${pad('kind', 8)}${pad('max', 5)}${pad('appl i/m', 10)}${pad('appl=', 6)}${pad('agree', 7)}${pad('rate', 7)}${pad('flag i/m', 10)}${pad('TP', 4)}${pad('FP', 4)}${pad('FN', 4)}${pad('TN', 4)}${pad('kappa', 7)}mean|Δ|`);
for (const f of perItem) {
  say(
    `${pad(f.itemId, 24)}${pad(f.kind, 8)}${pad(f.maxPoints, 5)}${pad(`${f.applicableExpected}/${f.applicableMachine}`, 10)}${pad(f.applicabilityAgreement, 6)}${pad(`${f.agree}/${f.calls}`, 7)}${pad(f.agreement.toFixed(3), 7)}${pad(`${f.flaggedExpected}/${f.flaggedMachine}`, 10)}` +
      `${pad(f.confusion.tp, 4)}${pad(f.confusion.fp, 4)}${pad(f.confusion.fn, 4)}${pad(f.confusion.tn, 4)}${pad(fmt(f.kappa.kappa), 7)}${f.meanAbsPoints}`,
  );
}
say(`all items: ${itemAgree}/${allRows.length} (call, item) pairs agree (${overallItemAgreement})`);
say();
say(`totals: MAE ${mae} points, bias (machine − inspector) ${bias}, RMSE ${rmse}, max |error| ${maxAbs}; exact ${exactTotals}/${scored.length}, within 5 points ${within5}/${scored.length}`);
say(`pass/fail at ${card.scorecard.passMark}: ${passAgree}/${scored.length} agree (failed: inspector ${passConf.tp + passConf.fn}, machine ${passConf.tp + passConf.fp}; both ${passConf.tp}, machine only ${passConf.fp}, inspector only ${passConf.fn}); kappa ${fmt(passKappa.kappa)}`);
say(`veto: ${vetoAgree}/${scored.length} agree (inspector ${vetoConf.tp + vetoConf.fn}, machine ${vetoConf.tp + vetoConf.fp}; both ${vetoConf.tp}, machine only ${vetoConf.fp}, inspector only ${vetoConf.fn}); kappa ${fmt(vetoKappa.kappa)}`);
say(`per tag (calls, total MAE, exact): ${Object.entries(perTag).map(([t, v]) => `${t} ${v.calls}/${v.mae}/${v.exact}`).join('; ')}`);
say();
say(`largest total errors (machine − inspector):`);
for (const c of worst) say(`  ${pad(c.call.id, 34)} inspector ${pad(c.expectedTotal, 6)} machine ${pad(c.machineTotal, 6)} ${c.totalError! > 0 ? '+' : ''}${c.totalError}  [${diffText(c)}]`);
say();
say(`items most often disagreed with (− machine lower, + machine higher):`);
for (const f of todo) {
  const lower = f.disagreements.filter((d) => d.delta < 0 || (d.machine === 'veto' && d.expected !== 'veto'));
  const higher = f.disagreements.filter((d) => !lower.includes(d));
  say(`  ${pad(f.itemId, 24)} ${f.disagreements.length}: ${[...lower.map((d) => `−${d.callId}`), ...higher.map((d) => `+${d.callId}`)].join(' ')}`);
}
for (const c of engineErrors) say(`engine error in ${c.call.id}: ${c.error}`);

const labelText = (v: ItemComparison['label'], pts: number): string => (v === 'na' ? `na (${pts})` : String(v));
const machineText = (r: ItemComparison): string => (r.machineStatus === 'veto' ? 'veto' : r.machineStatus === 'not-applicable' ? `na (${r.machinePoints})` : String(r.machinePoints));
const md: string[] = [
  '# QA scorecard evaluation (`npm run eval:qa`)',
  '',
  `Default scorecard \`${card.file}\` (\`${card.version}\`, pass mark ${card.scorecard.passMark}) judged from the default rule pack \`knowledge/rules\``,
  `(${ruleIds.size} rules, version \`${set.version}\`), against the item scores a careful inspector gives the held-out scripted calls of`,
  `\`test/qa-eval\` (${calls.length} calls, ${utterances} utterances, ${audioMin} minutes of call time; format, conventions and provenance in its README).`,
  'Each call runs as a text-only call through `scoreTranscript` (engine/qa/rescore.ts). Generated by `bench/eval-qa.ts`; do not edit.',
  '',
  `Calls per tag: ${Object.entries(tagCounts).map(([t, n]) => `${t} ${n}`).join(', ')} (a call may carry several tags).`,
  '',
  '## Per item',
  '',
  'Agreement: machine points == inspector points (a not-applicable item counts as full marks; for a veto item, both veto or neither).',
  '"Flagged": a score item below full marks, a bonus given, a penalty taken, a veto; kappa is Cohen\'s kappa on it (– where both',
  'raters flagged nothing or everything, so chance agreement is total). TP/FP/FN/TN: machine vs inspector on "flagged".',
  'Applicable: calls the item applies to (inspector / machine; only items with `notApplicableUnless` can be not applicable).',
  '',
  '| item | kind | max | applicable insp / machine | applicability agrees | agree | agreement | flagged insp / machine | TP | FP | FN | TN | kappa | mean \\|Δ\\| points |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...perItem.map(
    (f) =>
      `| ${f.itemId} | ${f.kind} | ${f.maxPoints} | ${f.applicableExpected} / ${f.applicableMachine} | ${f.applicabilityAgreement} | ${f.agree}/${f.calls} | ${f.agreement.toFixed(3)} | ${f.flaggedExpected} / ${f.flaggedMachine} | ${f.confusion.tp} | ${f.confusion.fp} | ${f.confusion.fn} | ${f.confusion.tn} | ${fmt(f.kappa.kappa)} | ${f.meanAbsPoints} |`,
  ),
  `| **all items** | | | | | ${itemAgree}/${allRows.length} | ${overallItemAgreement.toFixed(3)} | | | | | | | |`,
  '',
  '## Totals',
  '',
  `The inspector's total uses score.ts's arithmetic (score items + bonus + penalty, kept within 0–100; a veto scores 0).`,
  '',
  '| calls | MAE | bias (machine − inspector) | RMSE | max \\|error\\| | exact | within 5 points | pass/fail agree | pass/fail kappa | veto agree | veto kappa |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  `| ${scored.length} | ${mae} | ${bias} | ${rmse} | ${maxAbs} | ${exactTotals} | ${within5} | ${passAgree}/${scored.length} | ${fmt(passKappa.kappa)} | ${vetoAgree}/${scored.length} | ${fmt(vetoKappa.kappa)} |`,
  '',
  `Pass/fail at ${card.scorecard.passMark} ("positive" = failed): both failed ${passConf.tp}, machine only ${passConf.fp}, inspector only ${passConf.fn}, both passed ${passConf.tn}.`,
  `Veto: both ${vetoConf.tp}, machine only ${vetoConf.fp}, inspector only ${vetoConf.fn}, neither ${vetoConf.tn}.`,
  '',
  '| tag | calls | total MAE | exact totals |',
  '|---|---|---|---|',
  ...Object.entries(perTag).map(([t, v]) => `| ${t} | ${v.calls} | ${v.mae} | ${v.exact} |`),
  '',
  `## Largest total errors (${worst.length})`,
  '',
  '| call | inspector | machine | error | items that differ (inspector→machine) | what it tests |',
  '|---|---|---|---|---|---|',
  ...worst.map((c) => `| ${c.call.id} | ${c.expectedTotal} | ${c.machineTotal} | ${c.totalError! > 0 ? '+' : ''}${c.totalError} | ${md1(diffText(c))} | ${md1(c.call.note)} |`),
  '',
  '## Items most often disagreed with (a rule author\'s to-do list)',
  '',
  '| item | disagreements | machine lower (false fault, or missed N/A) | machine higher (missed fault / bonus / veto) |',
  '|---|---|---|---|',
  ...todo.map((f) => {
    const lower = f.disagreements.filter((d) => d.delta < 0 || (d.machine === 'veto' && d.expected !== 'veto'));
    const higher = f.disagreements.filter((d) => !lower.includes(d));
    return `| ${f.itemId} | ${f.disagreements.length} | ${lower.map((d) => d.callId).join(', ') || '–'} | ${higher.map((d) => d.callId).join(', ') || '–'} |`;
  }),
  '',
  '## Applicability differs',
  '',
  'Calls on which inspector and machine disagree whether a conditional item applies at all (the points may still agree: a',
  'not-applicable item gets full marks, and so does an applicable item without a fault).',
  '',
  '| item | applicable to the inspector only | applicable to the machine only |',
  '|---|---|---|',
  ...perItem
    .filter((f) => f.applicabilityDiffers.length > 0)
    .map((f) => `| ${f.itemId} | ${f.applicabilityDiffers.filter((d) => d.applicableTo === 'inspector').map((d) => d.callId).join(', ') || '–'} | ${f.applicabilityDiffers.filter((d) => d.applicableTo === 'machine').map((d) => d.callId).join(', ') || '–'} |`),
  '',
  `## Every disagreement (${disagreements.length})`,
  '',
  '| call | item | inspector | machine | machine judged | evidence | inspector\'s reason |',
  '|---|---|---|---|---|---|---|',
  ...disagreements.map(
    (r) => `| ${r.callId} | ${r.itemId} | ${labelText(r.label, r.expectedPoints)} | ${machineText(r)} | ${md1(r.judged)} | ${md1(r.evidence.join('; ')) || '–'} | ${md1(r.why ?? '–')} |`,
  ),
  '',
  ...(engineErrors.length > 0 ? ['## Engine errors', '', ...engineErrors.map((c) => `- ${c.call.id}: ${md1(c.error ?? '')}`), ''] : []),
];

const headline = {
  eval: 'qa',
  calls: calls.length,
  scorecard: card.version,
  ruleSetVersion: set.version,
  itemAgreement: overallItemAgreement,
  perItem: Object.fromEntries(perItem.map((f) => [f.itemId, { agreement: f.agreement, kappa: f.kappa.kappa }])),
  totalMae: mae,
  totalBias: bias,
  exactTotals,
  passFailAgreement: scored.length === 0 ? 0 : r3(passAgree / scored.length),
  passFailKappa: passKappa.kappa,
  vetoAgreement: scored.length === 0 ? 0 : r3(vetoAgree / scored.length),
  engineErrors: engineErrors.length,
};
const json = {
  ...headline,
  passMark: card.scorecard.passMark,
  utterances,
  tags: tagCounts,
  perTag,
  items: perItem,
  totals: { mae, bias, rmse, maxAbs, exact: exactTotals, within5, passFail: { ...passConf, ...passKappa }, veto: { ...vetoConf, ...vetoKappa } },
  calls: comparisons.map((c) => ({
    id: c.call.id,
    file: c.call.file,
    tags: c.call.tags,
    note: c.call.note,
    expectedTotal: c.expectedTotal,
    machineTotal: c.machineTotal,
    error: c.totalError,
    expectedPassed: c.expectedPassed,
    machinePassed: c.machinePassed,
    expectedVeto: c.call.veto,
    machineVeto: c.machineVeto,
    disagreements: c.items
      .filter((i) => !i.agree)
      .map((i) => ({ item: i.itemId, expected: i.label, machine: i.machineStatus === 'veto' ? 'veto' : i.machinePoints, machineStatus: i.machineStatus, judged: i.judged, evidence: i.evidence, ...(i.why ? { why: i.why } : {}) })),
    ...(c.error ? { engineError: c.error } : {}),
  })),
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/qa-eval.md'), md.join('\n'));
writeFileSync(join(root, 'bench/results/qa-eval.json'), JSON.stringify(json, null, 2) + '\n');
say('wrote bench/results/qa-eval.md, bench/results/qa-eval.json');
say(JSON.stringify(headline));
