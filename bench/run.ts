import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { capacityScenario } from './capacity.bench.js';
import { consoleScenario } from './console.bench.js';
import { runCalls, type CallsResult } from './calls.bench.js';
import { kbScenario } from './kb.bench.js';
import { rulesScenario } from './rules.bench.js';
import { gatewaysMarkdown, gatewaysScenario } from './gateways.bench.js';
import { buildCallAudio, GAP_MS } from './lib/audio.js';
import { waitForQuiet } from './lib/server.js';
import { renderTable } from './lib/report.js';
import { publishResults } from './lib/results.js';

/**
 * `npm run bench [-- --scenario calls|capacity|rules|kb|gateways|console|all --calls 10,50,200 --seconds 30 --drain-seconds 20 --quiet-wait 90
 *   --busy-retries 1 --server-args '--vad energy' --capacity-levels 10,20,30,40,60,80,100 --capacity-budget-s 690
 *   --kb-connections 1,10 --kb-http-seconds 10 --kb-warmup-seconds 2 --console-agent-calls 50 --console-baseline-calls 10
 *   --console-window-seconds 20]`.
 * calls: N concurrent simulated calls streaming stereo 8 kHz μ-law at real-time pace into one Earshot server
 * (a fresh child process per N); writes bench/results/calls.json and calls.md.
 * capacity (capacity.bench.ts): the most concurrent real-speech calls sustained in real time, what limits it,
 * keyword latency at half that load; writes bench/results/capacity.json and capacity.md. --seconds sets its
 * call length too when given (its own default is 50 s); --server-args and --busy-retries apply to both.
 * rules (rules.bench.ts): the rule engine's cost per utterance with the full default pack (in-process, µs) and
 * the utterance → alert latency at --calls concurrent text calls (default 200; the largest when a list is given)
 * of --seconds (default 60) against a server in the bench's own process; writes bench/results/rules.json and rules.md.
 * kb (kb.bench.ts): `GET /v1/kb/search` with real user wordings under autocannon at --kb-connections (baseline
 * `GET /healthz` at the same), and the utterance → suggestion latency at --calls concurrent text calls (default 50;
 * the largest when a list is given) of --seconds (default 60), server in the bench's own process; writes
 * bench/results/kb.json and kb.md.
 * console (console.bench.ts): the built web console in Debian's Chromium (playwright-core), server in the bench's process:
 * the agent view following one of --console-agent-calls text calls (default 50) of --seconds (default 60), event → DOM
 * latency against the same event on a raw socket in the page; the supervisor wall at --console-baseline-calls (default 10)
 * and --calls live calls (default 200; the largest when a list is given): time to all tiles, frames/s, long tasks, main
 * thread busy share, JS heap, alert → feed latency over --console-window-seconds (default 20); writes
 * bench/results/console.json and console.md (`npm run bench` builds the console first).
 * The last stdout line is the figures as one JSON object (with `all`: every scenario's object in one).
 * Benchmarks report, they never assert timings.
 */
/** Other processes busier than this (% of one core) during a scenario make it worth a rerun. */
const OTHER_LOAD_LIMIT = 30;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let scenario = 'all';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'all' },
      calls: { type: 'string' },
      seconds: { type: 'string' },
      'drain-seconds': { type: 'string', default: '20' },
      'quiet-wait': { type: 'string', default: '90' },
      'busy-retries': { type: 'string', default: '1' },
      'server-args': { type: 'string', default: '' },
      'capacity-levels': { type: 'string', default: '10,20,30,40,60,80,100' },
      'capacity-budget-s': { type: 'string', default: '690' },
      'capacity-quiet-wait': { type: 'string', default: '30' },
      'capacity-perf-seconds': { type: 'string', default: '8' },
      'capacity-drain-seconds': { type: 'string', default: '5' },
      'capacity-metric-interval-ms': { type: 'string', default: '1000' },
      'capacity-warmup-seconds': { type: 'string', default: '10' },
      'kb-connections': { type: 'string', default: '1,10' },
      'kb-http-seconds': { type: 'string', default: '10' },
      'kb-warmup-seconds': { type: 'string', default: '2' },
      'console-agent-calls': { type: 'string', default: '50' },
      'console-baseline-calls': { type: 'string', default: '10' },
      'console-window-seconds': { type: 'string', default: '20' },
    },
  });
  scenario = values.scenario;
  if (!['calls', 'capacity', 'rules', 'kb', 'gateways', 'console', 'all'].includes(scenario)) throw new Error(`--scenario must be calls, capacity, rules, kb, gateways, console or all, got ${scenario}`);
  const callCounts = (values.calls ?? '10,50,200').split(',').map((s) => Number(s.trim()));
  const seconds = Number(values.seconds ?? '30');
  if (callCounts.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--calls: positive integers separated by commas, got ${values.calls}`);
  if (!Number.isFinite(seconds) || seconds < 10) throw new Error(`--seconds must be at least 10 (the dead-air gap is ${GAP_MS / 1000} s), got ${values.seconds}`);
  const capLevels = values['capacity-levels'].split(',').map((s) => Number(s.trim())).sort((a, b) => a - b);
  const capNum = (k: `capacity-${'budget-s' | 'quiet-wait' | 'perf-seconds' | 'drain-seconds' | 'metric-interval-ms' | 'warmup-seconds'}`): number => {
    const x = Number(values[k]);
    if (!(x >= 0)) throw new Error(`--${k} must be a number >= 0, got ${values[k]}`);
    return x;
  };
  if (capLevels.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--capacity-levels: positive integers separated by commas, got ${values['capacity-levels']}`);

  const drainMs = Number(values['drain-seconds']) * 1000;
  if (!Number.isFinite(drainMs) || drainMs < 0) throw new Error(`--drain-seconds must be a number >= 0, got ${values['drain-seconds']}`);
  const quietWaitMs = Number(values['quiet-wait']) * 1000;
  const busyRetries = Number(values['busy-retries']);
  if (!(quietWaitMs >= 0) || !Number.isInteger(busyRetries) || busyRetries < 0) throw new Error('--quiet-wait and --busy-retries must be numbers >= 0');
  const serverArgs = values['server-args'].split(/\s+/).filter(Boolean);
  const cores = availableParallelism();
  const machine = {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores,
    node: process.version,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
    platform: `${process.platform} ${process.arch}`,
  };
  process.stdout.write(`machine: ${machine.cpuModel}, ${cores} cores, node ${machine.node}, ${machine.totalMemGiB} GiB, load ${machine.loadAvg.join(' ')}\n`);

  const sharedDir = process.env.EARSHOT_SHARED_DIR ?? join(root, '..', 'shared');
  const capacityOptions = {
    root, machine, levels: capLevels, seconds: values.seconds === undefined ? 50 : seconds, serverArgs, busyRetries,
    modelsDir: process.env.EARSHOT_MODELS_DIR ?? join(sharedDir, 'models'), audioDir: join(sharedDir, 'data', 'audio-zh'),
    budgetS: capNum('capacity-budget-s'), quietWaitMs: capNum('capacity-quiet-wait') * 1000, perfSeconds: capNum('capacity-perf-seconds'),
    drainMs: capNum('capacity-drain-seconds') * 1000, metricIntervalMs: Math.max(500, capNum('capacity-metric-interval-ms')),
    warmupSeconds: capNum('capacity-warmup-seconds'),
  };
  const capacity = () => capacityScenario(capacityOptions);
  const rules = () =>
    rulesScenario({ root, machine, calls: values.calls === undefined ? 200 : Math.max(...callCounts), seconds: values.seconds === undefined ? 60 : seconds, quietWaitMs });
  if (scenario === 'capacity') {
    await capacity();
    return;
  }
  if (scenario === 'rules') {
    await rules();
    return;
  }
  const consoleInt = (k: 'console-agent-calls' | 'console-baseline-calls' | 'console-window-seconds', min: number): number => {
    const x = Number(values[k]);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${k} must be an integer >= ${min}, got ${values[k]}`);
    return x;
  };
  const consoleOptions = {
    root, machine, quietWaitMs, agentCalls: consoleInt('console-agent-calls', 1), baselineCalls: consoleInt('console-baseline-calls', 1),
    calls: values.calls === undefined ? 200 : Math.max(...callCounts), seconds: values.seconds === undefined ? 60 : seconds, windowSeconds: consoleInt('console-window-seconds', 1),
  };
  const consoleRun = (): Promise<unknown> => consoleScenario(consoleOptions);
  if (scenario === 'console') {
    await consoleRun();
    return;
  }
  const kbConnections = values['kb-connections'].split(',').map((s) => Number(s.trim()));
  if (kbConnections.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--kb-connections: positive integers separated by commas, got ${values['kb-connections']}`);
  const kbHttpSeconds = Number(values['kb-http-seconds']);
  const kbWarmupSeconds = Number(values['kb-warmup-seconds']);
  if (!(kbHttpSeconds >= 1) || !(kbWarmupSeconds >= 0)) throw new Error('--kb-http-seconds must be >= 1 and --kb-warmup-seconds >= 0');
  const kb = () =>
    kbScenario({
      root, machine, calls: values.calls === undefined ? 50 : Math.max(...callCounts), seconds: values.seconds === undefined ? 60 : seconds, quietWaitMs,
      connections: kbConnections, httpSeconds: kbHttpSeconds, warmupSeconds: kbWarmupSeconds, busyRetries,
    });
  if (scenario === 'kb') {
    await kb();
    return;
  }
  const gateways = async (): Promise<unknown> => {
    const gwCalls = values.calls === undefined ? 200 : Math.max(...callCounts);
    const gwSeconds = values.seconds === undefined ? 20 : seconds;
    const gwAudio = buildCallAudio(join(sharedDir, 'data', 'audio-zh'), gwSeconds);
    const { rows } = await gatewaysScenario({ root, calls: gwCalls, audio: gwAudio, quietWaitMs });
    const report = { bench: 'gateways', date: new Date().toISOString(), machine, setup: { calls: gwCalls, seconds: (gwAudio.frames * 20) / 1000 }, rows };
    publishResults(root, 'gateways', report, gatewaysMarkdown(rows, gwCalls, report.setup.seconds));
    return report;
  };
  if (scenario === 'gateways') {
    await gateways();
    return;
  }
  const audio = buildCallAudio(join(sharedDir, 'data', 'audio-zh'), seconds);
  const setup = {
    seconds: (audio.frames * 20) / 1000,
    frameMs: 20,
    format: 'stereo 8 kHz mu-law (ch0 customer, ch1 agent)',
    deadAirGapMs: [audio.gapStartMs, audio.gapEndMs],
    recordings: audio.recordings,
    serverPerN: 'fresh child process (node --import tsx cli.ts), fresh data dir, --log-level warn, config defaults unless --server-args',
    serverArgs,
    drainLimitS: drainMs / 1000,
    quietWaitS: quietWaitMs / 1000,
    busyRetries,
  };

  const results: (CallsResult | { calls: number; error: string })[] = [];
  for (const n of callCounts) {
    process.stderr.write(`bench: ${n} calls × ${setup.seconds} s …\n`);
    try {
      // On a shared machine, wait for a quiet moment; rerun (keeping the quieter run) if other load was heavy.
      let r: CallsResult | null = null;
      for (let attempt = 0; attempt <= busyRetries && (r === null || r.machine.otherPctOfOneCore > OTHER_LOAD_LIMIT); attempt++) {
        if (r !== null) process.stderr.write(`bench: ${n} calls: rerun, other load was ${r.machine.otherPctOfOneCore}% of a core\n`);
        const busyBefore = await waitForQuiet(quietWaitMs);
        const run = await runCalls({ root, calls: n, audio, cores, drainMs, serverArgs });
        run.attempt = { index: attempt + 1, machineBusyBeforePct: busyBefore };
        if (r === null || run.machine.otherPctOfOneCore < r.machine.otherPctOfOneCore) r = run;
      }
      results.push(r!);
      process.stderr.write(
        `bench: ${n} calls: latency p50/p95/p99 ${r!.latencyMs.combined.p50}/${r!.latencyMs.combined.p95}/${r!.latencyMs.combined.p99} ms, ` +
          `server CPU ${r!.server.cpuPctOfOneCore}% of a core, RSS peak ${r!.server.rssPeakMiB} MiB, other load ${r!.machine.otherPctOfOneCore}%\n`,
      );
    } catch (err) {
      process.stderr.write(`bench: ${n} calls failed: ${(err as Error).stack ?? String(err)}\n`);
      results.push({ calls: n, error: (err as Error).message });
    }
  }

  const report = { bench: 'calls', date: new Date().toISOString(), machine, setup, results };
  const table = renderTable(report);
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'calls.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(outDir, 'calls.md'), table);
  process.stdout.write(`\n${table}\n`);
  process.stdout.write(JSON.stringify(report) + '\n');
  if (scenario === 'all') {
    const cap = await capacity();
    const rulesReport = await rules();
    const kbReport = await kb();
    const gatewaysReport = await gateways();
    const consoleReport = await consoleRun().catch((err: unknown) => {
      process.stderr.write(`bench: console failed: ${(err as Error)?.stack ?? String(err)}\n`);
      return { bench: 'console', error: (err as Error)?.message ?? String(err) };
    });
    process.stdout.write(JSON.stringify({ bench: 'all', calls: report, capacity: cap, rules: rulesReport, kb: kbReport, gateways: gatewaysReport, console: consoleReport }) + '\n');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error)?.stack ?? String(err)}\n`);
  process.stdout.write(JSON.stringify({ bench: scenario, error: (err as Error)?.message ?? String(err) }) + '\n');
  process.exit(1);
});
