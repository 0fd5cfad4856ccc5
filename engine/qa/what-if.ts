/**
 * What-if: re-score stored calls under a changed scorecard and/or rule set and say how totals and pass rates
 * would move — without writing anything. With the rules unchanged, each call is re-scored from the alerts it
 * raised live (exact); with changed rules, its final utterances are replayed through the new rule set (their
 * spans stand in for the VAD's speech, so silence and talk-over rules see text timing only).
 */
import type { Store } from '../store/store.js';
import { compileRules, DEFAULT_KIND_OPTIONS } from '../detect/compile.js';
import type { CompiledRule, KindOptions } from '../detect/evaluator.js';
import type { Rule } from '../detect/rule.js';
import { callForScoring } from './qa-service.js';
import type { QaStore } from './qa-store.js';
import { transcriptEvents } from './rescore.js';
import type { LoadedScorecard } from './scorecard.js';
import { scoreCall, type QaResult } from './score.js';

export interface WhatIfInput {
  /** The scorecard to try (default: the active one). */
  scorecard?: LoadedScorecard;
  /** The rule set to try (default: the calls' own live alerts). */
  rules?: readonly Rule[];
  from?: number;
  to?: number;
  agentId?: string;
  team?: string;
  /** At most this many calls, newest first. */
  limit: number;
}

interface Summary {
  calls: number;
  mean: number;
  passRate: number;
  vetoes: number;
}

export interface WhatIfReport {
  calls: number;
  current: Summary;
  whatIf: Summary;
  delta: { mean: number; passRate: number; vetoes: number };
  /** Calls whose total or verdict moves, largest moves first (at most 50). */
  changed: { callId: string; agentId: string | null; total: number; newTotal: number; passed: boolean; newPassed: boolean }[];
  /** Per item: share of applicable calls faulted, now and under the change. */
  items: { itemId: string; name: string; failureRate: number; newFailureRate: number | null }[];
  rescoredFrom: 'live alerts' | 'replayed utterances';
}

const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
const FAULTED = new Set(['deducted', 'failed', 'veto']);

function summary(results: QaResult[]): Summary {
  const n = results.length;
  return {
    calls: n,
    mean: n ? round(results.reduce((s, r) => s + r.total, 0) / n, 2) : 0,
    passRate: n ? round(results.filter((r) => r.passed).length / n) : 0,
    vetoes: results.filter((r) => r.veto).length,
  };
}

function failureRates(results: QaResult[]): Map<string, { name: string; rate: number }> {
  const out = new Map<string, { name: string; applicable: number; faulted: number }>();
  for (const r of results) {
    for (const i of r.items) {
      if (i.kind !== 'score') continue;
      const e = out.get(i.itemId) ?? { name: i.name, applicable: 0, faulted: 0 };
      if (i.status !== 'not-applicable') e.applicable++;
      if (FAULTED.has(i.status)) e.faulted++;
      out.set(i.itemId, e);
    }
  }
  return new Map([...out].map(([id, e]) => [id, { name: e.name, rate: e.applicable ? round(e.faulted / e.applicable) : 0 }]));
}

export function whatIf(deps: { store: Store; qa: QaStore; scorecard: LoadedScorecard; kindOptions?: KindOptions }, input: WhatIfInput): WhatIfReport {
  const card = input.scorecard ?? deps.scorecard;
  const compiled: CompiledRule[] | null = input.rules ? compileRules(input.rules, deps.kindOptions ?? DEFAULT_KIND_OPTIONS) : null;
  const stored = deps.qa.listResults({
    limit: input.limit,
    ...(input.from !== undefined ? { from: input.from } : {}),
    ...(input.to !== undefined ? { to: input.to } : {}),
    ...(input.agentId !== undefined ? { agentId: input.agentId } : {}),
    ...(input.team !== undefined ? { team: input.team } : {}),
  });
  const before: QaResult[] = [];
  const after: QaResult[] = [];
  for (const { result } of stored) {
    const call = callForScoring(deps.store, result.callId);
    if (!call) continue;
    const input2 = compiled
      ? transcriptEvents(compiled, {
          callId: call.started.callId, agentId: call.started.agentId, metadata: call.started.metadata, startedAt: call.started.startedAt,
          turns: call.utterances.map((u) => ({ channel: u.channel, text: u.text, ...(u.pinyin !== undefined ? { pinyin: u.pinyin } : {}), startMs: u.startMs, endMs: u.endMs })),
          endMs: call.ended.durationMs, endReason: call.ended.endReason,
        })
      : call;
    before.push(result);
    after.push(scoreCall(card, input2));
  }
  const cur = summary(before);
  const next = summary(after);
  const rateBefore = failureRates(before);
  const rateAfter = failureRates(after);
  const changed = before
    .map((r, i) => ({ callId: r.callId, agentId: r.agentId, total: r.total, newTotal: after[i]!.total, passed: r.passed, newPassed: after[i]!.passed }))
    .filter((c) => c.total !== c.newTotal || c.passed !== c.newPassed)
    .sort((a, b) => Math.abs(b.newTotal - b.total) - Math.abs(a.newTotal - a.total))
    .slice(0, 50);
  const itemIds = new Set([...rateBefore.keys(), ...rateAfter.keys()]);
  return {
    calls: before.length,
    current: cur,
    whatIf: next,
    delta: { mean: round(next.mean - cur.mean, 2), passRate: round(next.passRate - cur.passRate), vetoes: next.vetoes - cur.vetoes },
    changed,
    items: [...itemIds].map((id) => ({
      itemId: id, name: rateAfter.get(id)?.name ?? rateBefore.get(id)!.name, failureRate: rateBefore.get(id)?.rate ?? 0, newFailureRate: rateAfter.get(id)?.rate ?? null,
    })),
    rescoredFrom: compiled ? 'replayed utterances' : 'live alerts',
  };
}
