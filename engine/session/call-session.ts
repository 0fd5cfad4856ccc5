import type { Logger } from 'pino';
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
import { createEnergyVad } from '../vad/energy.js';
import type { VoiceActivityDetector } from '../vad/vad.js';
import { createDeadAirTracker } from './dead-air.js';

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
  deadAirMs: number;
  metricIntervalMs: number;
}

/** The narrow ports a session depends on (STYLE.md §3): where events go, a clock, a logger. */
export interface SessionPorts {
  publish(event: CallEvent): void;
  now(): number;
  log: Logger;
}

export type SessionState = 'live' | 'ended';

export interface CallSession {
  readonly callId: string;
  readonly state: SessionState;
  readonly audio: AudioFormat;
  /** Audio ms processed so far. */
  readonly audioMs: number;
  /** One binary frame of interleaved samples in the call's wire format. Throws EarshotError on a bad frame. */
  acceptAudio(frame: Uint8Array): void;
  acceptUtterance(utterance: TextUtterance): void;
  /** Ends the call once; later calls return the same event. */
  end(reason: EndReason, error?: { code: string; message: string }): CallEndedEvent;
}

interface ChannelState {
  role: Channel;
  vad: VoiceActivityDetector;
}

export function createCallSession(spec: CallSpec, options: SessionOptions, ports: SessionPorts): CallSession {
  const { callId } = spec;
  const log = ports.log;
  const decoder = createFrameDecoder(spec.audio);
  let seq = 0;
  let state: SessionState = 'live';
  let samplesProcessed = 0;
  let lastUtteranceEndMs = 0;
  let nextMetricMs = options.metricIntervalMs;
  let utterances = 0;
  const openUtterance = new Map<Channel, string>();
  let ended: CallEndedEvent | null = null;

  function emit<E extends CallEvent>(body: EventBody<E>): E {
    const event = { v: EVENT_VERSION, callId, seq: ++seq, emittedAt: ports.now(), ...body } as unknown as E;
    ports.publish(event);
    return event;
  }
  const audioMs = (): number => (samplesProcessed * 1000) / ENGINE_SAMPLE_RATE;

  const deadAir = createDeadAirTracker(options.deadAirMs, {
    onRaised(stretch, nowMs) {
      emit({
        type: 'alert', at: nowMs, alertId: `${callId}:dead-air:${stretch.index}`, ruleId: 'dead-air', kind: 'silence',
        severity: 'warning', channel: 'both', status: 'raised', startMs: stretch.startMs, endMs: null,
        durationMs: nowMs - stretch.startMs, message: `dead air: no one has spoken for ${Math.round((nowMs - stretch.startMs) / 1000)} s`,
        notify: ['agent', 'supervisor'],
      });
    },
    onResolved(stretch, endMs, nowMs) {
      emit({
        type: 'alert', at: nowMs, alertId: `${callId}:dead-air:${stretch.index}`, ruleId: 'dead-air', kind: 'silence',
        severity: 'warning', channel: 'both', status: 'resolved', startMs: stretch.startMs, endMs,
        durationMs: endMs - stretch.startMs, message: `dead air lasted ${((endMs - stretch.startMs) / 1000).toFixed(1)} s`,
        notify: ['agent', 'supervisor'],
      });
    },
  });

  const channels: ChannelState[] = spec.audio.channelRoles.map((role) => ({
    role,
    vad: createEnergyVad({
      onSpeechStart: (startMs) => deadAir.speechStarted(role, startMs, audioMs()),
      onSpeechEnd: (_startMs, endMs) => deadAir.speechEnded(role, endMs),
    }),
  }));

  function channelStats(): Partial<Record<Channel, ChannelStats>> {
    const stats: Partial<Record<Channel, ChannelStats>> = {};
    for (const ch of channels) {
      const processed = ch.vad.processedMs;
      const talkMs = Math.min(ch.vad.talkMs, processed);
      const silenceMs = processed - talkMs;
      stats[ch.role] = { talkMs, silenceMs, silenceRatio: processed > 0 ? Number((silenceMs / processed).toFixed(4)) : 0 };
    }
    return stats;
  }

  emit({
    type: 'call.started', at: 0, agentId: spec.agentId, protocol: spec.protocol, audio: spec.audio,
    metadata: spec.metadata, startedAt: ports.now(),
  });

  return {
    callId,
    audio: spec.audio,
    get state() {
      return state;
    },
    get audioMs() {
      return audioMs();
    },
    acceptAudio(frame) {
      if (state !== 'live') return;
      const perChannel = decoder.decode(frame);
      for (let c = 0; c < channels.length; c++) channels[c]!.vad.push(perChannel[c]!);
      samplesProcessed += perChannel[0]?.length ?? 0;
      const now = audioMs();
      deadAir.advance(now);
      while (now >= nextMetricMs) {
        emit({ type: 'metric', at: nextMetricMs, channels: channelStats(), bothSilentMs: deadAir.silentMs(nextMetricMs) });
        nextMetricMs += options.metricIntervalMs;
      }
    },
    acceptUtterance(u) {
      if (state !== 'live') return;
      let utteranceId = openUtterance.get(u.channel);
      if (utteranceId === undefined) {
        utteranceId = `${callId}:u${++utterances}`;
        openUtterance.set(u.channel, utteranceId);
      }
      if (u.final) openUtterance.delete(u.channel);
      lastUtteranceEndMs = Math.max(lastUtteranceEndMs, u.endMs);
      emit({
        type: u.final ? 'utterance.final' : 'utterance.partial', at: u.endMs, utteranceId, channel: u.channel,
        text: u.text, startMs: u.startMs, endMs: u.endMs, source: 'external',
      });
    },
    end(reason, error) {
      if (ended) return ended;
      state = 'ended';
      for (const ch of channels) ch.vad.flush();
      const durationMs = Math.max(audioMs(), lastUtteranceEndMs);
      deadAir.finish(audioMs());
      ended = emit<CallEndedEvent>({
        type: 'call.ended', at: durationMs, durationMs, endReason: reason, channels: channelStats(),
        ...(error ? { error } : {}),
      });
      log.info({ endReason: reason, durationMs, events: seq }, 'call ended');
      return ended;
    },
  };
}
