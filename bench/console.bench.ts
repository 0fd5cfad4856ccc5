import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { consoleBuildDir } from '../console/static.js';
import { CHROMIUM, launchBrowser } from '../test/fixtures/browser.js';
import { runAgentPart, type AgentResult, type ShownCounts } from './lib/console-agent.js';
import type { PageWindow, ScreenLatency } from './lib/console-load.js';
import { PARTIAL_EVERY_MS } from './lib/console-script.js';
import { FEED_SHOWN, runWallLevel, type WallLevelResult } from './lib/console-wall.js';
import { sourceFingerprint, type Fingerprint } from './lib/fingerprint.js';
import { KB_SERVER_SETUP } from './lib/kb-server.js';
import { loadKbTexts } from './lib/kb-script.js';
import type { LoadFigures } from './lib/rules-load.js';
import { loadTurnTexts } from './lib/rules-script.js';
import { publishResults } from './lib/results.js';

/**
 * Console scenario: the web console in Debian's Chromium (playwright-core), served by Earshot in this process.
 * 1. Agent view: M concurrent text calls (partials every second, then finals) at real-time pace, one page on
 *    `/agent/<agent of call 0>` at 400 px; each event of that call timed on a raw `/v1/events?callId=` socket
 *    the bench opens in the same page (the baseline: on the wire at the browser) and when the DOM shows it
 *    (MutationObserver), both against the event's emittedAt.
 * 2. Supervisor wall at a baseline and at N live calls (the rules bench's scripts, alerts firing): navigation
 *    to all tiles present, then a window of live streaming: frames/s, long tasks, the main thread's busy share
 *    (CDP Performance.getMetrics), JS heap, and alert → feed-item latency against a raw alert socket.
 * Reports, never asserts.
 */
export interface ConsoleOptions {
  root: string;
  machine: { cpuModel: string; cores: number; node: string; totalMemGiB: number; loadAvg: number[] };
  /** Part 1: concurrent calls while one agent page follows call 0. */
  agentCalls: number;
  /** Part 2: the wall at these many calls, baseline first. */
  baselineCalls: number;
  calls: number;
  /** Length of every call's script. */
  seconds: number;
  /** Part 2's measured window. */
  windowSeconds: number;
  quietWaitMs: number;
}

export interface ConsoleReport {
  bench: 'console';
  date: string;
  machine: ConsoleOptions['machine'];
  setup: Record<string, unknown>;
  agent: AgentResult | { error: string };
  wall: { baseline: WallLevelResult | { calls: number; error: string }; atScale: WallLevelResult | { calls: number; error: string } };
  source: { atStart: Fingerprint; changedDuringRun: boolean };
}

/** Other processes (Chromium aside) busier than this (% of one core) in a window: its figures are flagged. */
const OTHER_LOAD_LIMIT = 30;
const say = (s: string): void => void process.stderr.write(`bench console: ${s}\n`);

export async function runConsole(o: ConsoleOptions): Promise<ConsoleReport> {
  const index = join(consoleBuildDir(), 'index.html');
  if (!existsSync(index)) throw new Error(`the console is not built (${index} is missing): run npm run build:console`);
  const atStart = sourceFingerprint(o.root);
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    throw new Error(`cannot start Chromium (${CHROMIUM}): ${(err as Error).message}`);
  }
  const version = browser.version();
  let agent: ConsoleReport['agent'];
  const wall = {} as ConsoleReport['wall'];
  try {
    say(`agent view: ${o.agentCalls} calls × ${o.seconds} s, one page on call 0's agent (${version}) …`);
    try {
      agent = await runAgentPart({ root: o.root, browser, texts: loadKbTexts(o.root), calls: o.agentCalls, seconds: o.seconds, cores: o.machine.cores, quietWaitMs: o.quietWaitMs });
      const u = agent.latency.utterance;
      say(
        `agent view: utterance screen p50/p95/p99 ${u.screenMs.p50}/${u.screenMs.p95}/${u.screenMs.p99} ms (wire ${u.wireMs.p50}/${u.wireMs.p95}/${u.wireMs.p99}), ` +
          `render p50/p99 ${u.renderMs.p50}/${u.renderMs.p99}; shown partial ${agent.counts.partial.shown}/${agent.counts.partial.forView}, final ${agent.counts.final.shown}/${agent.counts.final.forView}, ` +
          `suggestion ${agent.counts.suggestion.shown}/${agent.counts.suggestion.forView}, alert ${agent.counts.alert.shown}/${agent.counts.alert.forView}; ` +
          `browser ${agent.browser.cpuPctOfOneCore}%, bench ${agent.process.cpuPctOfOneCore}%, others ${othersPct(agent)}%`,
      );
    } catch (err) {
      say(`agent view failed: ${(err as Error).stack ?? String(err)}`);
      agent = { error: (err as Error).message };
    }
    const texts = loadTurnTexts();
    for (const [name, calls] of [['baseline', o.baselineCalls], ['atScale', o.calls]] as const) {
      say(`wall: ${calls} calls × ${o.seconds} s, ${o.windowSeconds} s window …`);
      try {
        const r = await runWallLevel({ root: o.root, browser, texts, calls, seconds: o.seconds, windowSeconds: o.windowSeconds, cores: o.machine.cores, quietWaitMs: o.quietWaitMs });
        wall[name] = r;
        say(
          `wall ${calls}: all tiles ${r.load.allTilesMs} ms after navigation; ${r.window.framesPerS} frames/s, long tasks ${r.window.longTasks.count} (${r.window.longTasks.totalMs} ms, max ${r.window.longTasks.maxMs}), ` +
            `main thread ${r.window.mainThreadPct.task}%, heap ${r.window.jsHeapUsedMiB.start}→${r.window.jsHeapUsedMiB.end} MiB; feed p50/p99 ${r.feed.latency.screenMs.p50}/${r.feed.latency.screenMs.p99} ms ` +
            `(${r.feed.shown}/${r.feed.forFeed} shown); browser ${r.browser.cpuPctOfOneCore}%, bench ${r.process.cpuPctOfOneCore}%, others ${othersPct(r)}%`,
        );
      } catch (err) {
        say(`wall ${calls} failed: ${(err as Error).stack ?? String(err)}`);
        wall[name] = { calls, error: (err as Error).message };
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  return {
    bench: 'console',
    date: new Date().toISOString(),
    machine: o.machine,
    setup: {
      browser: `${CHROMIUM} ${version} (playwright-core, headless, test/fixtures/browser.ts launchBrowser/openPage)`,
      server: `${KB_SERVER_SETUP}; serving ${consoleBuildDir()}; a fresh server (and data dir) for each run`,
      clocks: 'page times are performance.timeOrigin + performance.now() in the page; emittedAt is the server\'s Date.now() (whole ms); one machine, one system clock',
      agent: {
        calls: o.agentCalls, seconds: o.seconds, viewport: '400 × 860', page: '/agent/agent-0 (call 0)', startsSpreadMs: Math.min(5000, o.seconds * 100),
        scripts: `kb bench conversations (sample KB questions, FAQ wordings, answers) with 2–3 turns replaced by rules bench trigger turns; each turn sent as partials (text so far) every ${PARTIAL_EVERY_MS} ms, then the final`,
        shown: 'MutationObserver on the document: .utt by data-seq, suggestion cards by data-suggestion-id, agent-alerts li by data-seq; first time in the DOM (before paint)',
        baseline: 'a raw WebSocket to /v1/events?callId=<call 0> opened by the bench in the same page',
        pageWindow: 'from the first send to the last (the drain after it is not in the window)',
      },
      wall: {
        baselineCalls: o.baselineCalls, calls: o.calls, seconds: o.seconds, windowSeconds: o.windowSeconds, viewport: '1280 × 860',
        scripts: 'rules bench scripts (bq-corpus questions, FAQ answers, 2–3 rule-triggering turns), finals only, at real-time pace; starts spread over the first 5 s',
        navigation: 'page.goto(/supervisor) once every call is streaming; allTilesMs = when N .sv-tile elements were first in the DOM, ms after navigation start',
        window: 'after all tiles are in and a raw /v1/events?types=alert socket is open in the page; ends before the earliest script does',
        feed: `raw-socket alerts notifying supervisors during the window → the .sv-feed-item with that callId and data-seq in the DOM; the feed shows the newest ${FEED_SHOWN}`,
      },
      quietWaitS: o.quietWaitMs / 1000,
      otherLoadFlag: `other processes (not this one, not the browser) above ${OTHER_LOAD_LIMIT}% of a core in a window are flagged ⚠ (no rerun: each part takes a minute or more)`,
    },
    agent,
    wall,
    source: { atStart, changedDuringRun: sourceFingerprint(o.root).sha256 !== atStart.sha256 },
  };
}

/** Other processes' load with the browser (our child) taken out. */
function othersPct(r: LoadFigures & { browser: { cpuPctOfOneCore: number } }): number {
  return Math.max(0, Math.round((r.otherLoad.otherPctOfOneCore - r.browser.cpuPctOfOneCore) * 10) / 10);
}

const loadLine = (r: LoadFigures & { browser: { cpuPctOfOneCore: number } }, label: string): string => {
  const others = othersPct(r);
  // Chromium's processes are ours (counted above), told apart by name: another session's Chromium would be left out of the list too.
  const busiest = r.otherLoad.busiestOthers.filter((p) => p.childOf !== 'bench' && !/chrom/i.test(p.cmd));
  return (
    `${label}: ${r.wallS} s; this process (server, call clients, bench) ${r.process.cpuPctOfOneCore}% of a core (main thread ${r.process.mainThreadCpuPct}%), ` +
    `Chromium ${r.browser.cpuPctOfOneCore}%, other processes ${others}%${others > OTHER_LOAD_LIMIT ? ' ⚠' : ''} (machine ${r.otherLoad.machineBusyPctOfOneCore}%` +
    (busiest.length ? `; busiest others, Chromium aside: ${busiest.map((p) => `${p.cmd.slice(0, 50)} ${p.cpuPctOfOneCore}%`).join(', ')}` : '') +
    ').'
  );
};
const pct = (s: { p50: number | null; p95: number | null; p99: number | null; max: number | null }): string => `${s.p50} / ${s.p95} / ${s.p99} (${s.max})`;
const latRow = (label: string, l: ScreenLatency, c?: ShownCounts): string =>
  `| ${label} | ${pct(l.wireMs)} | ${pct(l.screenMs)} | ${pct(l.renderMs)} | ${c ? `${c.shown} / ${c.forView} (${c.onWire} on wire; ${c.superseded} replaced, ${c.missing} missing, ${c.shownNotOnWire} not on wire)` : l.screenMs.count} |`;
const pageRow = (label: string, p: PageWindow): string =>
  `| ${label} | ${p.wallS} | ${p.framesPerS} | ${p.frameGapMs.p50} / ${p.frameGapMs.p99} (${p.frameGapMs.max}) | ${p.gapsOver50ms} | ${p.longTasks.count} / ${p.longTasks.totalMs} / ${p.longTasks.maxMs} | ` +
  `${p.mainThreadPct.task} (${p.mainThreadPct.script} / ${p.mainThreadPct.layout} / ${p.mainThreadPct.recalcStyle}) | ${p.jsHeapUsedMiB.start} → ${p.jsHeapUsedMiB.end} | ${p.domNodes.start} → ${p.domNodes.end} |`;
const PAGE_HEAD = [
  '| page | window s | frames/s | frame gap ms p50 / p99 (max) | gaps > 50 ms | long tasks: count / total ms / max ms | main thread busy % (script / layout / style) | JS heap MiB | DOM nodes |',
  '|---|---:|---:|---|---:|---|---|---|---|',
];

export function renderConsole(r: ConsoleReport): string {
  const m = r.machine;
  const lines = [
    '# Console: event → screen latency and the supervisor wall at scale',
    '',
    `${r.date} · ${m.cpuModel}, ${m.cores} cores, ${m.totalMemGiB} GiB, node ${m.node}, load before ${m.loadAvg.join(' ')} · ${(r.setup.browser as string).split(' (')[0]}`,
    '',
    'Server, call clients and bench share this process; Chromium runs beside it on the same cores. Latencies in ms, p50 / p95 / p99 (max), ' +
      "against the event's emittedAt (server clock): `wire` = arrival on a raw /v1/events socket the bench opens in the same page (the baseline), " +
      '`screen` = first in the DOM (MutationObserver, before paint), `render` = screen − wire event by event (the console\'s own cost: its socket, fold, batching to a frame, render). ' +
      "The raw socket's messages are handled on the page's main thread too: when the page is busy, `wire` includes the wait for it.",
    '',
  ];
  const a = r.agent;
  if ('error' in a) lines.push(`## Agent view`, '', `failed: ${a.error}`, '');
  else {
    lines.push(
      `## Agent view (${a.calls} calls, ${a.calls - a.connected} refused; page on ${a.watched.agentId}, call ${a.watched.callId}: ${a.watched.turns} turns, ${a.watched.sentPartials} partials + ${a.watched.sentFinals} finals sent)`,
      '',
      '| event | wire | screen | render (screen − wire) | shown / for the view |',
      '|---|---|---|---|---|',
      latRow('utterance (all)', a.latency.utterance),
      latRow('utterance.partial', a.latency.partial, a.counts.partial),
      latRow('utterance.final', a.latency.final, a.counts.final),
      latRow('suggestion (card)', a.latency.suggestion, a.counts.suggestion),
      latRow('alert (notify agent)', a.latency.alert, a.counts.alert),
      '',
      `"replaced" = not shown but a later event of the same utterance / alert was (replaced within one frame). Alerts on the wire not meant for the agent: ${a.counts.alert.onWire - a.counts.alert.forView}.`,
      '',
      ...PAGE_HEAD,
      pageRow('agent view', a.page),
      '',
      loadLine(a, 'Load over the paced window') + ` Send lag p99 ${a.sendLagMs.p99} ms; event-loop delay p99 ${a.eventLoopDelayMs.p99} ms (max ${a.eventLoopDelayMs.max}); machine ${a.machineBusyBeforePct}% of a core busy before.`,
      '',
    );
    if (a.pageProblems.length) lines.push(`Page problems: ${a.pageProblems.join('; ')}`, '');
  }
  lines.push('## Supervisor wall', '');
  const levels = [r.wall.baseline, r.wall.atScale];
  const ok = levels.filter((x): x is WallLevelResult => !!x && !('error' in x));
  for (const x of levels) if (x && 'error' in x) lines.push(`${x.calls} calls: failed: ${x.error}`, '');
  if (ok.length) {
    lines.push(
      '| calls | first tile ms | all tiles ms | goto → all tiles ms (bench clock) | JS heap MiB / DOM nodes at all tiles |',
      '|---:|---:|---:|---:|---|',
      ...ok.map((x) => `| ${x.calls} | ${x.load.firstTileMs} | ${x.load.allTilesMs} | ${x.load.gotoToAllTilesMs} | ${x.load.jsHeapUsedMiBAtAllTiles} / ${x.load.domNodesAtAllTiles} |`),
      '',
      ...PAGE_HEAD,
      ...ok.map((x) => pageRow(`wall, ${x.calls} calls${x.windowShortened ? ' (window shortened)' : ''}`, x.window)),
      '',
      '| calls | alert → feed: wire | screen | render (screen − wire) | shown / supervisor alerts in window |',
      '|---:|---|---|---|---|',
      ...ok.map(
        (x) =>
          `| ${x.calls} | ${pct(x.feed.latency.wireMs)} | ${pct(x.feed.latency.screenMs)} | ${pct(x.feed.latency.renderMs)} | ${x.feed.shown} / ${x.feed.forFeed} ` +
          `(${Object.entries(x.feed.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}; ${x.feed.superseded} replaced, ${x.feed.pushedOut} past the feed's ${FEED_SHOWN}, ${x.feed.missing} missing) |`,
      ),
      '',
      ...ok.map((x) => loadLine(x, `Load, ${x.calls} calls, window`) + ` Event-loop delay p99 ${x.eventLoopDelayMs.p99} ms; machine ${x.machineBusyBeforePct}% of a core busy before.` +
        (x.pageProblems.length ? ` Page problems: ${x.pageProblems.join('; ')}` : '')),
      '',
    );
  }
  lines.push(`Server sources ${r.source.atStart.gitHead ?? '?'}+${r.source.atStart.sha256}${r.source.changedDuringRun ? ' (changed on disk during the run)' : ''}.`, '');
  return lines.join('\n');
}

/** Runs the scenario, writes bench/results/console.{json,md}, prints the table and the JSON line. */
export async function consoleScenario(o: ConsoleOptions): Promise<ConsoleReport> {
  const report = await runConsole(o);
  publishResults(o.root, 'console', report, renderConsole(report));
  return report;
}
