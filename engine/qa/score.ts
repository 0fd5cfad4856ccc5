/**
 * One call scored on a scorecard: a pure function of the call's stored events (its rule alerts, final
 * utterances, start and end), so scoring is idempotent and a what-if can re-run it on other inputs.
 */
import type { AlertEvent, CallEndedEvent, CallStartedEvent, Channel, UtteranceEvent } from '../events.js';
import { channelMatches } from '../detect/evaluator.js';
import { utteranceForms } from '../detect/forms.js';
import { compilePhraseSet, type CompiledPhraseSet } from '../detect/phrase-set.js';
import type { LoadedScorecard, ScorecardItem } from './scorecard.js';

export interface Evidence {
  ruleId: string;
  alertId: string;
  /** What was said (the matched words), or the alert's message when nothing was said (a missing greeting). */
  quote: string;
  message: string;
  channel: Channel | 'both';
  startMs: number;
  endMs: number | null;
  occurrences: number;
}

export type ItemStatus = 'pass' | 'deducted' | 'failed' | 'not-applicable' | 'veto' | 'bonus' | 'penalty' | 'none';

export interface ItemResult {
  itemId: string;
  name: string;
  sectionId: string;
  kind: 'score' | 'bonus' | 'penalty';
  maxPoints: number;
  /** Points given (negative for a penalty). */
  points: number;
  status: ItemStatus;
  /** How the points came about, in words. */
  judged: string;
  notApplicableReason?: string;
  evidence: Evidence[];
}

export interface QaResult {
  callId: string;
  scorecardId: string;
  scorecardVersion: string;
  ruleSetVersion: string | null;
  agentId: string | null;
  team: string | null;
  startedAt: number;
  durationMs: number;
  total: number;
  passMark: number;
  passed: boolean;
  veto: { itemId: string; ruleIds: string[] } | null;
  items: ItemResult[];
}

export interface CallForScoring {
  started: CallStartedEvent;
  ended: CallEndedEvent;
  alerts: AlertEvent[];
  utterances: UtteranceEvent[];
}

/** Compiled `said` applicability checks, reused across calls. */
const saidCache = new WeakMap<ScorecardItem, CompiledPhraseSet>();

/** Rule alerts grouped: occurrences per rule and the evidence of each alert. */
function alertsByRule(alerts: readonly AlertEvent[]): Map<string, { count: number; alerts: number; evidence: Evidence[] }> {
  const byAlert = new Map<string, AlertEvent>();
  for (const a of alerts) {
    if (a.status === 'resolved') continue;
    const prev = byAlert.get(a.alertId);
    // The latest update carries the count and the newest span; the raise carries the first quote.
    if (!prev || (a.occurrences ?? 1) >= (prev.occurrences ?? 1)) byAlert.set(a.alertId, prev ? { ...a, matchedText: prev.matchedText ?? a.matchedText, startMs: prev.startMs } : a);
  }
  const out = new Map<string, { count: number; alerts: number; evidence: Evidence[] }>();
  for (const a of byAlert.values()) {
    const g = out.get(a.ruleId) ?? { count: 0, alerts: 0, evidence: [] };
    const occurrences = a.occurrences ?? 1;
    g.count += occurrences;
    g.alerts++;
    g.evidence.push({
      ruleId: a.ruleId, alertId: a.alertId, quote: a.matchedText ?? a.message, message: a.message, channel: a.channel,
      startMs: a.startMs, endMs: a.endMs, occurrences,
    });
    out.set(a.ruleId, g);
  }
  return out;
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * A call's total from its items' points (penalties negative): kept between 0 and the score items' full marks,
 * 0 on a veto in `zero` mode; passed = no veto and total ≥ pass mark. The one arithmetic for machine scores,
 * inspectors' reviews and the QA evaluation.
 */
export function callTotal(
  items: readonly { kind: 'score' | 'bonus' | 'penalty'; maxPoints: number; points: number }[],
  veto: boolean,
  vetoMode: 'zero' | 'fail' | undefined,
  passMark: number,
): { total: number; passed: boolean } {
  const sum = items.reduce((s, i) => s + i.points, 0);
  const maxBase = items.filter((i) => i.kind === 'score').reduce((s, i) => s + i.maxPoints, 0);
  let total = round(Math.min(maxBase, Math.max(0, sum)));
  if (veto && (vetoMode ?? 'zero') === 'zero') total = 0;
  return { total, passed: !veto && total >= passMark };
}

export function scoreCall(card: LoadedScorecard, call: CallForScoring): QaResult {
  const sc = card.scorecard;
  const rules = alertsByRule(call.alerts);
  const finals = call.utterances.filter((u) => u.type === 'utterance.final');
  let formsCache: ReturnType<typeof utteranceForms>[] | null = null;
  const forms = (): ReturnType<typeof utteranceForms>[] => (formsCache ??= finals.map((u) => utteranceForms(u)));

  function applicable(item: ScorecardItem): boolean {
    const na = item.notApplicableUnless;
    if (!na) return true;
    if ('rule' in na) return (rules.get(na.rule)?.count ?? 0) > 0;
    let set = saidCache.get(item);
    if (!set) {
      set = compilePhraseSet(na.said);
      saidCache.set(item, set);
    }
    const channel = na.said.channel ?? 'any';
    const f = forms();
    return finals.some((u, i) => channelMatches(channel, u.channel) && set.find(f[i]!).length > 0);
  }

  const items: ItemResult[] = [];
  let veto: QaResult['veto'] = null;
  for (const section of sc.sections) {
    for (const item of section.items) {
      const kind = item.kind ?? 'score';
      const base = { itemId: item.id, name: item.name, sectionId: section.id, kind, maxPoints: item.points };
      const vetoHits = (item.veto ?? []).filter((r) => (rules.get(r)?.count ?? 0) > 0);
      if (vetoHits.length > 0) {
        veto ??= { itemId: item.id, ruleIds: vetoHits };
        items.push({
          ...base, points: kind === 'score' ? 0 : 0, status: 'veto', judged: `一票否决: ${vetoHits.join(', ')}`,
          evidence: vetoHits.flatMap((r) => rules.get(r)!.evidence),
        });
        continue;
      }
      if (!applicable(item)) {
        items.push({
          ...base, points: kind === 'score' ? item.points : 0, status: 'not-applicable', judged: 'not applicable: full marks',
          notApplicableReason: item.notApplicableReason ?? 'not applicable to this call', evidence: [],
        });
        continue;
      }
      const failed = (item.failIf ?? []).filter((f) => (rules.get(f.rule)?.count ?? 0) >= f.atLeast);
      if (failed.length > 0) {
        items.push({
          ...base, points: 0, status: 'failed', judged: failed.map((f) => `${f.rule} ×${rules.get(f.rule)!.count} (≥ ${f.atLeast})`).join('; '),
          evidence: failed.flatMap((f) => rules.get(f.rule)!.evidence),
        });
        continue;
      }
      const parts = (kind === 'score' ? item.deduct : item.add) ?? [];
      let sum = 0;
      const why: string[] = [];
      const evidence: Evidence[] = [];
      for (const rp of parts) {
        const g = rules.get(rp.rule);
        if (!g || g.count === 0) continue;
        const found = rp.per === 'alert' ? g.alerts : g.count;
        const n = Math.min(found, rp.max ?? Infinity);
        sum += n * rp.points;
        why.push(`${rp.rule} ×${n}${n < found ? ` (of ${found}, capped)` : ''} × ${rp.points}`);
        evidence.push(...g.evidence);
      }
      if (kind === 'score') {
        const points = round(Math.max(0, item.points - sum));
        items.push({ ...base, points, status: sum === 0 ? 'pass' : points === 0 ? 'failed' : 'deducted', judged: sum === 0 ? 'no fault found' : `− ${why.join(' + ')}`, evidence });
      } else {
        const points = round(Math.min(item.points, sum));
        items.push({
          ...base, points: kind === 'penalty' ? -points : points, status: points === 0 ? 'none' : kind, judged: points === 0 ? 'nothing found' : `${kind === 'penalty' ? '−' : '+'} ${why.join(' + ')}`, evidence,
        });
      }
    }
  }
  const { total, passed } = callTotal(items, veto !== null, sc.vetoMode, sc.passMark);
  const metadata = call.started.metadata ?? {};
  return {
    callId: call.started.callId,
    scorecardId: sc.id,
    scorecardVersion: card.version,
    ruleSetVersion: call.started.ruleSetVersion ?? null,
    agentId: call.started.agentId,
    team: typeof metadata.team === 'string' ? metadata.team : null,
    startedAt: call.started.startedAt,
    durationMs: call.ended.durationMs,
    total,
    passMark: sc.passMark,
    passed,
    veto,
    items,
  };
}
