import { compileRules, DEFAULT_KIND_OPTIONS } from '../../engine/detect/compile.js';
import { createCallDetector, type AlertBody } from '../../engine/detect/detector.js';
import type { CompiledRule } from '../../engine/detect/evaluator.js';
import type { Rule } from '../../engine/detect/rule.js';
import type { ScriptTurn } from './rules-script.js';

/** Nanoseconds → µs summary (nearest-rank percentiles, 0.1 µs). */
export interface UsSummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarizeNs(ns: Float64Array): UsSummary {
  const s = Float64Array.from(ns).sort();
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  const us = (x: number): number => Math.round(x / 100) / 10;
  return { count: s.length, p50: us(at(50)), p95: us(at(95)), p99: us(at(99)), max: us(s[s.length - 1] ?? NaN), mean: us(s.reduce((a, b) => a + b, 0) / s.length) };
}

/** One text-only call as the server runs it: each final utterance, then the clock to its end; then the end. */
export function runScript(callId: string, script: readonly ScriptTurn[], compiled: readonly CompiledRule[], timings?: Float64Array, offset = 0): AlertBody[] {
  const alerts: AlertBody[] = [];
  const d = createCallDetector(callId, compiled, (a) => alerts.push(a));
  script.forEach((t, k) => {
    const u = { utteranceId: `${callId}:u${k + 1}`, channel: t.channel, text: t.text, startMs: t.startMs, endMs: t.endMs };
    const t0 = process.hrtime.bigint();
    d.utterance(u, true);
    if (timings) timings[offset + k] = Number(process.hrtime.bigint() - t0);
    d.advance(t.endMs);
  });
  d.finish(script.at(-1)?.endMs ?? 0, 'stop');
  return alerts;
}

/**
 * Alerts an utterance's own step raises (`at` = its end), call's end excluded: what the latency run expects
 * for one call.
 */
export function utteranceAlerts(callId: string, script: readonly ScriptTurn[], compiled: readonly CompiledRule[]): number {
  let n = 0;
  let endMs = 0;
  const d = createCallDetector(callId, compiled, (a) => void (a.at === endMs && n++));
  for (const [k, t] of script.entries()) {
    endMs = t.endMs;
    d.utterance({ utteranceId: `${callId}:u${k + 1}`, channel: t.channel, text: t.text, startMs: t.startMs, endMs: t.endMs }, true);
    d.advance(t.endMs);
  }
  return n;
}

/** The rules of each kind with the rules their `afterRule` windows need; 'all' and 'none' first. */
export function ruleSets(rules: readonly Rule[]): { name: string; rules: Rule[] }[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const withDeps = (kind: string): Rule[] => {
    const ids = new Set<string>();
    const add = (r: Rule): void => {
      if (ids.has(r.id)) return;
      ids.add(r.id);
      const dep = r.window?.afterRule !== undefined ? byId.get(r.window.afterRule) : undefined;
      if (dep) add(dep);
    };
    for (const r of rules) if (r.kind === kind) add(r);
    return rules.filter((r) => ids.has(r.id));
  };
  const kinds = [...new Set(rules.map((r) => r.kind))].sort();
  return [{ name: 'all', rules: [...rules] }, { name: 'none', rules: [] }, ...kinds.map((k) => ({ name: k, rules: withDeps(k) }))];
}

export interface CostResult {
  calls: number;
  utterancesPerCall: number;
  /** Per `utterance()` call, µs, for each rule set: all = the full pack, none = no rules (forms only), then per kind. */
  utteranceUs: Record<string, UsSummary & { rules: number }>;
  /** full p50 − none p50: the rules' own share. */
  rulesOnlyP50Us: number;
  alertsPerCall: { all: number; raised: number; byRule: Record<string, number> };
}

/**
 * Every call through a fresh detector of each rule set in turn (interleaved, so drift and GC fall on all sets
 * alike); the first `warmupCalls` calls are not timed. Yields to the event loop between calls (the load sampler
 * runs there, never inside a timed call).
 */
export async function measureCost(scripts: readonly ScriptTurn[][], rules: readonly Rule[], warmupCalls: number): Promise<CostResult> {
  const sets = ruleSets(rules).map((s) => ({ ...s, compiled: compileRules(s.rules, DEFAULT_KIND_OPTIONS) }));
  const timed = scripts.slice(warmupCalls);
  const total = timed.reduce((n, s) => n + s.length, 0);
  const ns = sets.map(() => new Float64Array(total));
  const byRule: Record<string, number> = {};
  let alerts = 0;
  let raised = 0;
  const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));
  for (const [i, s] of scripts.slice(0, warmupCalls).entries()) {
    for (const set of sets) runScript(`warm-${i}`, s, set.compiled);
    await yieldNow();
  }
  let offset = 0;
  for (const [i, s] of timed.entries()) {
    sets.forEach((set, j) => {
      const out = runScript(`cost-${i}`, s, set.compiled, ns[j], offset);
      if (set.name !== 'all') return;
      alerts += out.length;
      for (const a of out.filter((a) => a.status === 'raised')) {
        raised++;
        byRule[a.ruleId] = (byRule[a.ruleId] ?? 0) + 1;
      }
    });
    offset += s.length;
    await yieldNow();
  }
  const utteranceUs = Object.fromEntries(sets.map((set, j) => [set.name, { rules: set.rules.length, ...summarizeNs(ns[j]!) }]));
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  return {
    calls: timed.length,
    utterancesPerCall: r2(total / timed.length),
    utteranceUs,
    rulesOnlyP50Us: Math.round((utteranceUs.all!.p50 - utteranceUs.none!.p50) * 10) / 10,
    alertsPerCall: {
      all: r2(alerts / timed.length),
      raised: r2(raised / timed.length),
      byRule: Object.fromEntries(Object.entries(byRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, r2(v / timed.length)])),
    },
  };
}
