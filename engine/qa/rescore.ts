/**
 * Scoring without the live pipeline: a transcript (or a stored call's utterances) run through a rule set and
 * scored on a scorecard. The rules evaluation of QA (`npm run eval:qa`) and what-if use it; live calls are
 * scored from the alerts they raised (qa-service.ts).
 */
import type { AlertEvent, CallEndedEvent, CallStartedEvent, EndReason, UtteranceEvent } from '../events.js';
import { EVENT_VERSION } from '../events.js';
import type { CompiledRule } from '../detect/evaluator.js';
import { replayTranscript, type ReplayTurn } from '../detect/replay.js';
import type { LoadedScorecard } from './scorecard.js';
import { scoreCall, type CallForScoring, type QaResult } from './score.js';

export interface TranscriptCall {
  callId: string;
  agentId?: string | null;
  metadata?: Record<string, unknown>;
  startedAt?: number;
  turns: ReplayTurn[];
  endMs?: number;
  endReason?: EndReason;
}

/** A transcript as the stored events scoring reads: call.started, finals, the rule set's alerts, call.ended. */
export function transcriptEvents(rules: readonly CompiledRule[], call: TranscriptCall, ruleSetVersion?: string): CallForScoring {
  const base = { v: EVENT_VERSION, callId: call.callId, emittedAt: call.startedAt ?? 0 };
  let seq = 0;
  const started: CallStartedEvent = {
    ...base, type: 'call.started', seq: ++seq, at: 0, agentId: call.agentId ?? null, protocol: 'replay',
    audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] }, metadata: call.metadata ?? {},
    startedAt: call.startedAt ?? 0, ...(ruleSetVersion ? { ruleSetVersion } : {}),
  };
  const utterances: UtteranceEvent[] = [...call.turns]
    .sort((a, b) => a.endMs - b.endMs)
    .map((t, i) => ({
      ...base, type: 'utterance.final', seq: ++seq, at: t.endMs, utteranceId: `${call.callId}:u${i + 1}`, channel: t.channel, text: t.text,
      ...(t.pinyin !== undefined ? { pinyin: t.pinyin } : {}), startMs: t.startMs, endMs: t.endMs, source: 'external',
    }));
  const endMs = call.endMs ?? Math.max(0, ...call.turns.map((t) => t.endMs));
  const alerts: AlertEvent[] = replayTranscript(rules, call.turns, { endMs, reason: call.endReason ?? 'stop' }, call.callId).map((a) => ({
    ...base, ...a, seq: ++seq,
  }));
  const ended: CallEndedEvent = { ...base, type: 'call.ended', seq: ++seq, at: endMs, durationMs: endMs, endReason: call.endReason ?? 'stop', channels: {} };
  return { started, ended, alerts, utterances };
}

export function scoreTranscript(card: LoadedScorecard, rules: readonly CompiledRule[], call: TranscriptCall): QaResult {
  return scoreCall(card, transcriptEvents(rules, call));
}
