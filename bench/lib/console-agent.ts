import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { openPage } from '../../test/fixtures/browser.js';
import type { NativeCallClient } from '../../gateway/native/client.js';
import { browserCpuWindow, cdpMetrics, pageWindow, screenLatency, type PageWindow, type ScreenLatency } from './console-load.js';
import { probeSource, type ProbeDump, type WireRow } from './console-probe.js';
import { consoleScript, withPartials } from './console-script.js';
import type { KbTexts } from './kb-script.js';
import { startInProcess } from './kb-server.js';
import { openCalls, paceUtterances } from './open-calls.js';
import { loadWindow, type LoadFigures } from './rules-load.js';
import { waitForQuiet } from './server.js';
import { summarize, wallNow, type Summary } from './stats.js';
import { stopCalls } from './stop-calls.js';

export interface AgentPartOptions {
  root: string;
  browser: Browser;
  texts: KbTexts;
  calls: number;
  seconds: number;
  cores: number;
  quietWaitMs: number;
  /** Wait this long after the last send for the last renders. */
  drainMs?: number;
}

/** What reached the page's raw socket and what the view showed of it. */
export interface ShownCounts {
  /** Events of the watched call on the raw socket. */
  onWire: number;
  /** Of those, the ones the view is meant to show (alerts: notify includes agent). */
  forView: number;
  shown: number;
  /** Not shown, but a later event of the same utterance / alert was (replaced within one frame). */
  superseded: number;
  /** Not shown and not superseded. */
  missing: number;
  /** In the DOM with no such event on the raw socket. */
  shownNotOnWire: number;
}

export interface AgentResult extends LoadFigures {
  calls: number;
  connected: number;
  connectErrors: string[];
  watched: { callId: string; agentId: string; turns: number; sentPartials: number; sentFinals: number };
  counts: { partial: ShownCounts; final: ShownCounts; suggestion: ShownCounts; alert: ShownCounts };
  latency: { utterance: ScreenLatency; partial: ScreenLatency; final: ScreenLatency; suggestion: ScreenLatency; alert: ScreenLatency };
  page: PageWindow;
  browser: { cpuPctOfOneCore: number; processes: number };
  sendLagMs: Summary;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  mutationCallbacks: number;
  machineBusyBeforePct: number;
  pageProblems: string[];
  serverLogLines: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One browser page on `/agent/agent-0` (400 × 860) following call 0 of M text calls paced at real time
 * (partials every second and finals), server in this process; every event of call 0 timed on a raw socket in
 * the page and in the DOM.
 */
export async function runAgentPart(o: AgentPartOptions): Promise<AgentResult> {
  const n = o.calls;
  const server = await startInProcess(o.root, 'console-agent');
  const { page, problems } = await openPage(o.browser, { width: 400, height: 860 });
  const clients: (NativeCallClient | null)[] = new Array<NativeCallClient | null>(n).fill(null);
  let stopping = false;
  try {
    const runId = `console-${Date.now()}`;
    const watchedId = `${runId}-0`;
    const agentId = 'agent-0'; // open-calls.ts: call i is agent-i
    const scripts = Array.from({ length: n }, (_, i) => consoleScript(i, o.texts, o.seconds * 1000 - 500));
    const sends = scripts.map((s) => withPartials(s));

    await page.addInitScript({ content: probeSource({ mode: 'agent' }) });
    await page.goto(`${server.httpUrl}/agent/${agentId}`);
    await page.waitForSelector('main.agent-view', { timeout: 20_000 });
    await page.getByText('实时连接').first().waitFor({ timeout: 20_000 });
    await page.evaluate(`window.__probe.openWire(${JSON.stringify(`/v1/events?callId=${watchedId}`)})`);
    const metrics = await cdpMetrics(page);

    const busy = await waitForQuiet(o.quietWaitMs);
    const opened = await openCalls(server.wsUrl, runId, clients, () => stopping);
    // The view switches to the agent's call on its call.started, then subscribes to it.
    await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(watchedId)})`, undefined, { timeout: 20_000 });
    await sleep(500);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const m0 = await metrics.read();
    await page.evaluate('window.__probe.startWindow()');
    const load = loadWindow(o.cores);
    const cpu = browserCpuWindow();
    const t0 = wallNow() + 100;
    const staggerMs = Math.min(5000, o.seconds * 100);
    const starts = Float64Array.from({ length: n }, (_, i) => t0 + (i * staggerMs) / n);
    const sentAt = sends.map((s) => new Float64Array(s.length));
    const lags = await paceUtterances(clients, sends, starts, sentAt);
    const sent = sentAt.map((times) => times.filter((t) => t > 0).length);
    const paced = load.stop();
    const browser = cpu.stop(paced.wallS * 1000);
    await page.evaluate('window.__probe.stopWindow()');
    const m1 = await metrics.read();
    loop.disable();
    await sleep(o.drainMs ?? 2000);
    const dump = (await page.evaluate('window.__probe.dump()')) as ProbeDump;
    await metrics.cdp.detach().catch(() => {});

    stopping = true;
    await stopCalls(clients);

    const watchedSends = clients[0] ? sends[0]!.slice(0, sent[0]) : [];
    const figures = tally(dump, watchedId);
    const loopMs = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - 10) * 100) / 100);
    return {
      calls: n,
      connected: clients.filter((c) => c !== null).length,
      connectErrors: opened.connectErrors,
      watched: {
        callId: watchedId, agentId, turns: scripts[0]!.length,
        sentPartials: watchedSends.filter((s) => !s.final).length, sentFinals: watchedSends.filter((s) => s.final).length,
      },
      ...figures,
      page: pageWindow(dump, m0, m1),
      browser,
      sendLagMs: summarize(lags),
      eventLoopDelayMs: { p50: loopMs(loop.percentile(50)), p99: loopMs(loop.percentile(99)), max: loopMs(loop.max) },
      ...paced,
      mutationCallbacks: dump.mutationCallbacks,
      machineBusyBeforePct: busy,
      pageProblems: problems.slice(0, 10),
      serverLogLines: server.logLines(),
    };
  } finally {
    stopping = true;
    for (const c of clients) c?.ws.terminate();
    await page.context().close().catch(() => {});
    await server.close();
  }
}

type Row = { emittedAt: number; arrivedAt: number; shownAt: number };

/** Raw-socket events of the watched call against what the DOM showed. */
function tally(dump: ProbeDump, callId: string): Pick<AgentResult, 'counts' | 'latency'> {
  const shown = new Map(dump.shown);
  const wire = dump.wire.filter((w) => w[2] === callId);
  const empty = (): ShownCounts => ({ onWire: 0, forView: 0, shown: 0, superseded: 0, missing: 0, shownNotOnWire: 0 });
  const counts = { partial: empty(), final: empty(), suggestion: empty(), alert: empty() };
  const rows = { partial: [] as Row[], final: [] as Row[], suggestion: [] as Row[], alert: [] as Row[] };
  // The latest shown seq of each utterance / alert: an event not shown but followed by a shown one was replaced.
  const shownSeqOf = new Map<string, number[]>();
  const keyOf = (w: WireRow): string | null =>
    w[1] === 'utterance.partial' || w[1] === 'utterance.final' ? `u${w[3]}` : w[1] === 'suggestion' ? `s${w[5]}` : w[1] === 'alert' ? `a${w[3]}` : null;
  const onWireKeys = new Set<string>();
  for (const w of wire) {
    const key = keyOf(w);
    if (key === null) continue;
    onWireKeys.add(key);
    if (shown.has(key) && w[5] !== null) {
      const list = shownSeqOf.get(w[5]) ?? [];
      list.push(w[3]);
      shownSeqOf.set(w[5], list);
    }
  }
  for (const w of wire) {
    const key = keyOf(w);
    if (key === null) continue;
    const kind = w[1] === 'utterance.partial' ? 'partial' : w[1] === 'utterance.final' ? 'final' : (w[1] as 'suggestion' | 'alert');
    const c = counts[kind];
    c.onWire++;
    if (kind === 'alert' && !w[6].split(',').includes('agent')) continue;
    c.forView++;
    const at = shown.get(key);
    if (at !== undefined) {
      c.shown++;
      rows[kind].push({ emittedAt: w[4], arrivedAt: w[0], shownAt: at });
    } else if (kind !== 'suggestion' && (shownSeqOf.get(w[5] ?? '') ?? []).some((s) => s > w[3])) c.superseded++;
    else c.missing++;
  }
  for (const key of shown.keys()) {
    if (onWireKeys.has(key)) continue;
    // The DOM key's kind: u…, s…, a… (a shown utterance key of another type cannot be told apart: count as final).
    if (key.startsWith('s')) counts.suggestion.shownNotOnWire++;
    else if (key.startsWith('a')) counts.alert.shownNotOnWire++;
    else counts.final.shownNotOnWire++;
  }
  return {
    counts,
    latency: {
      utterance: screenLatency([...rows.partial, ...rows.final]),
      partial: screenLatency(rows.partial),
      final: screenLatency(rows.final),
      suggestion: screenLatency(rows.suggestion),
      alert: screenLatency(rows.alert),
    },
  };
}
