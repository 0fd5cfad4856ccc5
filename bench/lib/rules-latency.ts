import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCalls, paceUtterances } from './open-calls.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { startEarshot } from '../../earshot.js';
import { loadConfig } from '../../engine/config.js';
import { createLogger } from '../../engine/log.js';
import { openSocket, type NativeCallClient } from '../../gateway/native/client.js';
import { loadWindow, type LoadFigures } from './rules-load.js';
import type { ScriptTurn } from './rules-script.js';
import { summarize, wallNow, type Summary } from './stats.js';
import { stopCalls } from './stop-calls.js';

export interface LatencyOptions {
  calls: number;
  /** One script per call, and how many alerts each one's utterances raise (from the same rules in-process). */
  scripts: ScriptTurn[][];
  expected: number[];
  /** Call starts are spread over this many ms. */
  staggerMs: number;
  /** Wait this long after the last utterance for missing alerts. */
  drainMs: number;
  cores: number;
}

export interface LatencyResult extends LoadFigures {
  calls: number;
  connected: number;
  connectErrors: string[];
  utterancesSent: number;
  /** Alerts whose `at` is the end of the call's latest utterance.final, received before `stop`. */
  alerts: { matched: number; expected: number; byRule: Record<string, number>; otherAlerts: Record<string, number>; afterStop: number };
  /** Console-socket receive time − the client's send time of the utterance (same process clock). */
  latencyMs: Summary;
  /** alert.emittedAt − emittedAt of that utterance's utterance.final (server Date.now(), whole ms). */
  serverSideMs: Summary;
  /** utterance.final received − utterance sent: the pipeline without the rules. */
  utteranceFinalMs: Summary;
  /** Actual − scheduled send time of every utterance. */
  sendLagMs: Summary;
  /** Server, clients and subscriber share this process (and its event loop): beyond the monitor's 10 ms timer. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  endedNormally: number;
  stopTimeouts: number;
  unexpectedCloses: number;
  eventsSocketClosedEarly: string | null;
  serverClosed: boolean;
  serverLogLines: number;
}

interface WireEvent {
  type: string;
  callId: string;
  at: number;
  emittedAt: number;
  ruleId?: string;
  status?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Earshot in this process (text + energy-VAD mode, one analysis worker, the default rule pack), N native
 * calls sending their scripts as final text utterances at real-time pace from one scheduler loop (utterance
 * k of call i at start_i + endMs_k), one /v1/events subscriber timing every alert against its utterance.
 */
export async function runLatency(o: LatencyOptions): Promise<LatencyResult> {
  const n = o.calls;
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-bench-rules-'));
  let logLines = 0;
  const log = createLogger('warn', { write: (s: string) => void (logLines++, process.stderr.write(`[server] ${s}`)) });
  const config = loadConfig([], {}, {
    host: '127.0.0.1', port: 0, dataDir, logLevel: 'warn', model: 'none', fetchModel: 'no', vad: 'energy', analysisWorkers: 1, rulesWatch: 'no', kbWatch: 'no', grpc: 'no',
  });
  const earshot = await startEarshot(config, log);
  const ws = earshot.url.replace('http', 'ws');
  const clients: (NativeCallClient | null)[] = new Array<NativeCallClient | null>(n).fill(null);
  let events: WebSocket | null = null;
  let stopping = false;
  let serverClosed = false;
  try {
    const runId = `rules-${Date.now()}`;
    const callIndex = new Map(Array.from({ length: n }, (_, i) => [`${runId}-${i}`, i]));
    const sentAt = o.scripts.map((s) => new Float64Array(s.length).fill(NaN));
    const turnOfEnd = o.scripts.map((s) => new Map(s.map((t, k) => [t.endMs, k])));
    const lastFinal: ({ k: number; emittedAt: number } | null)[] = new Array(n).fill(null);
    const lat: number[] = [];
    const srv: number[] = [];
    const finals: number[] = [];
    const byRule: Record<string, number> = {};
    const otherAlerts: Record<string, number> = {};
    let afterStop = 0;
    const tally = (m: Record<string, number>, k: string): void => void (m[k] = (m[k] ?? 0) + 1);

    events = await openSocket(`${ws}/v1/events?types=alert,utterance.final`);
    let eventsSocketClosedEarly: string | null = null;
    events.once('close', (code, reason) => void (stopping || (eventsSocketClosedEarly = `${code} ${reason.toString('utf8')}`)));
    events.on('message', (data) => {
      const received = wallNow();
      const ev = JSON.parse(String(data)) as WireEvent;
      const i = callIndex.get(ev.callId);
      if (i === undefined) return;
      if (ev.type === 'utterance.final') {
        const k = turnOfEnd[i]!.get(ev.at);
        if (k === undefined) return;
        lastFinal[i] = { k, emittedAt: ev.emittedAt };
        finals.push(received - sentAt[i]![k]!);
        return;
      }
      const last = lastFinal[i];
      const key = `${ev.ruleId}:${ev.status}`;
      if (stopping) afterStop++;
      else if (last && ev.at === o.scripts[i]![last.k]!.endMs) {
        lat.push(received - sentAt[i]![last.k]!);
        srv.push(ev.emittedAt - last.emittedAt);
        tally(byRule, key);
      } else tally(otherAlerts, key);
    });

    const opened = await openCalls(ws, runId, clients, () => stopping);
    const connectErrors = opened.connectErrors;

    // Pace every call's utterances (open-calls.ts paceUtterances).
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const load = loadWindow(o.cores);
    const t0 = wallNow() + 100;
    const starts = Float64Array.from({ length: n }, (_, i) => t0 + (i * o.staggerMs) / n);
    const lags = await paceUtterances(clients, o.scripts, starts, sentAt);
    const paced = load.stop();
    loop.disable();

    const connected = clients.filter((c) => c !== null).length;
    const expected = o.expected.reduce((s, x, i) => s + (clients[i] ? x : 0), 0);
    const drainEnd = Date.now() + o.drainMs;
    while (lat.length < expected && Date.now() < drainEnd) await sleep(50);
    stopping = true;
    const { endedNormally, stopTimeouts } = await stopCalls(clients);
    await sleep(200); // the calls' last events (call end) reach the subscriber
    await earshot.close();
    serverClosed = true;

    const loopMs = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - 10) * 100) / 100);
    return {
      calls: n,
      connected,
      connectErrors,
      utterancesSent: sentAt.reduce((s, a) => s + a.filter((x) => !Number.isNaN(x)).length, 0),
      alerts: { matched: lat.length, expected, byRule, otherAlerts, afterStop },
      latencyMs: summarize(lat),
      serverSideMs: summarize(srv),
      utteranceFinalMs: summarize(finals),
      sendLagMs: summarize(lags),
      eventLoopDelayMs: { p50: loopMs(loop.percentile(50)), p99: loopMs(loop.percentile(99)), max: loopMs(loop.max) },
      ...paced,
      endedNormally,
      stopTimeouts,
      unexpectedCloses: opened.unexpectedCloses(),
      eventsSocketClosedEarly,
      serverClosed,
      serverLogLines: logLines,
    };
  } finally {
    stopping = true;
    for (const c of clients) c?.ws.terminate();
    events?.terminate();
    if (!serverClosed) await earshot.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}
