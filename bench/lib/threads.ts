import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpuMs } from './server.js';

/**
 * Per-thread CPU of the server process from /proc/<pid>/task/<tid>/stat. On Node 20 every thread's comm is
 * "node" (the pool's Worker `name` option does not name the OS thread), so threads are told apart by their
 * native stacks (outermost frames), read once with gdb when it is installed (a ~2 s pause, taken before the calls start):
 * node::worker::Worker::Run = a worker_threads thread (the analysis workers, and tsx's loader threads),
 * libuv's threadpool.c = the uv thread pool (where onnxruntime-node runs Silero's session.run),
 * PlatformWorkerThread / DelayedTaskScheduler = V8's platform threads (GC, compilation).
 */
export type ThreadKind = 'main' | 'worker' | 'uv-threadpool' | 'v8-platform' | 'inspector' | 'other' | 'unlabelled';

export interface ThreadCpu {
  tid: number;
  /** kind, and for workers whether it is one of the `analysisWorkers` busiest (the analysis pool). */
  label: string;
  cpuPctOfOneCore: number;
}

export interface ThreadFigures {
  /** How the threads were labelled: 'gdb stacks', or 'main only' without gdb. */
  method: string;
  threads: ThreadCpu[];
  /** CPU % of one core summed by label. */
  byLabel: Record<string, number>;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** CPU ms of every live thread of `pid`. */
export function threadTimes(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      out.set(Number(t), cpuMs(pid, Number(t)));
    } catch {
      // thread exited meanwhile
    }
  }
  return out;
}

/** Labels the threads of `pid` from their native stacks (gdb); null if gdb is missing or fails. */
export function labelThreads(pid: number, timeoutMs = 30_000): Promise<Map<number, ThreadKind> | null> {
  const args = ['-p', String(pid), '-batch', '-nx', '-ex', 'set pagination off', '-ex', 'thread apply all bt -8'];
  return new Promise((resolve) => {
    execFile('gdb', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err && !stdout) return resolve(null);
      const labels = new Map<number, ThreadKind>();
      for (const block of stdout.split(/\nThread \d+ /).slice(1)) {
        const tid = Number(/\(LWP (\d+)\)/.exec(block)?.[1]);
        if (!Number.isFinite(tid)) continue;
        labels.set(
          tid,
          tid === pid ? 'main'
            : /worker::Worker::Run/.test(block) ? 'worker'
            : /uv\/src\/threadpool\.c|uv__work|\bworker \(arg=/.test(block) ? 'uv-threadpool'
            : /PlatformWorkerThread|DelayedTaskScheduler/.test(block) ? 'v8-platform'
            : /inspector/.test(block) ? 'inspector'
            : 'other',
        );
      }
      resolve(labels.size > 0 ? labels : null);
    });
  });
}

/** CPU % of one core per thread over a window; the `analysisWorkers` busiest worker threads are the pool's. */
export function threadFigures(pid: number, before: Map<number, number>, after: Map<number, number>, wallMs: number, labels: Map<number, ThreadKind> | null, analysisWorkers: number): ThreadFigures {
  const rows = [...after].map(([tid, ms]) => ({ tid, kind: (tid === pid ? 'main' : labels?.get(tid) ?? 'unlabelled') as ThreadKind, pct: ((ms - (before.get(tid) ?? 0)) / wallMs) * 100 }));
  rows.sort((a, b) => b.pct - a.pct);
  let workersSeen = 0;
  const threads = rows.map((r): ThreadCpu => {
    let label: string = r.kind;
    if (r.kind === 'worker') label = workersSeen++ < analysisWorkers ? 'analysis worker' : 'other worker (tsx loader)';
    return { tid: r.tid, label, cpuPctOfOneCore: r1(r.pct) };
  });
  const byLabel: Record<string, number> = {};
  for (const t of threads) byLabel[t.label] = r1((byLabel[t.label] ?? 0) + t.cpuPctOfOneCore);
  return { method: labels ? 'gdb stacks' : 'main only (no gdb)', threads: threads.filter((t) => t.cpuPctOfOneCore >= 0.5), byLabel };
}
