import { readdirSync, readFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import type { ProbeDump } from './console-probe.js';
import { cpuMs } from './server.js';
import { summarize, type Summary } from './stats.js';

const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const MiB = 2 ** 20;

function statOf(pid: number): { ppid: number; comm: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), comm };
  } catch {
    return null;
  }
}

/** CPU ms of every process descended from this one (Chromium, which playwright starts as our child), esbuild aside. */
function browserTimes(): Map<number, number> {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(Number(name));
    if (!s) continue;
    parent.set(Number(name), s.ppid);
    comm.set(Number(name), s.comm);
  }
  const out = new Map<number, number>();
  for (const pid of parent.keys()) {
    let p = parent.get(pid);
    let depth = 0;
    while (p !== undefined && p > 1 && p !== process.pid && depth++ < 32) p = parent.get(p);
    if (p !== process.pid || /esbuild/.test(comm.get(pid) ?? '')) continue;
    try {
      out.set(pid, cpuMs(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The browser's CPU (all its processes) over a window, % of one core. */
export function browserCpuWindow(): { stop(wallMs: number): { cpuPctOfOneCore: number; processes: number } } {
  const start = browserTimes();
  return {
    stop(wallMs) {
      const end = browserTimes();
      let used = 0;
      for (const [pid, ms] of end) used += ms - (start.get(pid) ?? 0);
      return { cpuPctOfOneCore: r1((used / wallMs) * 100), processes: end.size };
    },
  };
}

/** Chrome DevTools Protocol `Performance.getMetrics` of one page. */
export async function cdpMetrics(page: Page): Promise<{ cdp: CDPSession; read(): Promise<Record<string, number>> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  return {
    cdp,
    async read() {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    },
  };
}

export interface PageWindow {
  /** Seconds between startWindow() and stopWindow() on the page's clock. */
  wallS: number;
  frames: number;
  framesPerS: number;
  /** Time between consecutive requestAnimationFrame callbacks (16.7 ms at 60 Hz). */
  frameGapMs: Summary;
  /** Gaps of more than 50 ms (at least two frames missed). */
  gapsOver50ms: number;
  longTasks: { count: number; totalMs: number; maxMs: number; pctOfWindow: number };
  /**
   * Share of the window the renderer's main thread spent in tasks (TaskDuration), script (ScriptDuration),
   * layout and style recalculation: CDP Performance.getMetrics deltas over the CDP Timestamp delta.
   */
  mainThreadPct: { task: number; script: number; layout: number; recalcStyle: number };
  jsHeapUsedMiB: { start: number; end: number };
  domNodes: { start: number; end: number };
  layouts: number;
  styleRecalcs: number;
}

/** The page figures of a window from the probe's dump and the CDP metrics read at its start and end. */
export function pageWindow(dump: ProbeDump, m0: Record<string, number>, m1: Record<string, number>): PageWindow {
  const win = dump.win!;
  const end = win.end ?? win.start;
  const wallMs = end - win.start;
  const gaps: number[] = [];
  for (let k = 1; k < win.frames.length; k++) gaps.push(win.frames[k]! - win.frames[k - 1]!);
  const lt = dump.longTasks.filter(([s]) => s >= win.start && s < end);
  const ltTotal = lt.reduce((s, [, d]) => s + d, 0);
  const dt = (m1.Timestamp ?? 0) - (m0.Timestamp ?? 0);
  const share = (k: string): number => (dt > 0 ? r1((((m1[k] ?? 0) - (m0[k] ?? 0)) / dt) * 100) : NaN);
  return {
    wallS: r2(wallMs / 1000),
    frames: win.frames.length,
    framesPerS: r1(win.frames.length / (wallMs / 1000)),
    frameGapMs: summarize(gaps),
    gapsOver50ms: gaps.filter((g) => g > 50).length,
    longTasks: { count: lt.length, totalMs: Math.round(ltTotal), maxMs: Math.round(Math.max(0, ...lt.map(([, d]) => d))), pctOfWindow: r1((ltTotal / wallMs) * 100) },
    mainThreadPct: { task: share('TaskDuration'), script: share('ScriptDuration'), layout: share('LayoutDuration'), recalcStyle: share('RecalcStyleDuration') },
    jsHeapUsedMiB: { start: r1((m0.JSHeapUsedSize ?? NaN) / MiB), end: r1((m1.JSHeapUsedSize ?? NaN) / MiB) },
    domNodes: { start: m0.Nodes ?? NaN, end: m1.Nodes ?? NaN },
    layouts: (m1.LayoutCount ?? 0) - (m0.LayoutCount ?? 0),
    styleRecalcs: (m1.RecalcStyleCount ?? 0) - (m0.RecalcStyleCount ?? 0),
  };
}

/** p50/p95/p99/max of `dom − emittedAt`, `wire − emittedAt` and, event by event, `dom − wire`. */
export interface ScreenLatency {
  /** Visible in the DOM − the event's emittedAt (server clock, whole ms; same machine). */
  screenMs: Summary;
  /** Arrived on the bench's raw socket in the page − emittedAt: the baseline. */
  wireMs: Summary;
  /** Per event, DOM − raw socket arrival: the console's own cost (its socket, fold, batching to a frame, render). */
  renderMs: Summary;
}

export function screenLatency(rows: { emittedAt: number; arrivedAt: number; shownAt: number }[]): ScreenLatency {
  return {
    screenMs: summarize(rows.map((r) => r.shownAt - r.emittedAt)),
    wireMs: summarize(rows.map((r) => r.arrivedAt - r.emittedAt)),
    renderMs: summarize(rows.map((r) => r.shownAt - r.arrivedAt)),
  };
}
