import type WebSocket from 'ws';
import { FRAME_MS } from './audio.js';
import { summarize, wallNow, type Summary } from './stats.js';

interface WireEvent {
  type: string;
  callId: string;
  at: number;
  emittedAt: number;
  ruleId?: string;
  status?: string;
}

export interface EventFigures {
  counts: {
    metric: number;
    expectedMetric: number;
    deadAirRaised: number;
    expectedDeadAir: number;
    deadAirResolved: number;
    callsWithOneDeadAir: number;
    callsWithoutDeadAir: number;
    callsWithSeveralDeadAir: number;
    /** Events whose trigger frame this generator had not sent yet (should be 0). */
    beforeFrameSent: number;
    malformed: number;
    /** Other alerts of these calls by ruleId:status (e.g. the engine's lag warning). */
    otherAlerts: Record<string, number>;
  };
  /** Console-socket receive time − send time of the frame that completed the trigger. */
  latencyMs: { deadAir: Summary; metric: Summary; combined: Summary };
  /** emittedAt (server Date.now()) − send time of that frame: the server-side portion. */
  serverSideMs: { deadAir: Summary; metric: Summary; combined: Summary };
  deadAirAtMs: Summary;
  /** Median metric latency (ms) by the event's audio time: shows whether lag is at call start or builds up. */
  metricP50ByAtMs: Record<string, number | null>;
}

/**
 * Listens on one console socket and turns metric and dead-air events into engine-overhead latencies,
 * matching each event to the frame that completed its trigger: index ceil(at / 20) − 1.
 */
export function collectEvents(socket: WebSocket, callIndex: ReadonlyMap<string, number>, sendTimes: readonly Float64Array[]) {
  const lat = { deadAir: [] as number[], metric: [] as number[] };
  const srv = { deadAir: [] as number[], metric: [] as number[] };
  const deadAirAt: number[] = [];
  const metricByAt = new Map<number, number[]>();
  const deadAirPerCall = new Uint16Array(sendTimes.length);
  let deadAirResolved = 0;
  let beforeFrameSent = 0;
  let malformed = 0;
  let metricCount = 0;
  const otherAlerts: Record<string, number> = {};

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
    if (call === undefined) return; // another run's call
    let kind: 'deadAir' | 'metric';
    if (ev.type === 'metric') kind = 'metric';
    else if (ev.type === 'alert' && ev.ruleId === 'dead-air' && ev.status === 'raised') kind = 'deadAir';
    else {
      if (ev.type === 'alert' && ev.ruleId === 'dead-air') deadAirResolved++;
      else if (ev.type === 'alert') otherAlerts[`${ev.ruleId}:${ev.status}`] = (otherAlerts[`${ev.ruleId}:${ev.status}`] ?? 0) + 1;
      return;
    }
    if (kind === 'metric') metricCount++;
    else {
      deadAirPerCall[call]!++;
      deadAirAt.push(ev.at);
    }
    const sent = sendTimes[call]![Math.ceil(ev.at / FRAME_MS) - 1];
    if (sent === undefined || Number.isNaN(sent)) {
      beforeFrameSent++;
      return;
    }
    lat[kind].push(received - sent);
    if (kind === 'metric') {
      const list = metricByAt.get(ev.at) ?? [];
      metricByAt.set(ev.at, list);
      list.push(received - sent);
    }
    srv[kind].push(ev.emittedAt - sent);
  });

  return {
    received: () => ({ metric: metricCount, deadAir: deadAirAt.length }),
    figures(expectedMetric: number, expectedDeadAir: number): EventFigures {
      let one = 0;
      let none = 0;
      for (const n of deadAirPerCall) if (n === 1) one++; else if (n === 0) none++;
      const three = (m: { deadAir: number[]; metric: number[] }) => ({
        deadAir: summarize(m.deadAir),
        metric: summarize(m.metric),
        combined: summarize([...m.deadAir, ...m.metric]),
      });
      return {
        counts: {
          metric: metricCount, expectedMetric, deadAirRaised: deadAirAt.length, expectedDeadAir, deadAirResolved,
          callsWithOneDeadAir: one, callsWithoutDeadAir: none, callsWithSeveralDeadAir: deadAirPerCall.length - one - none,
          beforeFrameSent, malformed, otherAlerts,
        },
        latencyMs: three(lat),
        serverSideMs: three(srv),
        deadAirAtMs: summarize(deadAirAt),
        metricP50ByAtMs: Object.fromEntries([...metricByAt].sort((a, b) => a[0] - b[0]).map(([at, l]) => [String(at), summarize(l).p50])),
      };
    },
  };
}
