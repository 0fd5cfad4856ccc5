import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An Earshot server running as a child process, so its CPU and memory are measured apart from the load. */
export interface ServerChild {
  readonly pid: number;
  readonly port: number;
  /** The gRPC port it was given (free when it started). */
  readonly grpcPort: number;
  readonly dataDir: string;
  /** Log lines (warn and above at --log-level warn) and stderr lines of the server, the last 200. */
  readonly logTail: string[];
  /** How many such lines in all. */
  logLines(): number;
  /** Non-null once the child has exited: how. */
  exited(): string | null;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startServer(root: string, extraArgs: string[] = []): Promise<ServerChild> {
  const port = await freePort();
  const grpcPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-bench-'));
  const args = ['--import', 'tsx', join(root, 'cli.ts'), '--port', String(port), '--grpc-port', String(grpcPort), '--data-dir', dataDir, '--log-level', 'warn', ...extraArgs];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const logTail: string[] = [];
  let logCount = 0;
  // pino writes its (JSON) logs to stdout; the start-up banner goes there too and is dropped.
  const follow = (stream: NodeJS.ReadableStream, onlyJson: boolean): void => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '' || (onlyJson && !line.startsWith('{'))) continue;
        logCount++;
        if (logTail.push(line) > 200) logTail.shift();
        process.stderr.write(`[server] ${line}\n`);
      }
    });
  };
  follow(child.stdout!, true);
  follow(child.stderr!, false);
  let exit: string | null = null;
  const killOnExit = (): void => void child.kill('SIGKILL'); // never leave a server behind if the bench dies
  process.once('exit', killOnExit);
  const exitedP = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = `code ${code} signal ${signal}`;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (exit === null) {
      child.kill('SIGTERM');
      await Promise.race([exitedP, sleep(5000)]);
      if (exit === null) {
        child.kill('SIGKILL');
        await Promise.race([exitedP, sleep(2000)]);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exit !== null) throw new Error(`server exited during start-up (${exit}): ${logTail.slice(-5).join(' | ')}`);
      if (Date.now() > deadline) throw new Error('server did not answer /healthz within 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid!, port, grpcPort, dataDir, logTail, logLines: () => logCount, exited: () => exit, stop };
}

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime in ms from /proc/<pid>/stat (fields 14 and 15): all threads, or only thread `tid`'s. */
export function cpuMs(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

/** Resident set size in MiB, from VmRSS in /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples a process's RSS every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 1000): { stop(): { peakMiB: number; meanMiB: number; samples: number } } {
  const samples: number[] = [];
  const take = (): void => {
    try {
      samples.push(rssMiB(pid));
    } catch {
      // process gone: the caller reports the exit
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const ok = samples.filter(Number.isFinite);
      const r1 = (x: number): number => Math.round(x * 10) / 10;
      return { peakMiB: r1(Math.max(...ok)), meanMiB: r1(ok.reduce((a, b) => a + b, 0) / (ok.length || 1)), samples: ok.length };
    },
  };
}

/** Busy and total CPU ms of the whole machine (all cores), from the first line of /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: ((total - idle) * 1000) / ticksPerSecond(), total: (total * 1000) / ticksPerSecond() };
}

/**
 * Waits (up to `limitMs`) for a window of `windowMs` in which the whole machine is under `maxBusyPct`
 * of one core busy: other work on a shared machine would otherwise be measured as engine overhead.
 * Returns the busy % of the last window seen.
 */
export async function waitForQuiet(limitMs: number, maxBusyPct = 20, windowMs = 3000): Promise<number> {
  const cores = Math.max(1, (readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm) ?? []).length);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const a = machineCpuMs();
    await sleep(windowMs);
    const b = machineCpuMs();
    const busy = ((b.busy - a.busy) / (b.total - a.total)) * cores * 100;
    if (busy < maxBusyPct || Date.now() >= deadline) return Math.round(busy);
  }
}
