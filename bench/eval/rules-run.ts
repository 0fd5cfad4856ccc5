/**
 * Running the labelled dialogues through the rule engine as a text-only call (each final utterance's span is
 * the channel's speech), scoring (dialogue, rule) pairs, and timing the full pack per utterance.
 */
import { compileRules, DEFAULT_KIND_OPTIONS } from '../../engine/detect/compile.js';
import { createCallDetector, type AlertBody } from '../../engine/detect/detector.js';
import type { CompiledRule, DetectUtterance } from '../../engine/detect/evaluator.js';
import { utteranceForms } from '../../engine/detect/forms.js';
import type { Rule, RuleKind } from '../../engine/detect/rule.js';
import type { EvalDialogue } from './rules-set.js';

export interface DialogueResult {
  dialogue: EvalDialogue;
  /** Rule ids of the dialogue's kind that raised an alert. */
  fired: string[];
  /** Every raised alert (rules compiled only as a dependency included), for the report. */
  alerts: AlertBody[];
  /** An exception thrown by the engine while running the dialogue. */
  error?: string;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  /** Pairs neither expected nor fired. */
  tn: number;
  precision: number | null;
  recall: number | null;
}

/** The dialogue's turns as detector utterances, in the order their finals arrive (by end, then start). */
export function utterancesOf(d: EvalDialogue): DetectUtterance[] {
  return d.turns
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.endMs - b.t.endMs || a.t.startMs - b.t.startMs || a.i - b.i)
    .map(({ t, i }) => ({ utteranceId: `${d.id}-u${i + 1}`, channel: t.channel, text: t.text, startMs: t.startMs, endMs: t.endMs }));
}

/** The rules of `kind`, plus the rules their `afterRule` windows depend on (compiled, never scored). */
export function rulesForKind(rules: readonly Rule[], kind: RuleKind): Rule[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const chosen = new Map<string, Rule>();
  const add = (r: Rule): void => {
    if (chosen.has(r.id)) return;
    chosen.set(r.id, r);
    const dep = r.window?.afterRule !== undefined ? byId.get(r.window.afterRule) : undefined;
    if (dep) add(dep);
  };
  for (const r of rules) if (r.kind === kind) add(r);
  return rules.filter((r) => chosen.has(r.id));
}

/** One text-only call: every utterance, the clock advanced to its end, then the call's end. */
export function runCall(callId: string, d: EvalDialogue, compiled: readonly CompiledRule[], time?: (ns: bigint) => void): AlertBody[] {
  const alerts: AlertBody[] = [];
  const det = createCallDetector(callId, compiled, (a) => alerts.push(a));
  for (const u of utterancesOf(d)) {
    if (time) {
      const t0 = process.hrtime.bigint();
      det.utterance(u, true);
      time(process.hrtime.bigint() - t0);
    } else det.utterance(u, true);
    det.advance(u.endMs);
  }
  det.finish(d.endMs, d.endReason);
  return alerts;
}

export function runDialogue(d: EvalDialogue, compiledByKind: ReadonlyMap<RuleKind, CompiledRule[]>, kindRuleIds: ReadonlyMap<RuleKind, string[]>): DialogueResult {
  const compiled = compiledByKind.get(d.kind) ?? [];
  const ids = new Set(kindRuleIds.get(d.kind) ?? []);
  try {
    const alerts = runCall(`eval-${d.id}`, d, compiled);
    const raised = alerts.filter((a) => a.status === 'raised');
    const fired = [...new Set(raised.map((a) => a.ruleId))].filter((r) => ids.has(r)).sort();
    return { dialogue: d, fired, alerts: raised };
  } catch (err) {
    return { dialogue: d, fired: [], alerts: [], error: (err as Error).stack ?? String(err) };
  }
}

export function compileByKind(rules: readonly Rule[]): { compiled: Map<RuleKind, CompiledRule[]>; ids: Map<RuleKind, string[]> } {
  const compiled = new Map<RuleKind, CompiledRule[]>();
  const ids = new Map<RuleKind, string[]>();
  for (const kind of new Set(rules.map((r) => r.kind))) {
    compiled.set(kind, compileRules(rulesForKind(rules, kind), DEFAULT_KIND_OPTIONS));
    ids.set(kind, rules.filter((r) => r.kind === kind && r.enabled !== false).map((r) => r.id));
  }
  return { compiled, ids };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);

export function count(pairs: readonly { expected: boolean; fired: boolean }[]): Counts {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const p of pairs) {
    if (p.fired && p.expected) tp++;
    else if (p.fired) fp++;
    else if (p.expected) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn) };
}

/** Scoring pairs: (dialogue, each enabled rule of the dialogue's kind). */
export function pairsOf(results: readonly DialogueResult[], kindRuleIds: ReadonlyMap<RuleKind, string[]>): { dialogue: string; kind: RuleKind; ruleId: string; expected: boolean; fired: boolean }[] {
  return results.flatMap((r) =>
    (kindRuleIds.get(r.dialogue.kind) ?? []).map((ruleId) => ({
      dialogue: r.dialogue.id,
      kind: r.dialogue.kind,
      ruleId,
      expected: r.dialogue.expect.includes(ruleId),
      fired: r.fired.includes(ruleId),
    })),
  );
}

/**
 * Per-utterance cost of the whole pack: every dialogue through one detector per call built with all rules,
 * one untimed warm-up pass, then `passes` timed passes; each `utterance()` call timed on its own.
 */
export interface CostFigures {
  samples: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
  /** The part shared by every rule: the utterance's normalised text and pinyin (`utteranceForms`), timed alone. */
  formsP50Us: number;
  formsP99Us: number;
}

export function measureCost(dialogues: readonly EvalDialogue[], rules: readonly Rule[], passes: number): CostFigures {
  const compiled = compileRules(rules, DEFAULT_KIND_OPTIONS);
  for (const d of dialogues) runCall(`warm-${d.id}`, d, compiled);
  const ns: number[] = [];
  for (let p = 0; p < passes; p++) for (const d of dialogues) runCall(`cost-${p}-${d.id}`, d, compiled, (t) => ns.push(Number(t)));
  const forms: number[] = [];
  for (let p = 0; p < passes; p++) {
    for (const d of dialogues) {
      for (const u of utterancesOf(d)) {
        const t0 = process.hrtime.bigint();
        utteranceForms(u);
        forms.push(Number(process.hrtime.bigint() - t0));
      }
    }
  }
  const us = (x: number): number => Math.round(x / 100) / 10;
  const q = (xs: number[], f: number): number => us(xs[Math.min(xs.length - 1, Math.floor(f * xs.length))]!);
  ns.sort((a, b) => a - b);
  forms.sort((a, b) => a - b);
  return {
    samples: ns.length,
    p50Us: q(ns, 0.5),
    p90Us: q(ns, 0.9),
    p99Us: q(ns, 0.99),
    maxUs: us(ns[ns.length - 1]!),
    meanUs: us(ns.reduce((s, x) => s + x, 0) / ns.length),
    formsP50Us: q(forms, 0.5),
    formsP99Us: q(forms, 0.99),
  };
}
