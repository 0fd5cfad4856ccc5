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

/** The longest turn a text-only call is assumed to hold (a platform's ASR segments are shorter). */
export const MAX_TEXT_TURN_MS = 20_000;

const AUDIENCE: Record<RuleNotify, Audience[]> = { agent: ['agent'], supervisor: ['supervisor'], both: ['agent', 'supervisor'], none: [] };
const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

interface OpenAlert {
  alertId: string;
  raisedAtMs: number;
  occurrences: number;
  startMs: number;
}

export interface DetectorOptions {
  /** The call's channels: in a text-only call, speech is known up to the last final of every one of them. */
  channels?: readonly Channel[];
}

export function createCallDetector(callId: string, rules: readonly CompiledRule[], emit: (alert: AlertBody) => void, options: DetectorOptions = {}): CallDetector {
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

  /*
   * Text-only calls: an utterance's span is only known when its final arrives, and a long turn on one channel
   * ends after the short turns the other channel said inside it. Speech is complete only up to the watermark,
   * the earliest of every channel's last final end (but at most MAX_TEXT_TURN_MS behind the latest); spans are
   * released in start order up to it and the clock never passes it, so a 20 s customer turn with an agent 「嗯」
   * inside is not dead air. The price: in a text-only call, time-based alerts come up to 20 s late.
   */
  const channels = options.channels ?? (['customer', 'agent'] as const);
  const lastFinalEnd = new Map<Channel, number>();
  const spans: { channel: Channel; startMs: number; endMs: number }[] = [];
  let textMode = false;
  let clock = 0;
  // No turn is assumed longer than MAX_TEXT_TURN_MS: a channel that stays quiet (or has not spoken yet)
  // delays the clock by that much at most.
  const watermark = (): number => {
    const latest = Math.max(0, ...lastFinalEnd.values());
    return Math.max(Math.min(...channels.map((c) => lastFinalEnd.get(c) ?? 0)), latest - MAX_TEXT_TURN_MS);
  };
  function advanceAll(nowMs: number): void {
    if (nowMs <= clock) return;
    clock = nowMs;
    for (const { ev } of evaluators) ev.advance?.(nowMs);
  }
  function releaseSpans(upTo: number, clockTo = upTo): void {
    spans.sort((a, b) => a.startMs - b.startMs);
    while (spans.length > 0 && spans[0]!.startMs < upTo) {
      const sp = spans.shift()!;
      advanceAll(sp.startMs);
      for (const { ev } of evaluators) ev.speechStart?.(sp.channel, sp.startMs);
      for (const { ev } of evaluators) ev.speechEnd?.(sp.channel, sp.startMs, sp.endMs);
    }
    advanceAll(clockTo);
  }

  return {
    utterance(u, activity) {
      if (activity) {
        textMode = true;
        lastFinalEnd.set(u.channel, Math.max(lastFinalEnd.get(u.channel) ?? 0, u.endMs));
        spans.push({ channel: u.channel, startMs: u.startMs, endMs: u.endMs });
        releaseSpans(Math.min(u.startMs, watermark()));
      }
      const forms = utteranceForms(u);
      for (const { ev } of evaluators) ev.utterance?.(u, forms);
      if (activity) releaseSpans(watermark());
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
      advanceAll(textMode ? Math.min(nowMs, watermark()) : nowMs);
      flush();
    },
    finish(endMs, reason) {
      releaseSpans(Infinity, endMs);
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
