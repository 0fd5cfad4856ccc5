import type { CallsResult } from '../calls.bench.js';
import type { Summary } from './stats.js';

interface Report {
  date: string;
  machine: { cpuModel: string; cores: number; node: string; totalMemGiB: number; loadAvg: number[] };
  setup: { seconds: number; deadAirGapMs: number[]; serverArgs: string[] };
  results: (CallsResult | { calls: number; error: string })[];
}

const pct3 = (s: Summary): string => (s.count === 0 ? 'n/a' : `${s.p50} / ${s.p95} / ${s.p99}`);

/** The short Markdown summary written to bench/results/calls.md and printed before the JSON line. */
export function renderTable(report: Report): string {
  const m = report.machine;
  const lines = [
    '# Concurrent calls: engine overhead',
    '',
    `${report.date} · ${m.cpuModel}, ${m.cores} cores, ${m.totalMemGiB} GiB, node ${m.node}, load before ${m.loadAvg.join(' ')}`,
    '',
    `Each call streams ${report.setup.seconds} s of stereo 8 kHz μ-law in 20 ms frames at real-time pace (one dead-air gap at ` +
      `${report.setup.deadAirGapMs.map((x) => (x / 1000).toFixed(1)).join('–')} s). Latency = frame sent → event received on ` +
      '`/v1/events`, for the frame that completed the trigger (ms, p50 / p95 / p99). CPU is the server process only (all its threads, and its main thread alone), % of one core. ' +
      `Server: ${report.setup.serverArgs.length ? report.setup.serverArgs.join(' ') : 'default configuration'}.`,
    '',
    '| calls | dead-air ms | metric ms | all ms (max) | server-side ms | server CPU % (main thread) | RSS peak / mean MiB | dead-air / metric events (expected) | send lag p99 ms | ended ok |',
    '|---:|---|---|---|---|---|---|---|---:|---:|',
  ];
  const notes: string[] = [];
  for (const r of report.results) {
    if ('error' in r) {
      lines.push(`| ${r.calls} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | | |`);
      continue;
    }
    const c = r.counts;
    lines.push(
      `| ${r.calls} | ${pct3(r.latencyMs.deadAir)} | ${pct3(r.latencyMs.metric)} | ${pct3(r.latencyMs.combined)} (${r.latencyMs.combined.max}) | ` +
        `${pct3(r.serverSideMs.combined)} | ${r.server.cpuPctOfOneCore} (${r.server.mainThreadCpuPct}) | ${r.server.rssPeakMiB} / ${r.server.rssMeanMiB} | ` +
        `${c.deadAirRaised} (${c.expectedDeadAir}) / ${c.metric} (${c.expectedMetric}) | ${r.sendLagMs.p99} | ${r.endedNormally}/${r.calls} |`,
    );
    if (r.framesLateOver20ms > 0) notes.push(`${r.calls} calls: ${r.framesLateOver20ms} frames sent more than 20 ms late (send lag max ${r.sendLagMs.max} ms); the generator did not fully keep pace.`);
    const odd = [
      c.metric < c.expectedMetric || c.deadAirRaised < c.expectedDeadAir
        ? `events missing ${(r.drainWaitMs / 1000).toFixed(0)} s after the last frame: ${c.deadAirRaised}/${c.expectedDeadAir} dead-air, ${c.metric}/${c.expectedMetric} metric ` +
          '(the server fell behind real time; latencies are of the events that arrived)'
        : '',
      r.connectErrors.length ? `${r.connectErrors.length} calls refused` : '',
      r.unexpectedCloses ? `${r.unexpectedCloses} audio sockets closed early` : '',
      r.sendErrors ? `${r.sendErrors} send errors` : '',
      r.stopTimeouts ? `${r.stopTimeouts} calls got no \`stopped\` within 10 s of \`stop\`` : '',
      Object.keys(c.otherAlerts).length ? `other alerts ${JSON.stringify(c.otherAlerts)}` : '',
      r.source.changedDuringRun ? 'server sources changed on disk during the run' : '',
      r.eventsSocketClosedEarly ? `console socket closed early (${r.eventsSocketClosedEarly})` : '',
      c.beforeFrameSent ? `${c.beforeFrameSent} events before their frame was sent` : '',
      c.callsWithSeveralDeadAir ? `${c.callsWithSeveralDeadAir} calls with several dead-air alerts` : '',
      r.server.exited ? `server exited (${r.server.exited})` : '',
      r.server.logLines ? `${r.server.logLines} server warn/error log lines` : '',
    ].filter(Boolean);
    if ((r.latencyMs.metric.p95 ?? 0) > 100) {
      const byAt = Object.entries(r.metricP50ByAtMs).map(([at, p]) => `${Number(at) / 1000} s: ${p} ms`).join(', ');
      notes.push(`${r.calls} calls: metric latency p50 by the event's audio time: ${byAt}.`);
    }
    if (odd.length) notes.push(`${r.calls} calls: ${odd.join('; ')}.`);
    notes.push(
      `${r.calls} calls: server sources ${r.source.atStart.gitHead ?? '?'}+${r.source.atStart.sha256}; load generator used ${r.generator.cpuPctOfOneCore}% ` +
        `of a core (event-loop delay p99 ${r.generatorLoopDelayMs.p99} ms); other processes ${r.machine.otherPctOfOneCore}% ` +
        `(machine busy ${r.machine.busyPctOfOneCore}% of ${m.cores * 100}%` +
        (r.attempt ? `; try ${r.attempt.index}, machine ${r.attempt.machineBusyBeforePct}% busy just before` : '') + ').',
    );
  }
  lines.push('', "Server-side = the event's emittedAt (server Date.now(), whole ms, so it reads up to 1 ms early and can be negative) − frame send time; " +
    "the rest is delivery to the console socket and the generator's own event loop.");
  lines.push(
    `The load generator (N WebSocket clients, 50 × N frames/s) runs on the same ${m.cores}-core machine as the server, so at the largest N ` +
      'both compete for CPU: read the latencies at high N as an upper bound. A fresh server process is started for each N.',
  );
  lines.push('', ...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
