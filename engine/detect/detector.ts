/**
 * Rules → alerts for one call. The session feeds it, in audio-time order, final utterances (both channels),
 * speech activity (from the VAD, or from the utterances' own spans in a text-only call) and its clock; the
 * detector runs every rule of the call's rule set and turns findings into alert bodies: cooldown merging,
 * who is told, the scorecard item, and the call's risk.
 */
import type { SegmentProsody } from '../audio/prosody.js';
import type { AlertEvent, Audience, CallRisk, Channel, EndReason, EventBody, Severity } from '../events.js';
import { utteranceForms } from './forms.js';
import type { CompiledRule, DetectUtterance, Finding, RuleContext, RuleEvaluator } from './evaluator.js';
import type { Rule, RuleNotify } from './rule.js';

export type AlertBody = EventBody<AlertEvent>;

export interface CallDetector {
  /** A final utterance. `activity`: take the utterance's span as the channel's speech (calls without audio). */
  utterance(u: DetectUtterance, activity: boolean): void;
  speechStart(channel: Channel, startMs: number): void;
  speechEnd(channel: Channel, startMs: number, endMs: number, prosody?: SegmentProsody): void;
  /** The call's audio time has reached `nowMs` (every channel analysed up to it). */
  advance(nowMs: number): void;
  finish(endMs: number, reason: EndReason): void;
  readonly risk: CallRisk;
}

const AUDIENCE: Record<RuleNotify, Audience[]> = { agent: ['agent'], supervisor: ['supervisor'], both: ['agent', 'supervisor'], none: [] };
const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

interface OpenAlert {
  alertId: string;
  raisedAtMs: number;
  occurrences: number;
  startMs: number;
}

export function createCallDetector(callId: string, rules: readonly CompiledRule[], emit: (alert: AlertBody) => void): CallDetector {
  const hits = new Map<string, number[]>();
  const open = new Map<string, OpenAlert>();
  const counters = new Map<string, number>();
  let worst = 0;
  let supervisorAlerts = 0;
  const evaluators: { rule: Rule; ev: RuleEvaluator }[] = [];
  /** Alerts of one step (an utterance, a clock advance), emitted in audio-time order once the step is done. */
  const queue: AlertBody[] = [];
  const flush = (): void => {
    if (queue.length === 0) return;
    const batch = queue.splice(0).sort((a, b) => a.at - b.at);
    for (const a of batch) emit(a);
  };

  const risk = (): CallRisk => ({ level: (['none', 'low', 'medium', 'high'] as const)[worst]!, alerts: supervisorAlerts });

  function contextFor(rule: Rule): RuleContext {
    const w = rule.window;
    const notify = AUDIENCE[rule.notify];
    const base = (f: Finding) => ({
      type: 'alert' as const, ruleId: rule.id, kind: rule.kind, severity: rule.severity, channel: f.channel, notify,
      ...(rule.scorecardItem ? { scorecardItem: rule.scorecardItem } : {}),
    });
    return {
      report(f) {
        const list = hits.get(rule.id) ?? [];
        list.push(f.atMs);
        hits.set(rule.id, list);
        const prev = open.get(rule.id);
        const merge = prev && !f.lasting && (f.mergeAlways || (rule.cooldownMs !== undefined && f.atMs - prev.raisedAtMs < rule.cooldownMs));
        let alertId: string;
        if (merge) {
          prev.occurrences++;
          alertId = prev.alertId;
          queue.push({
            ...base(f), at: f.atMs, alertId, status: 'updated', startMs: f.startMs, endMs: f.endMs, durationMs: (f.endMs ?? f.atMs) - f.startMs,
            message: f.message, occurrences: prev.occurrences, ...matched(f), risk: risk(),
          });
        } else {
          const n = (counters.get(rule.id) ?? 0) + 1;
          counters.set(rule.id, n);
          alertId = `${callId}:${rule.id}:${n}`;
          open.set(rule.id, { alertId, raisedAtMs: f.atMs, occurrences: 1, startMs: f.startMs });
          if (notify.includes('supervisor')) {
            supervisorAlerts++;
            worst = Math.max(worst, SEVERITY_RANK[rule.severity]);
          }
          queue.push({
            ...base(f), at: f.atMs, alertId, status: 'raised', startMs: f.startMs, endMs: f.endMs, durationMs: (f.endMs ?? f.atMs) - f.startMs,
            message: f.message, occurrences: 1, ...matched(f), risk: risk(),
          });
        }
        for (const other of evaluators) if (other.rule.id !== rule.id) other.ev.otherHit?.(rule.id, f.atMs);
        return alertId;
      },
      resolve(alertId, endMs, atMs, message) {
        const a = open.get(rule.id);
        queue.push({
          ...base({ channel: rule.channel === 'any' ? 'both' : rule.channel } as Finding), at: atMs, alertId, status: 'resolved',
          startMs: a?.startMs ?? endMs, endMs, durationMs: endMs - (a?.startMs ?? endMs), message, occurrences: a?.occurrences ?? 1, risk: risk(),
        });
      },
      hitsOf: (ruleId) => hits.get(ruleId) ?? [],
      inWindow(t) {
        if (!w) return true;
        if (w.fromMs !== undefined && t < w.fromMs) return false;
        if (w.toMs !== undefined && t >= w.toMs) return false;
        if (w.afterRule !== undefined) {
          const after = hits.get(w.afterRule) ?? [];
          return after.some((h) => t >= h && t - h <= (w.withinMs ?? 0));
        }
        return true;
      },
    };
  }

  for (const c of rules) evaluators.push({ rule: c.rule, ev: c.create(contextFor(c.rule)) });

  return {
    utterance(u, activity) {
      if (activity) {
        // Text-only call: the silence before this utterance is judged up to its start, then its span is speech.
        for (const { ev } of evaluators) ev.advance?.(u.startMs);
        for (const { ev } of evaluators) ev.speechStart?.(u.channel, u.startMs);
        for (const { ev } of evaluators) ev.speechEnd?.(u.channel, u.startMs, u.endMs);
      }
      const forms = utteranceForms(u);
      for (const { ev } of evaluators) ev.utterance?.(u, forms);
      flush();
    },
    speechStart(channel, startMs) {
      for (const { ev } of evaluators) ev.speechStart?.(channel, startMs);
      flush();
    },
    speechEnd(channel, startMs, endMs, prosody) {
      for (const { ev } of evaluators) ev.speechEnd?.(channel, startMs, endMs, prosody);
      flush();
    },
    advance(nowMs) {
      for (const { ev } of evaluators) ev.advance?.(nowMs);
      flush();
    },
    finish(endMs, reason) {
      for (const { ev } of evaluators) ev.advance?.(endMs);
      for (const { ev } of evaluators) ev.finish?.(endMs, reason);
      flush();
    },
    get risk() {
      return risk();
    },
  };
}

function matched(f: Finding): Pick<AlertBody, 'matchedText' | 'matchedForm'> {
  return { ...(f.matchedText !== undefined ? { matchedText: f.matchedText } : {}), ...(f.matchedForm ? { matchedForm: f.matchedForm } : {}) };
}
