import type WebSocket from 'ws';
import { FRAME_MS } from './audio.js';
import type { KeywordPlacement } from './conversation.js';
import { summarize, wallNow, type Summary } from './stats.js';

interface WireEvent {
  type: string;
  callId: string;
  at: number;
  emittedAt: number;
  lagMs?: number;
  ruleId?: string;
  kind?: string;
  status?: string;
  channel?: string;
  matchedText?: string;
  endMs?: number;
  endReason?: string;
  source?: string;
}

export interface CapacityEventFigures {
  metric: { received: number; expected: number };
  /** The metric events' own lagMs: age of the call's oldest unanalysed audio, worst channel. */
  lagMs: Summary;
  /** lagMs p95 / max by the metric's audio time, 5 s buckets: whether lag builds up, or comes in bursts. */
  lagByAtS: Record<string, [number | null, number | null]>;
  /** Console receive time − send time of the frame that completed the metric's interval. */
  metricLatencyMs: Summary;
  /** utterance.final (source asr): receive time − send time of the frame holding its endMs. */
  finals: { count: number; latencyMs: Summary };
  keywords: {
    expected: number;
    found: number;
    duplicates: number;
    /** Keyword alerts that match no keyword recording placed in the call, by `text@channel`. */
    unexpected: Record<string, number>;
    missed: Record<string, number>;
    /** The first few misses: `call N: keyword in clip@start s`. */
    missedSamples: string[];
    /** receive time − send time of the frame holding the alert's endMs (found hits only). */
    latencyMs: Summary;
    /** The server's emittedAt − that send time: the part before the console socket. */
    serverSideMs: Summary;
  };
  callLagAlerts: number;
  callEnded: Record<string, number>;
  otherAlerts: Record<string, number>;
  /** Events for a frame the generator had not sent yet, or unparseable (both should be 0). */
  beforeFrameSent: number;
  malformed: number;
}

const bump = (m: Record<string, number>, k: string): void => void (m[k] = (m[k] ?? 0) + 1);
/** A hit belongs to a placed recording if it ends inside it (with slack for the recogniser's timing). */
const SLACK_BEFORE_MS = 500;
const SLACK_AFTER_MS = 1500;

/** Listens on one console socket (`types=alert,metric,utterance.final,call.ended`) for the calls of one run. */
export function collectCapacityEvents(socket: WebSocket, callIndex: ReadonlyMap<string, number>, sendTimes: readonly Float64Array[], placements: readonly KeywordPlacement[][]) {
  const lag: number[] = [];
  const lagByAt = new Map<number, number[]>();
  const metricLat: number[] = [];
  const finalLat: number[] = [];
  const kwLat: number[] = [];
  const kwSrv: number[] = [];
  const seen = new Set<string>();
  const unexpected: Record<string, number> = {};
  const callEnded: Record<string, number> = {};
  const otherAlerts: Record<string, number> = {};
  let finals = 0;
  let duplicates = 0;
  let callLagAlerts = 0;
  let beforeFrameSent = 0;
  let malformed = 0;

  const sentAt = (call: number, ms: number): number | null => {
    const t = sendTimes[call]![Math.max(0, Math.ceil(ms / FRAME_MS) - 1)];
    if (t === undefined || Number.isNaN(t)) {
      beforeFrameSent++;
      return null;
    }
    return t;
  };

  socket.on('message', (data) => {
    const received = wallNow();
    let ev: WireEvent;
    try {
      ev = JSON.parse(String(data)) as WireEvent;
    } catch {
      malformed++;
      return;
    }
    const call = callIndex.get(ev.callId);
    if (call === undefined) return;
    if (ev.type === 'metric') {
      lag.push(ev.lagMs ?? NaN);
      const bucket = Math.floor((ev.at - 1) / 5000) * 5;
      if (!lagByAt.has(bucket)) lagByAt.set(bucket, []);
      lagByAt.get(bucket)!.push(ev.lagMs ?? 0);
      const t = sentAt(call, ev.at);
      if (t !== null) metricLat.push(received - t);
    } else if (ev.type === 'utterance.final') {
      if (ev.source !== 'asr') return;
      finals++;
      const t = sentAt(call, ev.endMs ?? ev.at);
      if (t !== null) finalLat.push(received - t);
    } else if (ev.type === 'call.ended') {
      bump(callEnded, ev.endReason ?? '?');
    } else if (ev.type === 'alert' && ev.kind === 'keyword') {
      const text = ev.matchedText ?? '?';
      const end = ev.endMs ?? ev.at;
      const p = ev.channel === 'customer' ? placements[call]!.findIndex((k) => k.keywords.includes(text) && end >= k.startMs - SLACK_BEFORE_MS && end <= k.endMs + SLACK_AFTER_MS) : -1;
      if (p < 0) return bump(unexpected, `${text}@${ev.channel}`);
      const key = `${call}:${p}:${text}`;
      if (seen.has(key)) return void duplicates++;
      seen.add(key);
      const t = sentAt(call, end);
      if (t !== null) {
        kwLat.push(received - t);
        kwSrv.push(ev.emittedAt - t);
      }
    } else if (ev.type === 'alert' && ev.ruleId === 'call-lag') {
      if (ev.status === 'raised') callLagAlerts++;
    } else if (ev.type === 'alert') {
      bump(otherAlerts, `${ev.ruleId}:${ev.status}`);
    }
  });

  return {
    metricsReceived: () => lag.length,
    callsEnded: () => Object.values(callEnded).reduce((a, b) => a + b, 0),
    figures(expectedMetric: number, connected: readonly boolean[]): CapacityEventFigures {
      const missed: Record<string, number> = {};
      const missedSamples: string[] = [];
      let expected = 0;
      placements.forEach((list, call) => {
        if (!connected[call]) return;
        list.forEach((k, p) => {
          for (const text of k.keywords) {
            expected++;
            if (seen.has(`${call}:${p}:${text}`)) continue;
            bump(missed, text);
            if (missedSamples.length < 8) missedSamples.push(`call ${call}: ${text} in ${k.clip}@${(k.startMs / 1000).toFixed(1)} s`);
          }
        });
      });
      return {
        metric: { received: lag.length, expected: expectedMetric },
        lagMs: summarize(lag.filter(Number.isFinite)),
        lagByAtS: Object.fromEntries([...lagByAt].sort((a, b) => a[0] - b[0]).map(([s, l]) => [`${s}-${s + 5}`, [summarize(l).p95, summarize(l).max]])),
        metricLatencyMs: summarize(metricLat),
        finals: { count: finals, latencyMs: summarize(finalLat) },
        keywords: { expected, found: seen.size, duplicates, unexpected, missed, missedSamples, latencyMs: summarize(kwLat), serverSideMs: summarize(kwSrv) },
        callLagAlerts, callEnded, otherAlerts, beforeFrameSent, malformed,
      };
    },
  };
}
