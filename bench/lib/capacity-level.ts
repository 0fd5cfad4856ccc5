import { openSocket, startCall, type NativeCallClient } from '../../gateway/native/client.js';
import { FRAME_BYTES, FRAME_MS } from './audio.js';
import { collectCapacityEvents, type CapacityEventFigures } from './capacity-events.js';
import type { Conversation } from './conversation.js';
import { sourceFingerprint, type Fingerprint } from './fingerprint.js';
import { watchOthers, type OtherProcess } from './noise.js';
import { perfRecord, type PerfProfile } from './perf.js';
import { streamFrames } from './pacer.js';
import { cpuMs, machineCpuMs, rssMiB, sampleRss, startServer } from './server.js';
import { wallNow, type Summary } from './stats.js';
import { labelThreads, threadFigures, threadTimes, type ThreadFigures } from './threads.js';
import { warmUp } from './warmup.js';
import { stopCalls } from './stop-calls.js';

export interface LevelOptions {
  root: string;
  calls: number;
  conversation: Conversation;
  seconds: number;
  serverArgs: string[];
  cores: number;
  analysisWorkers: number;
  metricIntervalMs: number;
  /** Wait this long after the last frame for missing metric events ("in time"). */
  drainMs: number;
  /** Seconds of `perf` sampling in mid-stream (0: none). */
  perfSeconds: number;
  lagLimitMs: number;
  /** Calls and seconds of conversation streamed into the fresh server before the measured calls (0: none). */
  warmup: { calls: number; seconds: number };
}

export interface LevelResult extends CapacityEventFigures {
  calls: number;
  pass: boolean;
  failReasons: string[];
  connected: number;
  connectErrors: string[];
  secondsPerCall: number;
  streamingWallS: number;
  /** Metric events received by the end of the drain window after the last frame. */
  metricInTime: number;
  endedNormally: number;
  stopTimeouts: number;
  unexpectedCloses: number;
  eventsSocketClosedEarly: string | null;
  warmup: { calls: number; seconds: number; wallS: number } | null;
  server: {
    cpuPctOfOneCore: number; cpuPctOfMachine: number; mainThreadCpuPct: number; threads: ThreadFigures;
    rssIdleMiB: number; rssPeakMiB: number; rssMeanMiB: number; rssEndMiB: number; exited: string | null; logLines: number; logTail: string[];
  };
  generator: { cpuPctOfOneCore: number; sendLagMs: Summary; framesLateOver20ms: number; sendErrors: number };
  /** Whole machine over the streaming window, % of one core; other = not server, not generator (perf's own sampling included). */
  machine: { busyPctOfOneCore: number; otherPctOfOneCore: number; busiestOthers: OtherProcess[] };
  perf: PerfProfile | { error: string } | null;
  source: { atStart: Fingerprint; changedDuringRun: boolean };
  /** Set by the runner: which try, how busy the machine was just before (% of one core), wall seconds of the whole level. */
  attempt?: { index: number; machineBusyBeforePct: number; wallS: number; otherTries?: { try: number; pass: boolean; lagP99Ms: number | null; otherPctOfOneCore: number }[] };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number): number => Math.round(x * 10) / 10;
const STAGGER_MS = 2000;

/** One capacity level: N calls of distinct conversations at real-time pace into a fresh server. */
export async function runLevel(o: LevelOptions): Promise<LevelResult> {
  const n = o.calls;
  const audio = Array.from({ length: n }, (_, i) => o.conversation.build(i, o.seconds));
  const frames = audio[0]!.mulaw.length / FRAME_BYTES;
  const atStart = sourceFingerprint(o.root);
  const server = await startServer(o.root, o.serverArgs);
  const ws = `ws://127.0.0.1:${server.port}`;
  const clients: (NativeCallClient | null)[] = new Array<NativeCallClient | null>(n).fill(null);
  let stopping = false;
  let unexpectedCloses = 0;
  let eventsSocketClosedEarly: string | null = null;
  let eventsSocket: Awaited<ReturnType<typeof openSocket>> | null = null;
  try {
    const labels = await labelThreads(server.pid); // before any call: the pause costs nothing measured
    const warmup = o.warmup.calls > 0 && o.warmup.seconds > 0 ? await warmUp(ws, o.conversation, o.warmup.calls, o.warmup.seconds) : null;
    const runId = `cap-${Date.now()}-n${n}`;
    const callIndex = new Map(Array.from({ length: n }, (_, i) => [`${runId}-${i}`, i] as const));
    const sendTimes = Array.from({ length: n }, () => new Float64Array(frames).fill(NaN));
    eventsSocket = await openSocket(`${ws}/v1/events?types=alert,metric,utterance.final,call.ended`);
    const collector = collectCapacityEvents(eventsSocket, callIndex, sendTimes, audio.map((a) => a.keywordClips));
    eventsSocket.once('close', (code, reason) => void (stopping || (eventsSocketClosedEarly = `${code} ${reason.toString('utf8')}`)));
    const connectErrors: string[] = [];
    for (let b = 0; b < n; b += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, n - b) }, async (_, k) => {
          const i = b + k;
          try {
            const c = await startCall(ws, { callId: `${runId}-${i}`, agentId: `agent-${i}`, sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] });
            c.ws.on('error', () => {});
            void c.closed.then(() => void (stopping || unexpectedCloses++));
            clients[i] = c;
          } catch (err) {
            connectErrors.push(`call ${i}: ${(err as Error).message}`);
          }
        }),
      );
    }
    const connected = clients.map((c) => c !== null);
    const nConnected = connected.filter(Boolean).length;

    const rssIdleMiB = r1(rssMiB(server.pid));
    const rss = sampleRss(server.pid);
    const t0 = wallNow() + 50;
    const starts = Float64Array.from({ length: n }, (_, i) => t0 + (i * STAGGER_MS) / n);
    const watch = watchOthers(server.pid);
    const th0 = threadTimes(server.pid);
    const cpu0 = cpuMs(server.pid);
    const main0 = cpuMs(server.pid, server.pid);
    const gen0 = process.cpuUsage();
    const mach0 = machineCpuMs();
    const wall0 = wallNow();
    const perfAtMs = Math.max(0, (o.seconds - o.perfSeconds) * 500);
    const perfP = o.perfSeconds > 0 ? sleep(perfAtMs).then(() => perfRecord(server.pid, o.perfSeconds)) : null;
    const pace = await streamFrames(clients, audio.map((a) => a.mulaw), starts, sendTimes);
    const wallMs = wallNow() - wall0;
    const th1 = threadTimes(server.pid);
    const others = watch.stop(wallMs);
    const serverCpu = cpuMs(server.pid) - cpu0;
    const mainCpu = cpuMs(server.pid, server.pid) - main0;
    const gen = process.cpuUsage(gen0);
    const mach1 = machineCpuMs();
    const mem = rss.stop();
    const rssEndMiB = r1(rssMiB(server.pid));

    const expectedMetric = nConnected * Math.floor((frames * FRAME_MS) / o.metricIntervalMs);
    const drainEnd = Date.now() + o.drainMs;
    while (Date.now() < drainEnd && collector.metricsReceived() < expectedMetric) await sleep(50);
    const metricInTime = collector.metricsReceived();

    stopping = true;
    const { endedNormally, stopTimeouts } = await stopCalls(clients);
    for (let t = 0; t < 60 && collector.callsEnded() < nConnected; t++) await sleep(50);

    const figures = collector.figures(expectedMetric, connected);
    const perf = perfP ? await (await perfP)() : null; // the report after the calls: it costs CPU
    const cpuPct = (serverCpu / wallMs) * 100;
    const genPct = ((gen.user + gen.system) / 1000 / wallMs) * 100;
    const busyPct = ((mach1.busy - mach0.busy) / (mach1.total - mach0.total)) * o.cores * 100;
    const p99 = figures.lagMs.p99;
    const failReasons = [
      nConnected < n ? `${n - nConnected} calls refused` : '',
      p99 === null ? 'no metric events' : p99 >= o.lagLimitMs ? `lag p99 ${p99} ms ≥ ${o.lagLimitMs} ms` : '',
      metricInTime < expectedMetric ? `${metricInTime}/${expectedMetric} metric events within ${o.drainMs / 1000} s of the last frame` : '',
      endedNormally < n ? `${endedNormally}/${n} calls ended normally after stop` : '',
      server.exited() ? `server exited (${server.exited()})` : '',
    ].filter(Boolean);
    return {
      calls: n, pass: failReasons.length === 0, failReasons, connected: nConnected, connectErrors: connectErrors.slice(0, 5),
      secondsPerCall: (frames * FRAME_MS) / 1000, streamingWallS: r1(wallMs / 1000), metricInTime,
      ...figures, endedNormally, stopTimeouts, unexpectedCloses, eventsSocketClosedEarly, warmup,
      server: {
        cpuPctOfOneCore: r1(cpuPct), cpuPctOfMachine: r1(cpuPct / o.cores), mainThreadCpuPct: r1((mainCpu / wallMs) * 100),
        threads: threadFigures(server.pid, th0, th1, wallMs, labels, o.analysisWorkers),
        rssIdleMiB, rssPeakMiB: mem.peakMiB, rssMeanMiB: mem.meanMiB, rssEndMiB, exited: server.exited(), logLines: server.logLines(), logTail: server.logTail.slice(-3),
      },
      generator: { cpuPctOfOneCore: r1(genPct), sendLagMs: pace.sendLagMs, framesLateOver20ms: pace.framesLateOver20ms, sendErrors: pace.sendErrors },
      machine: { busyPctOfOneCore: r1(busyPct), otherPctOfOneCore: r1(Math.max(0, busyPct - cpuPct - genPct)), busiestOthers: others },
      perf,
      source: { atStart, changedDuringRun: sourceFingerprint(o.root).sha256 !== atStart.sha256 },
    };
  } finally {
    stopping = true;
    for (const c of clients) c?.ws.terminate();
    eventsSocket?.terminate();
    await server.stop();
  }
}
