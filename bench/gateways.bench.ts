/**
 * Adapter overhead per protocol: N concurrent stereo 8 kHz μ-law calls streamed at real-time pace through each
 * telephony protocol (bench/lib/drivers/*.ts) into a fresh server (a child process, energy VAD, no speech
 * model, so the audio path up to the VAD is what is measured), against the native WebSocket protocol in the
 * same run. Per protocol: server CPU (whole process and main thread) per 20 ms frame received, the main
 * thread's share of a core, and the difference from native. A per-frame p99 would need timers inside the
 * server's hot path; this measures the CPU those frames cost instead, from /proc.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallAudio } from './lib/audio.js';
import { FRAME_BYTES, FRAME_MS } from './lib/audio.js';
import type { DriverCall, ProtocolDriver } from './lib/drivers/driver.js';
import { cpuMs, machineCpuMs, startServer, waitForQuiet } from './lib/server.js';
import { summarize, wallNow, type Summary } from './lib/stats.js';

export interface GatewayRow {
  protocol: string;
  calls: number;
  connected: number;
  framesSent: number;
  sendErrors: number;
  sendLagMs: Summary;
  streamingWallS: number;
  server: { cpuPctOfOneCore: number; mainThreadCpuPct: number; cpuUsPerFrame: number; mainThreadUsPerFrame: number };
  /** This protocol's µs per frame minus native's, whole process and main thread (null for native itself). */
  overVsNative: { cpuUsPerFrame: number; mainThreadUsPerFrame: number } | null;
  otherLoadPctOfOneCore: number;
  stopErrors: number;
  exited: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number): number => Math.round(x * 10) / 10;

/** Every ProtocolDriver exported by a file of bench/lib/drivers, native first. */
export async function loadDrivers(root: string): Promise<ProtocolDriver[]> {
  const dir = join(root, 'bench', 'lib', 'drivers');
  const out: ProtocolDriver[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'driver.ts').sort()) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      const d = v as Partial<ProtocolDriver>;
      if (d && typeof d.open === 'function' && typeof d.protocol === 'string') out.push(d as ProtocolDriver);
    }
  }
  return out.sort((a, b) => (a.protocol === 'native-ws' ? -1 : b.protocol === 'native-ws' ? 1 : a.protocol.localeCompare(b.protocol)));
}

async function runProtocol(root: string, driver: ProtocolDriver, calls: number, audio: CallAudio): Promise<Omit<GatewayRow, 'overVsNative'>> {
  const server = await startServer(root, ['--vad', 'energy', '--model', 'none', '--analysis-workers', '1', '--rules-watch', 'no', '--kb-watch', 'no']);
  const target = { httpUrl: `http://127.0.0.1:${server.port}`, wsUrl: `ws://127.0.0.1:${server.port}`, grpcPort: server.grpcPort };
  const clients: (DriverCall | null)[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      try {
        clients.push(await driver.open(target, `${driver.protocol}-${i}`));
      } catch (err) {
        clients.push(null);
        process.stderr.write(`bench gateways: ${driver.protocol} call ${i} refused: ${(err as Error).message}\n`);
      }
    }
    await sleep(500);
    const frames = audio.frames;
    const starts = Float64Array.from({ length: calls }, (_, i) => wallNow() + (i * 1000) / calls);
    const next = new Int32Array(calls);
    const lags: number[] = [];
    let sent = 0;
    let errors = 0;
    const cpu0 = cpuMs(server.pid);
    const main0 = cpuMs(server.pid, server.pid);
    const m0 = machineCpuMs();
    const t0 = wallNow();
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = wallNow();
        let done = 0;
        for (let i = 0; i < calls; i++) {
          const c = clients[i];
          if (!c || next[i]! >= frames) {
            done++;
            continue;
          }
          const due = Math.min(frames - 1, Math.floor((now - starts[i]!) / FRAME_MS));
          while (next[i]! <= due) {
            const k = next[i]!++;
            try {
              c.sendFrame(audio.mulaw.subarray(k * FRAME_BYTES, (k + 1) * FRAME_BYTES));
              sent++;
            } catch {
              errors++;
            }
            lags.push(now - (starts[i]! + k * FRAME_MS));
          }
        }
        if (done === calls) resolve();
        else setTimeout(tick, 5);
      };
      tick();
    });
    const wallMs = wallNow() - t0;
    // Let the server take in what is still in flight before reading its CPU.
    await sleep(300);
    const cpu = cpuMs(server.pid) - cpu0;
    const main = cpuMs(server.pid, server.pid) - main0;
    const m1 = machineCpuMs();
    const machineBusyPct = ((m1.busy - m0.busy) / (wallMs + 300)) * 100;
    let stopErrors = 0;
    await Promise.all(clients.map((c) => c?.stop().catch(() => void stopErrors++)));
    return {
      protocol: driver.protocol, calls, connected: clients.filter(Boolean).length, framesSent: sent, sendErrors: errors,
      sendLagMs: summarize(lags), streamingWallS: r1(wallMs / 1000),
      server: {
        cpuPctOfOneCore: r1((cpu / (wallMs + 300)) * 100), mainThreadCpuPct: r1((main / (wallMs + 300)) * 100),
        cpuUsPerFrame: sent ? r1((cpu * 1000) / sent) : 0, mainThreadUsPerFrame: sent ? r1((main * 1000) / sent) : 0,
      },
      // The machine beyond the server and this generator (approximate: the generator's own CPU is in it).
      otherLoadPctOfOneCore: r1(Math.max(0, machineBusyPct - (cpu / (wallMs + 300)) * 100)),
      stopErrors,
      exited: server.exited(),
    };
  } finally {
    await server.stop();
  }
}

export async function gatewaysScenario(opts: { root: string; calls: number; audio: CallAudio; quietWaitMs: number }): Promise<{ rows: GatewayRow[] }> {
  const drivers = await loadDrivers(opts.root);
  const rows: GatewayRow[] = [];
  for (const d of drivers) {
    await waitForQuiet(opts.quietWaitMs);
    const row = await runProtocol(opts.root, d, opts.calls, opts.audio);
    rows.push({ ...row, overVsNative: null });
  }
  const native = rows.find((r) => r.protocol === 'native-ws');
  for (const r of rows) {
    if (!native || r === native) continue;
    r.overVsNative = {
      cpuUsPerFrame: r1(r.server.cpuUsPerFrame - native.server.cpuUsPerFrame),
      mainThreadUsPerFrame: r1(r.server.mainThreadUsPerFrame - native.server.mainThreadUsPerFrame),
    };
  }
  return { rows };
}

export function gatewaysMarkdown(rows: readonly GatewayRow[], calls: number, seconds: number): string {
  return [
    '# Telephony adapters: CPU per frame (`npm run bench -- --scenario gateways`)',
    '',
    `${calls} concurrent stereo 8 kHz μ-law calls per protocol, ${seconds} s at real-time pace, each protocol in a fresh server (child process; energy VAD, no speech model).`,
    'CPU from /proc over the streaming window, divided by the 20 ms frames sent; "over native" is the difference from the native WebSocket protocol in the same run.',
    '',
    '| protocol | connected | frames | server CPU % of a core | main thread % | µs/frame (process) | µs/frame (main) | over native µs/frame (process / main) | send lag p99 ms | other load % |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      `| ${r.protocol} | ${r.connected}/${r.calls} | ${r.framesSent} | ${r.server.cpuPctOfOneCore} | ${r.server.mainThreadCpuPct} | ${r.server.cpuUsPerFrame} | ${r.server.mainThreadUsPerFrame} | ${r.overVsNative ? `${r.overVsNative.cpuUsPerFrame} / ${r.overVsNative.mainThreadUsPerFrame}` : '(baseline)'} | ${r.sendLagMs.p99} | ${r.otherLoadPctOfOneCore} |`,
    ),
    '',
  ].join('\n');
}
