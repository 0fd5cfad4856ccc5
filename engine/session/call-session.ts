import type { Logger } from 'pino';
import type { AnalysisBackend, ChannelHandle } from '../analysis/backend.js';
import type { AnalysisEvent } from '../analysis/messages.js';
import { createFrameDecoder, ENGINE_SAMPLE_RATE } from '../audio/frame-decoder.js';
import {
  EVENT_VERSION,
  type AudioFormat,
  type CallEndedEvent,
  type CallEvent,
  type Channel,
  type ChannelStats,
  type EndReason,
  type EventBody,
} from '../events.js';
import type { CallAssist, AssistedUtterance } from '../assist/call-assist.js';
import type { AlertBody, CallDetector } from '../detect/detector.js';
import { createEmotionMeter } from '../detect/emotion-meter.js';
import type { DetectUtterance } from '../detect/evaluator.js';
import { createSilenceMeter } from './silence-meter.js';
import { createLagMonitor } from './lag.js';

export interface CallSpec {
  callId: string;
  agentId: string | null;
  protocol: string;
  audio: AudioFormat;
  metadata: Record<string, unknown>;
}

/** A transcript that arrived as text (a telephony platform's own ASR), already validated by the gateway. */
export interface TextUtterance {
  channel: Channel;
  text: string;
  startMs: number;
  endMs: number;
  final: boolean;
}

export interface SessionOptions {
  metricIntervalMs: number;
  /** A channel analysed this far behind the audio received raises a lag warning. */
  lagWarnMs: number;
}

/** The narrow ports a session depends on (STYLE.md §3): where events go, where audio is analysed, a clock, a logger. */
export interface SessionPorts {
  publish(event: CallEvent): void;
  analysis: AnalysisBackend;
  /** Knowledge assist for this call, when a knowledge base is loaded. */
  assist?: CallAssist;
  /** The call's rule detector (dead air, phrases, …), created with the session's alert sink; absent: no rules. */
  rules?: (emit: (alert: AlertBody) => void) => CallDetector & { ruleSetVersion: string };
  now(): number;
  log: Logger;
}

export type SessionState = 'live' | 'ending' | 'ended';

export interface CallSession {
  readonly callId: string;
  readonly state: SessionState;
  readonly audio: AudioFormat;
  /** Audio ms received so far. */
  readonly audioMs: number;
  /** How long the oldest unanalysed audio has waited (ms, worst channel). */
  readonly lagMs: number;
  /** One binary frame of interleaved samples in the call's wire format. Throws EarshotError on a bad frame. */
  acceptAudio(frame: Uint8Array): void;
  acceptUtterance(utterance: TextUtterance): void;
  /** Ends the call once, after every received sample was analysed; later calls return the same event. */
  end(reason: EndReason, error?: { code: string; message: string }): Promise<CallEndedEvent>;
}

interface ChannelState {
  role: Channel;
  handle: ChannelHandle;
  processedMs: number;
  /** Events waiting for every channel to be analysed past them; `at` is the channel's progress when each was found. */
  pending: { at: number | null; e: Exclude<AnalysisEvent, { kind: 'progress' }> }[];
  closedTalkMs: number;
  speechStartMs: number | null;
}

export function createCallSession(spec: CallSpec, options: SessionOptions, ports: SessionPorts): CallSession {
  const { callId } = spec;
  const log = ports.log;
  const decoder = createFrameDecoder(spec.audio);
  let seq = 0;
  let state: SessionState = 'live';
  let samplesReceived = 0;
  let lastUtteranceEndMs = 0;
  let nextMetricMs = options.metricIntervalMs;
  let utterances = 0;
  let keywordHits = 0;
  const openUtterance = new Map<Channel, string>();
  let ending: Promise<CallEndedEvent> | null = null;

  function emit<E extends CallEvent>(body: EventBody<E>): E {
    const event = { v: EVENT_VERSION, callId, seq: ++seq, emittedAt: ports.now(), ...body } as unknown as E;
    ports.publish(event);
    return event;
  }
  const receivedMs = (): number => (samplesReceived * 1000) / ENGINE_SAMPLE_RATE;

  // Both-channel silence for the metrics; the dead-air alert itself is a rule (engine/detect, kind silence).
  const silence = createSilenceMeter();
  // The customer's anger for the metrics (the supervisor wall's trend); the emotion alerts are rules.
  const emotion = createEmotionMeter();
  const rules = ports.rules?.((alert) => emit(alert)) ?? null;

  const lag = createLagMonitor(options.lagWarnMs, (status, lagMs, nowMs) => {
    emit({
      type: 'alert', at: nowMs, alertId: `${callId}:call-lag`, ruleId: 'call-lag', kind: 'system', severity: 'warning',
      channel: 'both', status, startMs: nowMs, endMs: status === 'resolved' ? nowMs : null, durationMs: 0,
      message: status === 'raised' ? `EARSHOT_ERR_CALL_LAGGING: audio analysed ${Math.round(lagMs)} ms behind arrival` : 'analysis caught up',
      notify: ['supervisor'],
    });
  });

  const channels: ChannelState[] = spec.audio.channelRoles.map((role) => {
    const ch: ChannelState = { role, handle: null as unknown as ChannelHandle, processedMs: 0, pending: [], closedTalkMs: 0, speechStartMs: null };
    ch.handle = ports.analysis.open({ callId, channel: role }, (e) => onAnalysis(ch, e));
    return ch;
  });

  /** Talk and silence per channel up to `atMs` of audio. */
  function channelStats(atMs = Infinity): Partial<Record<Channel, ChannelStats>> {
    const stats: Partial<Record<Channel, ChannelStats>> = {};
    for (const ch of channels) {
      const processed = Math.min(ch.processedMs, atMs);
      const open = ch.speechStartMs === null ? 0 : Math.max(0, processed - ch.speechStartMs);
      const talkMs = Math.min(ch.closedTalkMs + open, processed);
      const silenceMs = processed - talkMs;
      stats[ch.role] = { talkMs, silenceMs, silenceRatio: processed > 0 ? Number((silenceMs / processed).toFixed(4)) : 0 };
    }
    return stats;
  }

  const worstLag = (): number => channels.reduce((m, ch) => Math.max(m, ch.handle.lagMs), 0);

  /**
   * Channels are analysed independently (often on different workers) and report at their own pace; events
   * are released in audio-time order once every channel is analysed past them, so that one channel running
   * ahead cannot, say, end a silence the other channel has not been heard through yet.
   */
  function onAnalysis(ch: ChannelState, e: AnalysisEvent): void {
    if (e.kind !== 'progress') {
      ch.pending.push({ at: null, e });
      return;
    }
    ch.processedMs = e.processedMs;
    for (const p of ch.pending) p.at ??= e.processedMs;
    const now = channels.reduce((m, c) => Math.min(m, c.processedMs), Infinity);
    const ready: { at: number; order: number; ch: ChannelState; e: Exclude<AnalysisEvent, { kind: 'progress' }> }[] = [];
    let order = 0;
    for (const c of channels) {
      while (c.pending.length > 0 && c.pending[0]!.at !== null && c.pending[0]!.at <= now) {
        const p = c.pending.shift()!;
        ready.push({ at: p.at!, order: order++, ch: c, e: p.e });
      }
    }
    ready.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const r of ready) {
      // A speech start is judged at its own start time: silence shorter than the threshold stays no dead air.
      advanceTo(r.e.kind === 'speech-start' ? r.e.startMs : r.at);
      handle(r.ch, r.e);
    }
    advanceTo(now);
    lag.observe(worstLag(), now);
  }

  /** Moves the call's clock to `t`, emitting what falls due on the way in audio-time order. */
  function advanceTo(t: number): void {
    while (t >= nextMetricMs) {
      rules?.advance(nextMetricMs);
      emit({
        type: 'metric', at: nextMetricMs, channels: channelStats(nextMetricMs), bothSilentMs: silence.silentMs(nextMetricMs), lagMs: Math.round(worstLag()),
        ...(rules ? { risk: rules.risk } : {}), emotion: { customer: emotion.customer(nextMetricMs) },
      });
      nextMetricMs += options.metricIntervalMs;
    }
    rules?.advance(t);
  }

  function handle(ch: ChannelState, e: Exclude<AnalysisEvent, { kind: 'progress' }>): void {
    switch (e.kind) {
      case 'speech-start':
        ch.speechStartMs = e.startMs;
        silence.speechStarted(ch.role, e.startMs);
        rules?.speechStart(ch.role, e.startMs);
        break;
      case 'speech-end':
        ch.closedTalkMs += e.endMs - e.startMs;
        ch.speechStartMs = null;
        silence.speechEnded(ch.role, e.endMs);
        rules?.speechEnd(ch.role, e.startMs, e.endMs, e.prosody);
        break;
      case 'partial':
      case 'final': {
        const r = e.result;
        const utteranceId = utteranceIdFor(ch.role, e.kind === 'final');
        emit({
          type: e.kind === 'final' ? 'utterance.final' : 'utterance.partial', at: r.endMs, utteranceId, channel: ch.role,
          text: r.text, pinyin: r.pinyin, ...(r.pinyinTonal ? { pinyinTonal: r.pinyinTonal } : {}), tokens: r.tokens,
          startMs: r.startMs, endMs: r.endMs, source: 'asr',
        });
        if (e.kind === 'final') {
          detect({ utteranceId, channel: ch.role, text: r.text, pinyin: r.pinyin, tokens: r.tokens, startMs: r.startMs, endMs: r.endMs }, false);
          if (ch.role === 'customer') emotion.customerFinal(r);
        }
        assist({ utteranceId, channel: ch.role, text: r.text, pinyin: r.pinyin, final: e.kind === 'final' }, r.endMs);
        break;
      }
      case 'keyword':
        emit({
          type: 'alert', at: e.hit.endMs, alertId: `${callId}:keyword:${++keywordHits}`, ruleId: 'keyword', kind: 'keyword',
          severity: 'info', channel: ch.role, status: 'raised', startMs: e.hit.startMs, endMs: e.hit.endMs,
          durationMs: e.hit.endMs - e.hit.startMs, message: `keyword heard: ${e.hit.keyword}`, notify: ['supervisor'],
          matchedText: e.hit.keyword,
        });
        break;
      case 'error':
        log.warn({ code: e.code, channel: ch.role, retryable: e.retryable }, 'channel analysis error');
        break;
    }
  }

  function detect(u: DetectUtterance, activity: boolean): void {
    if (!rules) return;
    try {
      rules.utterance(u, activity);
      if (activity) rules.advance(u.endMs);
    } catch (err) {
      // A rule fault costs this utterance's alerts, never the call.
      log.error({ err, utteranceId: u.utteranceId }, 'rule evaluation failed');
    }
  }

  function assist(u: AssistedUtterance, atMs: number): void {
    if (!ports.assist) return;
    let suggestion;
    try {
      suggestion = ports.assist.onUtterance(u);
    } catch (err) {
      // A knowledge-base fault costs this suggestion, never the call.
      log.error({ err }, 'knowledge assist failed');
      return;
    }
    if (suggestion) emit({ type: 'suggestion', at: atMs, ...suggestion, notify: ['agent'] });
  }

  function utteranceIdFor(channel: Channel, final: boolean): string {
    let id = openUtterance.get(channel);
    if (id === undefined) {
      id = `${callId}:u${++utterances}`;
      openUtterance.set(channel, id);
    }
    if (final) openUtterance.delete(channel);
    return id;
  }

  emit({
    type: 'call.started', at: 0, agentId: spec.agentId, protocol: spec.protocol, audio: spec.audio,
    metadata: spec.metadata, startedAt: ports.now(), ...(rules ? { ruleSetVersion: rules.ruleSetVersion } : {}),
  });

  async function finish(reason: EndReason, error?: { code: string; message: string }): Promise<CallEndedEvent> {
    state = 'ending';
    await Promise.all(channels.map((ch) => ch.handle.drain()));
    for (const ch of channels) ch.handle.close();
    const audioMs = receivedMs();
    lag.finish(audioMs);
    const durationMs = Math.max(audioMs, lastUtteranceEndMs);
    try {
      rules?.finish(durationMs, reason);
    } catch (err) {
      log.error({ err }, 'rule evaluation failed at the end of the call');
    }
    const ended = emit<CallEndedEvent>({
      type: 'call.ended', at: durationMs, durationMs, endReason: reason, channels: channelStats(), ...(error ? { error } : {}),
    });
    state = 'ended';
    log.info({ endReason: reason, durationMs, events: seq }, 'call ended');
    return ended;
  }

  return {
    callId,
    audio: spec.audio,
    get state() {
      return state;
    },
    get audioMs() {
      return receivedMs();
    },
    get lagMs() {
      return worstLag();
    },
    acceptAudio(frame) {
      if (state !== 'live') return;
      const perChannel = decoder.decode(frame);
      for (let c = 0; c < channels.length; c++) channels[c]!.handle.push(perChannel[c]!);
      samplesReceived += perChannel[0]?.length ?? 0;
    },
    acceptUtterance(u) {
      if (state !== 'live') return;
      const utteranceId = utteranceIdFor(u.channel, u.final);
      lastUtteranceEndMs = Math.max(lastUtteranceEndMs, u.endMs);
      emit({
        type: u.final ? 'utterance.final' : 'utterance.partial', at: u.endMs, utteranceId, channel: u.channel,
        text: u.text, startMs: u.startMs, endMs: u.endMs, source: 'external',
      });
      // A call without audio takes its utterances' spans as speech (silence, talk-over); with audio the VAD does.
      if (u.final) detect({ utteranceId, channel: u.channel, text: u.text, startMs: u.startMs, endMs: u.endMs }, samplesReceived === 0);
      if (u.final && u.channel === 'customer') emotion.customerFinal(u);
      assist({ utteranceId, channel: u.channel, text: u.text, final: u.final }, u.endMs);
    },
    end(reason, error) {
      ending ??= finish(reason, error);
      return ending;
    },
  };
}
