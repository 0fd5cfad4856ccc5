import { join } from 'node:path';
import { compileRules, DEFAULT_KIND_OPTIONS } from '../engine/detect/compile.js';
import { loadRules } from '../engine/detect/rule-loader.js';
import { sourceFingerprint, type Fingerprint } from './lib/fingerprint.js';
import { measureCost, utteranceAlerts, type CostResult } from './lib/rules-cost.js';
import { runLatency, type LatencyResult } from './lib/rules-latency.js';
import { loadWindow, type LoadFigures } from './lib/rules-load.js';
import { buildScript, loadTurnTexts, TRIGGERS } from './lib/rules-script.js';
import { waitForQuiet } from './lib/server.js';
import { publishResults } from './lib/results.js';

/**
 * Rules scenario: what the rule engine costs and how fast its alerts reach the console.
 * 1. Cost per utterance, in-process: scripted calls of 20 turns (real customer questions, real service
 *    answers, 2–3 rule-triggering turns) through a detector with the full default pack, with no rules (the
 *    shared normalisation and pinyin work) and with each kind's rules alone; every `utterance()` timed.
 * 2. Alert latency: Earshot in this process, N concurrent native calls sending 60 s scripts as text at
 *    real-time pace; utterance sent → alert received on /v1/events. Reports, never asserts.
 */
export interface RulesOptions {
  root: string;
  machine: { cpuModel: string; cores: number; node: string; totalMemGiB: number; loadAvg: number[] };
  calls: number;
  seconds: number;
  quietWaitMs: number;
  /** Timed calls of the cost part (each after COST_WARMUP_CALLS untimed ones). */
  costCalls?: number;
}

export interface RulesReport {
  bench: 'rules';
  date: string;
  machine: RulesOptions['machine'];
  setup: Record<string, unknown>;
  /** The cost part's own load window: it runs on one core, so other load shows in its tail. */
  cost: CostResult & { load: LoadFigures & { machineBusyBeforePct: number } };
  latency: LatencyResult | { error: string };
  source: { atStart: Fingerprint; changedDuringRun: boolean };
}

const COST_TURNS = 20;
const COST_WARMUP_CALLS = 100;
const say = (s: string): void => void process.stderr.write(`bench rules: ${s}\n`);

export async function runRules(o: RulesOptions): Promise<RulesReport> {
  const atStart = sourceFingerprint(o.root);
  const loaded = loadRules(join(o.root, 'knowledge', 'rules'));
  if (loaded.errors.length > 0) say(`${loaded.errors.length} rules rejected: ${loaded.errors.map((e) => e.reason).join('; ')}`);
  const rules = loaded.set.rules.map((r) => r.rule);
  const texts = loadTurnTexts();

  const costCalls = o.costCalls ?? 500;
  const costScripts = Array.from({ length: COST_WARMUP_CALLS + costCalls }, (_, i) => buildScript(i, texts, { turns: COST_TURNS, maxEndMs: Infinity }));
  const quietBeforeCost = await waitForQuiet(o.quietWaitMs);
  say(`cost: ${costCalls} calls × ${COST_TURNS} turns through ${rules.length} rules (after ${COST_WARMUP_CALLS} warm-up calls; machine ${quietBeforeCost}% of a core busy before) …`);
  const costLoad = loadWindow(o.machine.cores);
  const cost = { ...(await measureCost(costScripts, rules, COST_WARMUP_CALLS)), load: { ...costLoad.stop(), machineBusyBeforePct: quietBeforeCost } };
  const all = cost.utteranceUs.all!;
  say(`cost: full pack p50/p99 ${all.p50}/${all.p99} µs per utterance, no rules ${cost.utteranceUs.none!.p50}/${cost.utteranceUs.none!.p99} µs, other load ${cost.load.otherLoad.otherPctOfOneCore}%`);

  // Latency: each call a script of about `seconds`, its starts spread over the first 5 s.
  const compiled = compileRules(rules, DEFAULT_KIND_OPTIONS);
  const scripts = Array.from({ length: o.calls }, (_, i) => buildScript(100_000 + i, texts, { turns: 1000, maxEndMs: o.seconds * 1000 - 500 }));
  const expected = scripts.map((s, i) => utteranceAlerts(`expect-${i}`, s, compiled));
  const staggerMs = Math.min(5000, o.seconds * 100);
  let latency: LatencyResult | { error: string };
  const busyBefore = await waitForQuiet(o.quietWaitMs);
  say(`latency: ${o.calls} calls × ${o.seconds} s (machine ${busyBefore}% of a core busy before) …`);
  try {
    latency = await runLatency({ calls: o.calls, scripts, expected, staggerMs, drainMs: 10_000, cores: o.machine.cores });
    say(
      `latency: p50/p95/p99 ${latency.latencyMs.p50}/${latency.latencyMs.p95}/${latency.latencyMs.p99} ms, alerts ${latency.alerts.matched}/${latency.alerts.expected}, ` +
        `process CPU ${latency.process.cpuPctOfOneCore}% (main ${latency.process.mainThreadCpuPct}%), other load ${latency.otherLoad.otherPctOfOneCore}%`,
    );
  } catch (err) {
    say(`latency failed: ${(err as Error).stack ?? String(err)}`);
    latency = { error: (err as Error).message };
  }

  const turns = scripts.reduce((s, x) => s + x.length, 0);
  return {
    bench: 'rules',
    date: new Date().toISOString(),
    machine: o.machine,
    setup: {
      rules: rules.length,
      ruleKinds: [...new Set(rules.map((r) => r.kind))].sort(),
      data: `customer turns: ${texts.customer.length} distinct questions of ../shared/data/bq-corpus; agent turns: ${texts.agent.length} distinct ` +
        `opening sentences (≤ 80 chars) of ../shared/data/unionpay-faq answers; greeting first, goodbye last; 2–3 turns per call replaced by ` +
        `${TRIGGERS.agent.length} agent / ${TRIGGERS.customer.length} customer rule-triggering turns; 4 chars/s, 0.3–1.5 s pauses`,
      cost: { turnsPerCall: COST_TURNS, warmupCalls: COST_WARMUP_CALLS, timed: 'each detector.utterance(u, activity=true) call, process.hrtime.bigint(); every call through every rule set in turn' },
      latency: {
        calls: o.calls, seconds: o.seconds, utterancesPerCall: Math.round((turns / o.calls) * 10) / 10, startsSpreadMs: staggerMs,
        server: 'in this process: model none, vad energy, analysisWorkers 1, rulesWatch no, kbWatch no, log warn; one /v1/events?types=alert,utterance.final subscriber',
        quietWaitS: o.quietWaitMs / 1000, machineBusyBeforePct: busyBefore,
      },
    },
    cost,
    latency,
    source: { atStart, changedDuringRun: sourceFingerprint(o.root).sha256 !== atStart.sha256 },
  };
}

const others = (l: LoadFigures): string =>
  `other processes ${l.otherLoad.otherPctOfOneCore}% of a core (machine ${l.otherLoad.machineBusyPctOfOneCore}%` +
  (l.otherLoad.busiestOthers.length ? `; busiest: ${l.otherLoad.busiestOthers.map((p) => `${p.cmd.slice(0, 60)} ${p.cpuPctOfOneCore}%`).join(', ')}` : '') + ')';
const pct = (s: { p50: number | null; p95: number | null; p99: number | null; max: number | null }): string => `${s.p50} / ${s.p95} / ${s.p99} (${s.max})`;

export function renderRules(r: RulesReport): string {
  const m = r.machine;
  const lines = [
    '# Rule engine: cost per utterance and alert latency',
    '',
    `${r.date} · ${m.cpuModel}, ${m.cores} cores, ${m.totalMemGiB} GiB, node ${m.node}, load before ${m.loadAvg.join(' ')}`,
    '',
    `Cost: ${r.cost.calls} calls × ${r.cost.utterancesPerCall} utterances, each \`utterance()\` timed (µs, p50 / p95 / p99 (max)); ` +
      '`none` = no rules (normalisation and pinyin only), a kind = its rules alone (with the rules their windows depend on).',
    '',
    '| rule set | rules | µs per utterance |',
    '|---|---:|---|',
    ...Object.entries(r.cost.utteranceUs).map(([name, s]) => `| ${name} | ${s.rules} | ${pct(s)} |`),
    '',
    `The rules' own share at p50: ${r.cost.rulesOnlyP50Us} µs per utterance (all − none).`,
    '',
    `Alerts per call (full pack): ${r.cost.alertsPerCall.all} events, ${r.cost.alertsPerCall.raised} raised — ` +
      Object.entries(r.cost.alertsPerCall.byRule).map(([k, v]) => `${k} ${v}`).join(', ') + '.',
    '',
    `Cost part: ${r.cost.load.wallS} s, ${others(r.cost.load)}; one thread, so other load on this ${m.cores}-core machine shows in the tail (p99, max).`,
    '',
  ];
  const l = r.latency;
  if ('error' in l) lines.push(`Latency: failed: ${l.error}`, '');
  else {
    lines.push(
      `Latency at ${l.calls} concurrent calls (${l.calls - l.connected} refused), ${(r.setup.latency as { seconds: number }).seconds} s scripts sent as text at real-time pace, ` +
        'server in this process; utterance sent → alert received on `/v1/events` (ms, p50 / p95 / p99 (max)):',
      '',
      '| measure | ms |',
      '|---|---|',
      `| alert latency (${l.alerts.matched} alerts, ${l.alerts.expected} expected) | ${pct(l.latencyMs)} |`,
      `| server side: alert emittedAt − utterance.final emittedAt | ${pct(l.serverSideMs)} |`,
      `| utterance.final received − sent (no rules in the path) | ${pct(l.utteranceFinalMs)} |`,
      `| send lag of the paced clock | ${pct(l.sendLagMs)} |`,
      '',
      `Process CPU over ${l.wallS} s: ${l.process.cpuPctOfOneCore}% of one core (main thread ${l.process.mainThreadCpuPct}%), server, clients and subscriber together; ` +
        `event-loop delay p99 ${l.eventLoopDelayMs.p99} ms (max ${l.eventLoopDelayMs.max}); ${others(l)}.`,
      '',
      `Alerts by rule: ${Object.entries(l.alerts.byRule).map(([k, v]) => `${k} ${v}`).join(', ')}; not tied to an utterance's end ` +
        `(windows, silences): ${JSON.stringify(l.alerts.otherAlerts)}; after stop: ${l.alerts.afterStop}. ` +
        `Calls ended with stop: ${l.endedNormally}/${l.connected}` + (l.stopTimeouts ? ` (${l.stopTimeouts} stop timeouts)` : '') +
        (l.unexpectedCloses ? `; ${l.unexpectedCloses} sockets closed early` : '') + (l.eventsSocketClosedEarly ? `; console socket closed early (${l.eventsSocketClosedEarly})` : '') +
        `; server closed: ${l.serverClosed ? 'yes' : 'no'}; ${l.serverLogLines} server warn/error log lines.`,
      '',
    );
  }
  lines.push(`Server sources ${r.source.atStart.gitHead ?? '?'}+${r.source.atStart.sha256}${r.source.changedDuringRun ? ' (changed on disk during the run)' : ''}.`, '');
  return lines.join('\n');
}

/** Runs the scenario, writes bench/results/rules.{json,md}, prints the table and the JSON line. */
export async function rulesScenario(o: RulesOptions): Promise<RulesReport> {
  const report = await runRules(o);
  publishResults(o.root, 'rules', report, renderRules(report));
  return report;
}
