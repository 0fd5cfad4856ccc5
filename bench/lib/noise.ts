import { readdirSync, readFileSync } from 'node:fs';
import { cpuMs } from './server.js';

/** Who else used the CPU during a window: per-process CPU from /proc/<pid>/stat (all threads of each). */
export type ProcessTimes = Map<number, number>;

export function processTimes(): ProcessTimes {
  const out: ProcessTimes = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.set(Number(name), cpuMs(Number(name)));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function describe(pid: number): string {
  try {
    // Drop loader plumbing (`--import …/node_modules/tsx/…`) so the script's name survives the cut.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const cmd = args.filter((a, i) => !a.includes('node_modules/') && !(/^--(require|import|loader)$/.test(a) && args[i + 1]?.includes('node_modules/'))).join(' ');
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return (cmd || `[${comm}]`).replace(/\s+/g, ' ').slice(0, 120);
  } catch {
    return '?';
  }
}

export interface OtherProcess {
  /** Command line (the first 120 characters); processes with the same one are summed. */
  cmd: string;
  processes: number;
  cpuPctOfOneCore: number;
  /** Set when it is a child of the server (e.g. tsx's esbuild) or of this bench (e.g. perf). */
  childOf: 'server' | 'bench' | null;
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/**
 * Samples every process's CPU each `everyMs` until stopped, so short-lived processes (another session's
 * test runs) are seen too: each counts from when it was first seen (from 0 if born inside the window) to
 * when it was last seen. Returns the busiest commands other than the server and this bench.
 */
export function watchOthers(serverPid: number, everyMs = 500): { stop(wallMs: number, top?: number): OtherProcess[] } {
  const start = processTimes();
  const first = new Map(start);
  const last = new Map(start);
  const info = new Map<number, { cmd: string; childOf: OtherProcess['childOf'] }>();
  const take = (): void => {
    for (const [pid, ms] of processTimes()) {
      if (pid === serverPid || pid === process.pid) continue;
      if (!first.has(pid)) first.set(pid, 0);
      last.set(pid, ms);
      if (!info.has(pid)) {
        const ppid = parentOf(pid);
        info.set(pid, { cmd: describe(pid), childOf: ppid === serverPid ? 'server' : ppid === process.pid ? 'bench' : null });
      }
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop(wallMs, top = 6) {
      clearInterval(timer);
      take();
      const byCmd = new Map<string, OtherProcess>();
      for (const [pid, ms] of last) {
        const used = ms - (first.get(pid) ?? ms);
        const i = info.get(pid);
        if (!i || used <= 0) continue;
        const row = byCmd.get(i.cmd) ?? { cmd: i.cmd, processes: 0, cpuPctOfOneCore: 0, childOf: i.childOf };
        row.processes++;
        row.cpuPctOfOneCore += (used / wallMs) * 100;
        byCmd.set(i.cmd, row);
      }
      return [...byCmd.values()]
        .filter((r) => r.cpuPctOfOneCore >= 1)
        .sort((a, b) => b.cpuPctOfOneCore - a.cpuPctOfOneCore)
        .slice(0, top)
        .map((r) => ({ ...r, cpuPctOfOneCore: Math.round(r.cpuPctOfOneCore * 10) / 10 }));
    },
  };
}
