import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openSocket, startCall, type NativeCallClient } from '../gateway/native/client.js';
import { FRAME_MS, type CallAudio } from './lib/audio.js';
import { collectEvents, type EventFigures } from './lib/collector.js';
import { sourceFingerprint, type Fingerprint } from './lib/fingerprint.js';
import { cpuMs, machineCpuMs, rssMiB, sampleRss, startServer } from './lib/server.js';
import { streamFrames, type PaceFigures } from './lib/pacer.js';
import { wallNow } from './lib/stats.js';
import { stopCalls } from './lib/stop-calls.js';

export interface CallsOptions {
  root: string;
  calls: number;
  audio: CallAudio;
  cores: number;
  /** Server's metric interval (its default). */
  metricIntervalMs?: number;
  /** How long to wait after the last frame for missing events before stopping the calls (default 20 s). */
  drainMs?: number;
  /** Extra flags for the server (e.g. --vad energy); none: its defaults. */
  serverArgs?: string[];
}

export interface CallsResult extends EventFigures, PaceFigures {
  calls: number;
  secondsPerCall: number;
  connected: number;
  connectErrors: string[];
  endedNormally: number;
  /** Calls whose `stop` got no `stopped` answer within 10 s. */
  stopTimeouts: number;
  /** Wall ms waited after the last frame until every expected event arrived (or the drain limit). */
  drainWaitMs: number;
  unexpectedCloses: number;
  /** Set if the console socket closed before the calls were stopped (e.g. dropped as a slow consumer). */
  eventsSocketClosedEarly: string | null;
  streamingWallS: number;
  /** Event-loop delay of the load generator beyond the monitor's 10 ms timer. */
  generatorLoopDelayMs: { p50: number; p99: number; max: number };
  server: { cpuPctOfOneCore: number; cpuPctOfMachine: number; mainThreadCpuPct: number; rssPeakMiB: number; rssMeanMiB: number; rssIdleMiB: number; rssSamples: number; exited: string | null; logLines: number };
  generator: { cpuPctOfOneCore: number; cpuPctOfMachine: number };
  /** Whole machine over the streaming window, % of one core: anything besides server + generator is other load. */
  machine: { busyPctOfOneCore: number; otherPctOfOneCore: number };
  /** The server's sources when it started and when the scenario ended (they are edited concurrently). */
  source: { atStart: Fingerprint; changedDuringRun: boolean };
  /** Set by the runner: which try this is and how busy the machine was just before it (% of one core). */
  attempt?: { index: number; machineBusyBeforePct: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number): number => Math.round(x * 10) / 10;
const LOOP_RESOLUTION_MS = 10;
/** The histogram records the whole interval between its 10 ms timer's runs: keep only the delay beyond it. */
const loopMs = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100);

/** N concurrent calls streaming the same stereo μ-law audio at real-time pace into one fresh server. */
export async function runCalls(opts: CallsOptions): Promise<CallsResult> {
  const { calls: n, audio } = opts;
  const frames = audio.frames;
  const atStart = sourceFingerprint(opts.root);
  const server = await startServer(opts.root, opts.serverArgs);
  const ws = `ws://127.0.0.1:${server.port}`;
  const clients: (NativeCallClient | null)[] = new Array<NativeCallClient | null>(n).fill(null);
  const connectErrors: string[] = [];
  let stopping = false;
  let unexpectedCloses = 0;
  let eventsSocketClosedEarly: string | null = null;
  let eventsSocket: Awaited<ReturnType<typeof openSocket>> | null = null;
  try {
    const runId = `bench-${Date.now()}-n${n}`;
    const callIndex = new Map<string, number>();
    const sendTimes: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      callIndex.set(`${runId}-${i}`, i);
      sendTimes.push(new Float64Array(frames).fill(NaN));
    }
    eventsSocket = await openSocket(`${ws}/v1/events?types=alert,metric`);
    const collector = collectEvents(eventsSocket, callIndex, sendTimes);
    eventsSocket.once('close', (code, reason) => {
      if (!stopping) eventsSocketClosedEarly = `${code} ${reason.toString('utf8')}`;
    });

    for (let b = 0; b < n; b += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, n - b) }, async (_, k) => {
          const i = b + k;
          try {
            const c = await startCall(ws, { callId: `${runId}-${i}`, agentId: `agent-${i}`, sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] });
            c.ws.on('error', () => {}); // surfaced through `closed` and send failures
            void c.closed.then(() => void (stopping || unexpectedCloses++));
            clients[i] = c;
          } catch (err) {
            connectErrors.push(`call ${i}: ${(err as Error).message}`);
          }
        }),
      );
    }
    const connected = clients.filter((c) => c !== null).length;

    // Stream from one scheduler loop; calls' starts are staggered over the first second.
    const rssIdleMiB = r1(rssMiB(server.pid));
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loopDelay.enable();
    const rss = sampleRss(server.pid);
    const t0 = wallNow() + 50;
    const starts = Float64Array.from({ length: n }, () => t0 + Math.random() * 1000);
    const cpu0 = cpuMs(server.pid);
    const main0 = cpuMs(server.pid, server.pid);
    const gen0 = process.cpuUsage();
    const mach0 = machineCpuMs();
    const wall0 = wallNow();
    const pace = await streamFrames(clients, audio.mulaw, starts, sendTimes);
    const wallMs = wallNow() - wall0;
    const serverCpu = cpuMs(server.pid) - cpu0;
    const mainCpu = cpuMs(server.pid, server.pid) - main0;
    const gen = process.cpuUsage(gen0);
    const mach1 = machineCpuMs();
    const mem = rss.stop();
    loopDelay.disable();

    // Let the last events arrive, then stop every call.
    const expectedMetric = connected * Math.floor((frames * FRAME_MS) / (opts.metricIntervalMs ?? 5000));
    const drainStart = Date.now();
    while (Date.now() < drainStart + (opts.drainMs ?? 20_000)) {
      const got = collector.received();
      if (got.metric >= expectedMetric && got.deadAir >= connected) break;
      await sleep(50);
    }
    const drainWaitMs = Date.now() - drainStart;
    stopping = true;
    const { endedNormally, stopTimeouts } = await stopCalls(clients);

    const cpuPct = (serverCpu / wallMs) * 100;
    const genPct = ((gen.user + gen.system) / 1000 / wallMs) * 100;
    const busyPct = ((mach1.busy - mach0.busy) / (mach1.total - mach0.total)) * opts.cores * 100;
    return {
      calls: n,
      secondsPerCall: (frames * FRAME_MS) / 1000,
      connected,
      connectErrors,
      endedNormally,
      stopTimeouts,
      drainWaitMs,
      unexpectedCloses,
      eventsSocketClosedEarly,
      streamingWallS: r1(wallMs / 1000),
      ...collector.figures(expectedMetric, connected),
      ...pace,
      generatorLoopDelayMs: { p50: loopMs(loopDelay.percentile(50)), p99: loopMs(loopDelay.percentile(99)), max: loopMs(loopDelay.max) },
      server: {
        cpuPctOfOneCore: r1(cpuPct), cpuPctOfMachine: r1(cpuPct / opts.cores), mainThreadCpuPct: r1((mainCpu / wallMs) * 100),
        rssPeakMiB: mem.peakMiB, rssMeanMiB: mem.meanMiB, rssIdleMiB, rssSamples: mem.samples, exited: server.exited(), logLines: server.logLines(),
      },
      generator: { cpuPctOfOneCore: r1(genPct), cpuPctOfMachine: r1(genPct / opts.cores) },
      machine: { busyPctOfOneCore: r1(busyPct), otherPctOfOneCore: r1(Math.max(0, busyPct - cpuPct - genPct)) },
      source: { atStart, changedDuringRun: sourceFingerprint(opts.root).sha256 !== atStart.sha256 },
    };
  } finally {
    stopping = true;
    for (const c of clients) c?.ws.terminate();
    eventsSocket?.terminate();
    await server.stop();
  }
}
