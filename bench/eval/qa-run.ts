/**
 * One labelled call scored by the machine (scoreTranscript: the transcript through the rule pack, the alerts
 * onto the scorecard) and compared with the inspector's labels, item by item and in total.
 */
import type { CompiledRule } from '../../engine/detect/evaluator.js';
import { scoreTranscript } from '../../engine/qa/rescore.js';
import type { ItemResult, QaResult } from '../../engine/qa/score.js';
import type { LoadedScorecard } from '../../engine/qa/scorecard.js';
import { cardItems, expectedPoints, type ExpectedValue, type QaCall } from './qa-set.js';
import { cohenKappa, confusion, expectedTotal, flagged, type Confusion, type Kappa } from './qa-stats.js';

export interface ItemComparison {
  callId: string;
  itemId: string;
  kind: 'score' | 'bonus' | 'penalty';
  maxPoints: number;
  label: ExpectedValue;
  expectedPoints: number;
  machinePoints: number;
  machineStatus: ItemResult['status'];
  /** Inspector: the item applies to this call (not labelled na). */
  expectedApplicable: boolean;
  machineApplicable: boolean;
  expectedFlagged: boolean;
  machineFlagged: boolean;
  agree: boolean;
  /** How the machine came to its points, with the evidence quoted. */
  judged: string;
  evidence: string[];
  why?: string;
}

export interface CallComparison {
  call: QaCall;
  result: QaResult | null;
  error?: string;
  items: ItemComparison[];
  expectedTotal: number;
  machineTotal: number | null;
  /** machine − inspector. */
  totalError: number | null;
  expectedPassed: boolean;
  machinePassed: boolean | null;
  machineVeto: boolean | null;
}

const sameish = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6;

export function runCall(card: LoadedScorecard, rules: readonly CompiledRule[], call: QaCall): CallComparison {
  const exp = expectedTotal(card.scorecard, call.expected, call.veto);
  let result: QaResult;
  try {
    result = scoreTranscript(card, rules, {
      callId: `qa-eval-${call.id}`,
      turns: call.turns.map((t) => ({ channel: t.channel, text: t.text, startMs: t.startMs, endMs: t.endMs })),
      endMs: call.endMs,
      endReason: call.endReason,
    });
  } catch (err) {
    return {
      call, result: null, error: (err as Error).stack ?? String(err), items: [], expectedTotal: exp.total, machineTotal: null, totalError: null,
      expectedPassed: exp.passed, machinePassed: null, machineVeto: null,
    };
  }
  const byId = new Map(result.items.map((i) => [i.itemId, i]));
  const items: ItemComparison[] = cardItems(card.scorecard).map((ci) => {
    const label = call.expected[ci.item.id]!;
    const m = byId.get(ci.item.id);
    const machinePoints = m?.points ?? 0;
    const machineVetoed = m?.status === 'veto';
    const expectedVetoed = label === 'veto';
    const ep = expectedPoints(ci, label);
    const isVetoItem = (ci.item.veto?.length ?? 0) > 0;
    // A veto-only item carries no points: agreement is on the veto itself. Otherwise points and veto both.
    const agree = isVetoItem ? machineVetoed === expectedVetoed && sameish(machinePoints, ep) : sameish(machinePoints, ep);
    return {
      callId: call.id,
      itemId: ci.item.id,
      kind: ci.kind,
      maxPoints: ci.item.points,
      label,
      expectedPoints: ep,
      machinePoints,
      machineStatus: m?.status ?? 'none',
      expectedApplicable: label !== 'na',
      machineApplicable: m?.status !== 'not-applicable',
      expectedFlagged: flagged(ci.kind, ci.item.points, ep, expectedVetoed),
      machineFlagged: flagged(ci.kind, ci.item.points, machinePoints, machineVetoed),
      agree,
      judged: m?.judged ?? '(item missing from the result)',
      evidence: (m?.evidence ?? []).map((e) => `${e.ruleId} @${(e.startMs / 1000).toFixed(1)}s 「${e.quote}」`),
      ...(call.why[ci.item.id] !== undefined ? { why: call.why[ci.item.id]! } : {}),
    };
  });
  return {
    call, result, items, expectedTotal: exp.total, machineTotal: result.total, totalError: Math.round((result.total - exp.total) * 100) / 100,
    expectedPassed: exp.passed, machinePassed: result.passed, machineVeto: result.veto !== null,
  };
}

export interface ItemFigures {
  itemId: string;
  name: string;
  kind: 'score' | 'bonus' | 'penalty';
  maxPoints: number;
  calls: number;
  /** Calls the inspector judged the item applicable to / the machine did (items with an applicability condition). */
  applicableExpected: number;
  applicableMachine: number;
  /** Calls on which the two agree whether the item applies. */
  applicabilityAgreement: number;
  /** Calls on which they do not: applicable to the inspector only (`inspector`) or to the machine only (`machine`). */
  applicabilityDiffers: { callId: string; applicableTo: 'inspector' | 'machine' }[];
  /** Machine points == inspector points (for a veto item: both veto or neither). */
  agree: number;
  agreement: number;
  /** Flagged = below full marks / bonus given / penalty taken / veto. */
  flaggedExpected: number;
  flaggedMachine: number;
  confusion: Confusion;
  kappa: Kappa;
  /** Mean |machine − inspector| points over the calls. */
  meanAbsPoints: number;
  /** Calls on which they disagree, with the direction: machine lower (−) or higher (+). */
  disagreements: { callId: string; expected: ExpectedValue; machine: number | 'veto'; delta: number }[];
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function itemFigures(card: LoadedScorecard, comparisons: readonly CallComparison[]): ItemFigures[] {
  const ok = comparisons.filter((c) => c.result !== null);
  return cardItems(card.scorecard).map((ci) => {
    const rows = ok.map((c) => c.items.find((i) => i.itemId === ci.item.id)!);
    const conf = confusion(rows.map((r) => ({ machine: r.machineFlagged, expected: r.expectedFlagged })));
    const agree = rows.filter((r) => r.agree).length;
    return {
      itemId: ci.item.id,
      name: ci.item.name,
      kind: ci.kind,
      maxPoints: ci.item.points,
      calls: rows.length,
      applicableExpected: rows.filter((r) => r.expectedApplicable).length,
      applicableMachine: rows.filter((r) => r.machineApplicable).length,
      applicabilityAgreement: rows.filter((r) => r.expectedApplicable === r.machineApplicable).length,
      applicabilityDiffers: rows
        .filter((r) => r.expectedApplicable !== r.machineApplicable)
        .map((r) => ({ callId: r.callId, applicableTo: r.expectedApplicable ? ('inspector' as const) : ('machine' as const) })),
      agree,
      agreement: rows.length === 0 ? 0 : r3(agree / rows.length),
      flaggedExpected: rows.filter((r) => r.expectedFlagged).length,
      flaggedMachine: rows.filter((r) => r.machineFlagged).length,
      confusion: conf,
      kappa: cohenKappa(conf),
      meanAbsPoints: rows.length === 0 ? 0 : r3(rows.reduce((s, r) => s + Math.abs(r.machinePoints - r.expectedPoints), 0) / rows.length),
      disagreements: rows
        .filter((r) => !r.agree)
        .map((r) => ({
          callId: r.callId,
          expected: r.label,
          machine: r.machineStatus === 'veto' ? ('veto' as const) : r.machinePoints,
          delta: Math.round((r.machinePoints - r.expectedPoints) * 100) / 100,
        })),
    };
  });
}
