import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A short sampling profile of the server with Linux `perf` (cpu-clock, all its threads), when perf is
 * installed: which shared objects and native functions the CPU went to. libonnxruntime.so is sherpa-onnx's
 * ONNX Runtime (the recogniser), libonnxruntime.so.1 is onnxruntime-node's (Silero VAD), `node` is V8 and
 * Node's C++ (interpreter, GC, builtins), JIT-compiled JavaScript shows as [unknown] / [JIT].
 */
export interface PerfProfile {
  seconds: number;
  samples: number;
  /** % of the samples per shared object. */
  byDso: { dso: string; pct: number }[];
  /** Top native functions, % of the samples. */
  topSymbols: { dso: string; symbol: string; pct: number }[];
  /** Busiest thread × shared object pairs, % of the samples. */
  byThreadDso: { tid: number; dso: string; pct: number }[];
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args[0]}: ${err.message} ${String(stderr).slice(0, 300)}`));
      else resolve(stdout);
    });
  });
}

/** Rows of `perf report --stdio`: the percentage, then the sort keys (columns are 2+ spaces apart). */
function rows(report: string): { pct: number; cols: string[] }[] {
  const out: { pct: number; cols: string[] }[] = [];
  for (const line of report.split('\n')) {
    const m = /^\s+([\d.]+)%\s+(.*\S)\s*$/.exec(line);
    if (m) out.push({ pct: Number(m[1]), cols: m[2]!.split(/\s{2,}/) });
  }
  return out;
}

/**
 * Records `seconds` of samples now; resolves with a function that builds the report. Call that once the
 * measured window is over: `perf report` loads the node binary's symbols, seconds of CPU on a busy box.
 */
export async function perfRecord(pid: number, seconds: number, hz = 199): Promise<() => Promise<PerfProfile | { error: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-perf-'));
  const data = join(dir, 'perf.data');
  const done = (r: PerfProfile | { error: string }): PerfProfile | { error: string } => {
    rmSync(dir, { recursive: true, force: true });
    return r;
  };
  try {
    await run('perf', ['record', '-q', '-e', 'cpu-clock', '-F', String(hz), '-p', String(pid), '-o', data, '--', 'sleep', String(seconds)], (seconds + 30) * 1000);
  } catch (err) {
    const e = (err as Error).message;
    return () => Promise.resolve(done({ error: e }));
  }
  return async () => {
    try {
      const report = (sort: string, limit: number): Promise<string> =>
        run('perf', ['report', '-i', data, '--stdio', '--no-children', '-g', 'none', '--sort', sort, '--percent-limit', String(limit)], 60_000);
      const dsoText = await report('dso', 0.5);
      const sym = rows(await report('dso,sym', 1));
      const tid = rows(await report('pid,dso', 1)); // perf's "pid" key is the thread id
      const m = /# Samples: ([\d.]+)\s*([KM]?)/.exec(dsoText); // perf abbreviates: "4K"
      return done({
        seconds,
        samples: m ? Math.round(Number(m[1]) * (m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : 1)) : NaN,
        byDso: rows(dsoText).map((r) => ({ dso: r.cols[0] ?? '?', pct: r.pct })),
        topSymbols: sym.slice(0, 15).map((r) => ({ dso: r.cols[0] ?? '?', symbol: (r.cols[1] ?? '?').replace(/^\[[.k]\]\s*/, ''), pct: r.pct })),
        byThreadDso: tid.slice(0, 12).map((r) => ({ tid: Number(/^(\d+)/.exec(r.cols[0] ?? '')?.[1]), dso: r.cols[1] ?? '?', pct: r.pct })),
      });
    } catch (err) {
      return done({ error: (err as Error).message });
    }
  };
}
