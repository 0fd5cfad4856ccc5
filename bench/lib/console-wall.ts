import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { openPage } from '../../test/fixtures/browser.js';
import type { NativeCallClient } from '../../gateway/native/client.js';
import { browserCpuWindow, cdpMetrics, pageWindow, screenLatency, type PageWindow, type ScreenLatency } from './console-load.js';
import { probeSource, type ProbeDump } from './console-probe.js';
import { startInProcess } from './kb-server.js';
import { openCalls, paceUtterances } from './open-calls.js';
import { loadWindow, type LoadFigures } from './rules-load.js';
import { buildScript, type TurnTexts } from './rules-script.js';
import { waitForQuiet } from './server.js';
import { summarize, wallNow, type Summary } from './stats.js';
import { stopCalls } from './stop-calls.js';

/** The feed shows the newest 100 alerts (floor-state.ts feedEntries' default limit; it keeps FEED_KEEP = 300). */
export const FEED_SHOWN = 100;

export interface WallLevelOptions {
  root: string;
  browser: Browser;
  texts: TurnTexts;
  calls: number;
  seconds: number;
  windowSeconds: number;
  cores: number;
  quietWaitMs: number;
}

export interface WallLevelResult extends LoadFigures {
  calls: number;
  connected: number;
  connectErrors: string[];
  /** Navigation to the wall with the calls already streaming: ms after navigation start (page clock). */
  load: { firstTileMs: number | null; allTilesMs: number | null; gotoToAllTilesMs: number; jsHeapUsedMiBAtAllTiles: number; domNodesAtAllTiles: number };
  /** The page over the measured window of live streaming. */
  window: PageWindow;
  /** The window was cut short so that it ends before the earliest call's script does. */
  windowShortened: boolean;
  feed: {
    /** Alert events on the raw socket during the window. */
    onWire: number;
    /** Of those, the ones notifying supervisors (what the feed lists). */
    forFeed: number;
    byStatus: Record<string, number>;
    shown: number;
    /** Not shown, but a later event of the same alert was. */
    superseded: number;
    /** Not shown, with FEED_SHOWN or more newer supervisor alerts arriving within 1 s after it (the feed's cap). */
    pushedOut: number;
    missing: number;
    latency: ScreenLatency;
  };
  browser: { cpuPctOfOneCore: number; processes: number };
  sendLagMs: Summary;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  mutationCallbacks: number;
  machineBusyBeforePct: number;
  pageProblems: string[];
  serverLogLines: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

/**
 * The supervisor wall (1280 × 860) at `calls` live text calls (the rules bench's scripts: finals at real-time
 * pace, 2–3 rule-triggering turns each), server in this process: navigation with the calls streaming until
 * every tile is there, then a window of live streaming.
 */
export async function runWallLevel(o: WallLevelOptions): Promise<WallLevelResult> {
  const n = o.calls;
  const server = await startInProcess(o.root, `console-wall-${n}`);
  const { page, problems } = await openPage(o.browser, { width: 1280, height: 860 });
  const clients: (NativeCallClient | null)[] = new Array<NativeCallClient | null>(n).fill(null);
  let stopping = false;
  let pacing: Promise<number[]> | null = null;
  try {
    const runId = `console-wall-${Date.now()}`;
    const scripts = Array.from({ length: n }, (_, i) => buildScript(100_000 + i, o.texts, { turns: 1000, maxEndMs: o.seconds * 1000 - 500 }));
    const busy = await waitForQuiet(o.quietWaitMs);
    const opened = await openCalls(server.wsUrl, runId, clients, () => stopping);
    const connected = clients.filter((c) => c !== null).length;
    await page.addInitScript({ content: probeSource({ mode: 'wall', tiles: connected }) });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t0 = wallNow() + 100;
    const staggerMs = Math.min(5000, o.seconds * 100);
    const starts = Float64Array.from({ length: n }, (_, i) => t0 + (i * staggerMs) / n);
    const sentAt = scripts.map((s) => new Float64Array(s.length).fill(NaN));
    pacing = paceUtterances(clients, scripts, starts, sentAt);
    const scriptsEnd = Math.min(...scripts.map((s, i) => (clients[i] ? starts[i]! + s[s.length - 1]!.endMs : Infinity)));
    await sleep(staggerMs + 1000);

    // Navigation with every call streaming: until all tiles are on the wall.
    const gotoAt = wallNow();
    await page.goto(`${server.httpUrl}/supervisor`);
    await page.waitForFunction('window.__probe.tilesDone()', undefined, { timeout: 120_000, polling: 50 }).catch(async (err: Error) => {
      const seen = await page.evaluate(`[document.getElementsByClassName('sv-tile').length, document.title]`).catch(() => ['?', '?']);
      throw new Error(`the wall showed ${(seen as unknown[])[0]} of ${connected} tiles after 120 s (page title ${JSON.stringify((seen as unknown[])[1])}` +
        `${problems.length ? `; ${problems.slice(0, 3).join('; ')}` : ''}): ${err.message}`);
    });
    const gotoToAllTilesMs = Math.round(wallNow() - gotoAt);
    const metrics = await cdpMetrics(page);
    const atTiles = await metrics.read();
    await page.evaluate(`window.__probe.openWire('/v1/events?types=alert')`);
    await sleep(1000);

    // The window of live streaming, ending before the first script does.
    const windowMs = Math.max(1000, Math.min(o.windowSeconds * 1000, scriptsEnd - wallNow() - 1000));
    const m0 = await metrics.read();
    await page.evaluate('window.__probe.startWindow()');
    const load = loadWindow(o.cores);
    const cpu = browserCpuWindow();
    await sleep(windowMs);
    const paced = load.stop();
    const browser = cpu.stop(paced.wallS * 1000);
    await page.evaluate('window.__probe.stopWindow()');
    const m1 = await metrics.read();
    loop.disable();
    await sleep(1500); // alerts of the window's last moments reach the feed
    const dump = (await page.evaluate('window.__probe.dump()')) as ProbeDump;
    await metrics.cdp.detach().catch(() => {});

    stopping = true;
    await stopCalls(clients);
    const lags = await pacing;

    const loopMs = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - 10) * 100) / 100);
    return {
      calls: n,
      connected,
      connectErrors: opened.connectErrors,
      load: {
        firstTileMs: dump.tiles.first === null ? null : Math.round(dump.tiles.first),
        allTilesMs: dump.tiles.all === null ? null : Math.round(dump.tiles.all),
        gotoToAllTilesMs,
        jsHeapUsedMiBAtAllTiles: Math.round(((atTiles.JSHeapUsedSize ?? NaN) / MiB) * 10) / 10,
        domNodesAtAllTiles: atTiles.Nodes ?? NaN,
      },
      window: pageWindow(dump, m0, m1),
      windowShortened: windowMs < o.windowSeconds * 1000,
      feed: feedFigures(dump),
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
    await pacing;
    await page.context().close().catch(() => {});
    await server.close();
  }
}

/** Supervisor alerts that arrived on the raw socket during the window against the feed items the DOM showed. */
function feedFigures(dump: ProbeDump): WallLevelResult['feed'] {
  const win = dump.win!;
  const shown = new Map(dump.shown);
  const all = dump.wire.filter((w) => w[1] === 'alert' && w[6].split(',').includes('supervisor'));
  const inWindow = dump.wire.filter((w) => w[1] === 'alert' && w[0] >= win.startWall && w[0] <= (win.endWall ?? win.startWall));
  const forFeed = inWindow.filter((w) => w[6].split(',').includes('supervisor'));
  const key = (callId: string, seq: number): string => `f${callId}#${seq}`;
  const byStatus: Record<string, number> = {};
  const rows: { emittedAt: number; arrivedAt: number; shownAt: number }[] = [];
  let superseded = 0;
  let pushedOut = 0;
  let missing = 0;
  for (const w of forFeed) {
    byStatus[w[7]] = (byStatus[w[7]] ?? 0) + 1;
    const at = shown.get(key(w[2], w[3]));
    if (at !== undefined) {
      rows.push({ emittedAt: w[4], arrivedAt: w[0], shownAt: at });
      continue;
    }
    if (all.some((x) => x[2] === w[2] && x[5] === w[5] && x[3] > w[3] && shown.has(key(x[2], x[3])))) superseded++;
    else if (new Set(all.filter((x) => x[0] > w[0] && x[0] <= w[0] + 1000).map((x) => `${x[2]}#${x[5]}`)).size >= FEED_SHOWN) pushedOut++;
    else missing++;
  }
  return { onWire: inWindow.length, forFeed: forFeed.length, byStatus, shown: rows.length, superseded, pushedOut, missing, latency: screenLatency(rows) };
}
