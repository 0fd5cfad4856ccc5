import type { Logger } from 'pino';
import type { EventBus } from '../bus.js';
import { EVENT_VERSION, type AlertEvent, type CallEndedEvent, type CallStartedEvent, type QaScoredEvent, type UtteranceEvent } from '../events.js';
import type { Store } from '../store/store.js';
import type { QaStore, Review, ReviewItem } from './qa-store.js';
import type { LoadedScorecard } from './scorecard.js';
import { callTotal, scoreCall, type CallForScoring, type QaResult } from './score.js';

export interface QaService {
  readonly scorecard: LoadedScorecard;
  /** Scores the call now unless it has a result; resolves to the stored result. */
  score(callId: string): QaResult | undefined;
  /** Scores the calls that ended while no QA worker ran. */
  catchUp(): number;
  /** Records an inspector's review: the machine result is kept, the review beside it. */
  review(callId: string, input: { reviewer: string; comment?: string; items: ReviewItem[]; veto?: boolean }): Review;
  /** Resolves once every queued call is scored (tests, shutdown). */
  idle(): Promise<void>;
  close(): void;
}

const PAGE = 5000;

/** A stored call's events, as scoring needs them; undefined while it has not ended. */
export function callForScoring(store: Store, callId: string): CallForScoring | undefined {
  let started: CallStartedEvent | undefined;
  let ended: CallEndedEvent | undefined;
  const alerts: AlertEvent[] = [];
  const utterances: UtteranceEvent[] = [];
  for (let after = 0; ; ) {
    const page = store.listEvents(callId, { afterSeq: after, limit: PAGE, types: ['call.started', 'call.ended', 'alert', 'utterance.final'] });
    for (const e of page) {
      if (e.type === 'call.started') started = e;
      else if (e.type === 'call.ended') ended = e;
      else if (e.type === 'alert') alerts.push(e);
      else if (e.type === 'utterance.final') utterances.push(e);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  return started && ended ? { started, ended, alerts, utterances } : undefined;
}

/**
 * The QA worker of this process: scores each call when its `call.ended` is published (after the store has
 * it: the recorder subscribes first), publishes `qa.scored`, opens an incident sheet (沟通单) for a veto or a
 * critical alert, and on start scores the calls that ended while no worker ran. Scoring runs off the
 * publishing turn (setImmediate), one call at a time.
 */
export function createQaService(deps: { store: Store; qa: QaStore; bus: EventBus; scorecard: LoadedScorecard; log: Logger; now?: () => number }): QaService {
  const { store, qa, bus, scorecard, log } = deps;
  const now = deps.now ?? Date.now;
  const queue: string[] = [];
  let running = false;
  let closed = false;
  let waiters: (() => void)[] = [];

  function score(callId: string): QaResult | undefined {
    const existing = qa.getResult(callId);
    if (existing) return existing.result;
    const call = callForScoring(store, callId);
    if (!call) return undefined;
    const result = scoreCall(scorecard, call);
    if (!qa.putResult(result, now())) return qa.getResult(callId)?.result;
    const record = store.getCall(callId);
    const event: QaScoredEvent = {
      v: EVENT_VERSION, type: 'qa.scored', callId, seq: (record?.lastSeq ?? call.ended.seq) + 1, at: call.ended.at, emittedAt: now(),
      scorecardId: result.scorecardId, scorecardVersion: result.scorecardVersion, total: result.total, passMark: result.passMark,
      passed: result.passed, veto: result.veto, items: result.items,
    };
    bus.publish(event);
    if (result.veto) {
      const item = result.items.find((i) => i.itemId === result.veto!.itemId)!;
      for (const ruleId of result.veto.ruleIds) {
        qa.openIncident({
          callId, agentId: result.agentId, source: 'veto', ruleId, createdAt: now(),
          evidence: item.evidence.filter((e) => e.ruleId === ruleId).map((e) => ({ quote: e.quote, channel: e.channel, startMs: e.startMs, endMs: e.endMs, alertId: e.alertId })),
        });
      }
    }
    log.info({ callId, total: result.total, passed: result.passed, veto: result.veto?.itemId ?? null }, 'call scored');
    return result;
  }

  function pump(): void {
    if (running || closed) return;
    running = true;
    setImmediate(() => {
      const callId = queue.shift();
      try {
        if (callId !== undefined) score(callId);
      } catch (err) {
        // One call's scoring fault is logged; the call is retried at the next start (it stays unscored).
        log.error({ err, callId }, 'QA scoring failed');
      }
      running = false;
      if (queue.length > 0) pump();
      else for (const w of waiters.splice(0)) w();
    });
  }
  const enqueue = (callId: string): void => {
    if (!queue.includes(callId)) queue.push(callId);
    pump();
  };

  const unsubscribe = [
    bus.subscribe({ types: ['call.ended'] }, (e) => enqueue(e.callId)),
    bus.subscribe({ types: ['alert'] }, (e) => {
      if (e.type !== 'alert' || e.severity !== 'critical' || e.status !== 'raised') return;
      try {
        qa.openIncident({
          callId: e.callId, agentId: store.getCall(e.callId)?.agentId ?? null, source: 'critical-alert', ruleId: e.ruleId, createdAt: now(),
          evidence: [{ quote: e.matchedText ?? e.message, channel: e.channel, startMs: e.startMs, endMs: e.endMs, alertId: e.alertId }],
        });
      } catch (err) {
        log.error({ err, callId: e.callId }, 'incident not recorded');
      }
    }),
  ];

  return {
    scorecard,
    score,
    catchUp() {
      const calls = qa.unscoredCalls(100_000);
      for (const c of calls) enqueue(c);
      if (calls.length > 0) log.info({ calls: calls.length }, 'scoring calls that ended while no QA worker ran');
      return calls.length;
    },
    review(callId, input) {
      const stored = qa.getResult(callId);
      if (!stored) throw new Error(`no QA result for ${callId}`);
      const r = stored.result;
      const overrides = new Map(input.items.map((i) => [i.itemId, i]));
      const veto = input.veto ?? r.veto !== null;
      const reviewed = r.items.map((i) => ({ ...i, points: overrides.get(i.itemId)?.points ?? i.points }));
      const { total, passed } = callTotal(reviewed, veto, scorecard.scorecard.vetoMode, r.passMark);
      return qa.addReview({
        callId, reviewer: input.reviewer, createdAt: now(), comment: input.comment ?? null, items: input.items,
        veto: input.veto ?? null, total, passed,
      });
    },
    idle() {
      return !running && queue.length === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      for (const u of unsubscribe) u();
      for (const w of waiters.splice(0)) w();
      waiters = [];
    },
  };
}
