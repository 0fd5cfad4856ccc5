import type { LevelResult } from './capacity-level.js';
import type { Summary } from './stats.js';

export interface CapacityReport {
  bench: 'capacity';
  date: string;
  machine: { cpuModel: string; cores: number; node: string; totalMemGiB: number; loadAvg: number[] };
  setup: { secondsPerCall: number; lagLimitMs: number; metricIntervalMs: number; serverArgs: string[]; conversation: string; keywords: string[]; levels: number[]; budgetS: number; warmupSeconds: number; quietWaitS: number; busyRetries: number; drainS: number; perfSeconds: number };
  capacity: { calls: number; goalCalls: number; metGoal: boolean; firstFailingCalls: number | null; skippedForBudget: number[] };
  limitedBy: { calls: number; statement: string; perf: { what: string; pct: number }[] } | null;
  latency: { calls: number; source: string; keyword: Summary & { expected: number; found: number }; final: Summary; goalP95Ms: number; metGoal: boolean } | null;
  levels: LevelResult[];
  errors: { calls: number; error: string }[];
  elapsedS: number;
}

const p4 = (s: Summary): string => (s.count === 0 ? 'n/a' : `${s.p50} / ${s.p95} / ${s.p99} / ${s.max}`);
const pct = (x: number | undefined): string => (x === undefined ? '–' : String(x));

const DSO_NAMES: [RegExp, string][] = [
  [/^libonnxruntime\.so$/, 'ASR (sherpa-onnx ONNX Runtime)'], [/^libonnxruntime\.so\.1$/, 'Silero VAD (onnxruntime-node)'], [/^libsherpa/, 'sherpa-onnx (features, search)'],
  [/^\[JIT\]/, 'JIT-compiled JavaScript'], [/^node$/, 'V8 / Node C++ (GC, interpreter, builtins)'], [/^libc\.so|^libm\.so|^libstdc/, 'libc / libm / libstdc++'], [/kernel/, 'kernel'],
];

/** perf's shared objects grouped into what they are, % of the server's samples. */
export function perfGroups(r: LevelResult): { what: string; pct: number }[] {
  if (!r.perf || !('byDso' in r.perf)) return [];
  const g = new Map<string, number>();
  for (const d of r.perf.byDso) {
    const what = DSO_NAMES.find(([re]) => re.test(d.dso))?.[1] ?? d.dso;
    g.set(what, (g.get(what) ?? 0) + d.pct);
  }
  return [...g].map(([what, pct]) => ({ what, pct: Math.round(pct * 10) / 10 })).sort((a, b) => b.pct - a.pct);
}

/**
 * Plain words on what bounds the capacity, from the profiled level `r` (the first failing one) and the top
 * passing level `p`: where the CPU went (machine, server threads, perf), and which resource ran out.
 */
export function limitingStatement(r: LevelResult, p: LevelResult | undefined, cores: number, analysisWorkers: number): string {
  const by = r.server.threads.byLabel;
  const workers = r.server.threads.threads.filter((t) => t.label === 'analysis worker').map((t) => t.cpuPctOfOneCore);
  const parts: string[] = [];
  const cpuBound = r.machine.busyPctOfOneCore >= 90 * cores;
  const others = r.machine.busiestOthers.slice(0, 2).map((x) => `${x.cmd} ${x.cpuPctOfOneCore}%`).join(', ');
  parts.push(
    `At ${r.calls} calls the machine was ${Math.round(r.machine.busyPctOfOneCore / cores)}% busy (${r.machine.busyPctOfOneCore}% of ${cores * 100}%: server ${r.server.cpuPctOfOneCore}%, ` +
      `load generator ${r.generator.cpuPctOfOneCore}%, other processes ${r.machine.otherPctOfOneCore}%${others ? ` — ${others}` : ''}).`,
  );
  if (r.server.threads.method.startsWith('gdb')) {
    parts.push(
      `Server threads, % of one core: analysis workers ${workers.join(' + ') || '?'} (${analysisWorkers} configured), main thread ${pct(by.main)}, ` +
        `V8 platform threads ${pct(by['v8-platform'])}, libuv pool ${by['uv-threadpool'] ?? 0}.`,
    );
  } else parts.push(`Main thread ${r.server.mainThreadCpuPct}% of one core, the other threads ${Math.round(r.server.cpuPctOfOneCore - r.server.mainThreadCpuPct)}% (no gdb to tell them apart).`);
  const groups = perfGroups(r);
  if (groups.length && r.perf && 'byDso' in r.perf) {
    parts.push(`perf (${r.perf.seconds} s, ${r.perf.samples} samples): ${groups.slice(0, 6).map((g) => `${g.what} ${g.pct}%`).join(', ')}; ` +
      `hottest: ${r.perf.topSymbols.slice(0, 3).map((x) => `${x.symbol} ${x.pct}%`).join(', ')}.`);
  }
  if (p) {
    const perCall = p.server.cpuPctOfOneCore / p.calls;
    const w = (p.server.threads.byLabel['analysis worker'] ?? NaN) / p.calls;
    const room = cores * 100 - p.generator.cpuPctOfOneCore * (r.calls / p.calls);
    parts.push(
      `Cost per call at ${p.calls} calls: server ${perCall.toFixed(1)}% of a core (analysis workers ${w.toFixed(1)}%, main thread ${(p.server.mainThreadCpuPct / p.calls).toFixed(1)}%), ` +
        `so ${cores} dedicated cores could at best hold about ${Math.floor(room / perCall)} calls on CPU alone, with no headroom for speech bursts.`,
    );
  }
  const worst = Object.entries(r.lagByAtS).sort((a, b) => (b[1][1] ?? 0) - (a[1][1] ?? 0))[0] ?? ['?', [null, null]];
  const hot = workers.length > 0 && Math.max(...workers) >= 85;
  const mainHot = (by.main ?? r.server.mainThreadCpuPct) >= 85;
  parts.push(
    cpuBound
      ? `Limit: CPU — the cores were saturated${hot ? ', the analysis workers running flat out' : ''}${mainHot ? ', the main thread too' : ''}` +
          (r.machine.otherPctOfOneCore > 30 ? `, with other processes taking ${r.machine.otherPctOfOneCore}% of a core (a dedicated machine would do somewhat better).` : '.') +
          ' Most server CPU is speech analysis in the workers (recognition first, then Silero), not the event plumbing.'
      : hot
        ? 'Limit: the analysis workers (each near a full core) while the machine still had CPU left: more analysis threads, or balancing by load, would help.'
        : mainHot
          ? 'Limit: the main thread (its event loop near a full core).'
          : `Limit: no thread and not the whole CPU was saturated on average; the lag came in bursts, worst at ${worst[0]} s of the calls' audio (lag p95 ${worst[1][0]} ms, max ${worst[1][1]}): ` +
            'moments when speech analysis needs more CPU than the threads get (calls starting together, speech overlapping, other processes).',
  );
  return parts.join(' ');
}

/** The Markdown summary written to bench/results/capacity.md and printed before the JSON line. */
export function renderCapacity(rep: CapacityReport): string {
  const m = rep.machine;
  const lines = [
    '# Capacity: concurrent stereo calls in real time',
    '',
    `${rep.date} · ${m.cpuModel}, ${m.cores} cores, ${m.totalMemGiB} GiB, node ${m.node}, load before ${m.loadAvg.join(' ')} · ${rep.elapsedS} s in all`,
    '',
    `${rep.setup.conversation} Keywords file: ${rep.setup.keywords.join(', ')}. Server: fresh child per level, ${rep.setup.serverArgs.join(' ')}. ` +
      `A level passes when the p99 of the metric events' lagMs (every ${rep.setup.metricIntervalMs} ms of audio, every call) is under ${rep.setup.lagLimitMs} ms, every expected metric ` +
      `event arrives within ${rep.setup.drainS} s of the last frame, and every call ends normally after stop. Before each level the bench waits up to ${rep.setup.quietWaitS} s for a quiet machine; ` +
      `a failing level with other load over 30% of a core is run again (up to ${rep.setup.busyRetries} more times, the quieter try kept). Ladder ${rep.setup.levels.join(', ')}, stopping at the first failure, ` +
      'then bisecting. Lag and latencies in ms as p50 / p95 / p99 / max; CPU in % of one core.',
    '',
    '| calls | pass | lag ms | metric events (expected) | keyword hits (expected) | keyword latency ms | finals | server CPU (main / analysis workers) | RSS idle / peak / end MiB | other load | send lag p99 ms | ended ok |',
    '|---:|---|---|---|---|---|---:|---|---|---:|---:|---:|',
  ];
  const notes: string[] = [];
  for (const r of rep.levels) {
    const w = r.server.threads.threads.filter((t) => t.label === 'analysis worker').map((t) => t.cpuPctOfOneCore).join('+') || '?';
    lines.push(
      `| ${r.calls} | ${r.pass ? 'yes' : '**no**'} | ${p4(r.lagMs)} | ${r.metricInTime} (${r.metric.expected}) | ${r.keywords.found} (${r.keywords.expected}) | ${p4(r.keywords.latencyMs)} | ` +
        `${r.finals.count} | ${r.server.cpuPctOfOneCore} (${r.server.mainThreadCpuPct} / ${w}) | ${r.server.rssIdleMiB} / ${r.server.rssPeakMiB} / ${r.server.rssEndMiB} | ` +
        `${r.machine.otherPctOfOneCore} | ${r.generator.sendLagMs.p99} | ${r.endedNormally}/${r.calls} |`,
    );
    const odd = [
      r.failReasons.length ? `fails: ${r.failReasons.join('; ')}` : '',
      r.callLagAlerts ? `${r.callLagAlerts} call-lag alerts` : '',
      Object.keys(r.keywords.unexpected).length ? `unexpected keyword alerts ${JSON.stringify(r.keywords.unexpected)}` : '',
      r.keywords.duplicates ? `${r.keywords.duplicates} duplicate keyword alerts` : '',
      Object.keys(r.keywords.missed).length ? `missed keywords ${JSON.stringify(r.keywords.missed)}` : '',
      r.beforeFrameSent ? `${r.beforeFrameSent} events before their frame was sent` : '',
      r.generator.framesLateOver20ms ? `${r.generator.framesLateOver20ms} frames sent >20 ms late (send lag max ${r.generator.sendLagMs.max} ms)` : '',
      r.unexpectedCloses ? `${r.unexpectedCloses} audio sockets closed early` : '',
      r.eventsSocketClosedEarly ? `console socket closed early (${r.eventsSocketClosedEarly})` : '',
      r.server.logLines ? `${r.server.logLines} server warn/error lines (last: ${r.server.logTail.at(-1)?.slice(0, 160)})` : '',
      r.source.changedDuringRun ? 'server sources changed during the run' : '',
      r.attempt?.otherTries?.length
        ? `kept try ${r.attempt.index} of ${r.attempt.otherTries.length + 1} (the other: ${r.attempt.otherTries.map((t) => `lag p99 ${t.lagP99Ms} ms with other load ${t.otherPctOfOneCore}%`).join(', ')})`
        : '',
      Object.keys(r.otherAlerts).length ? `other alerts ${JSON.stringify(r.otherAlerts)}` : '',
      r.keywords.missedSamples.length ? `misses: ${r.keywords.missedSamples.slice(0, 4).join(', ')}` : '',
      !r.pass ? `lag p95/max by audio time: ${Object.entries(r.lagByAtS).map(([k, v]) => `${k} s ${v[0]}/${v[1]}`).join(', ')}` : '',
      r.machine.busiestOthers.length ? `busiest other processes: ${r.machine.busiestOthers.slice(0, 3).map((x) => `${x.cmd} ×${x.processes} ${x.cpuPctOfOneCore}%${x.childOf ? ` (child of ${x.childOf})` : ''}`).join('; ')}` : '',
    ].filter(Boolean);
    notes.push(
      `${r.calls} calls: metric latency ${p4(r.metricLatencyMs)} ms; final latency ${p4(r.finals.latencyMs)} ms; machine busy ${r.machine.busyPctOfOneCore}% ` +
        `(${r.attempt?.machineBusyBeforePct ?? '?'}% just before); generator ${r.generator.cpuPctOfOneCore}%` + (odd.length ? `; ${odd.join('; ')}` : '') + '.',
    );
  }
  const c = rep.capacity;
  lines.push('', `**Capacity: ${c.calls} concurrent calls** (goal ${c.goalCalls}: ${c.metGoal ? 'met' : 'not met'}; first failing level ${c.firstFailingCalls ?? 'none tried'}` +
    (c.skippedForBudget.length ? `; not tried for the time budget: ${c.skippedForBudget.join(', ')}` : '') + ').');
  if (rep.limitedBy) lines.push('', `**What limits it** (profiled at ${rep.limitedBy.calls} calls): ${rep.limitedBy.statement}`);
  const l = rep.latency;
  if (l) {
    lines.push('', `**Keyword latency at ${l.calls} calls** (${l.source}; end of the keyword in the audio → alert on the console socket): ` +
      `p50 / p95 / p99 / max ${p4(l.keyword)} ms over ${l.keyword.found} of ${l.keyword.expected} expected hits; goal p95 ≤ ${l.goalP95Ms} ms: ${l.metGoal ? 'met' : 'not met'}. ` +
      `utterance.final (its endMs → receipt): ${p4(l.final)} ms over ${l.final.count}.`);
  }
  lines.push('', 'The load generator runs on the same machine and its CPU counts against the server; "other load" is whatever else the shared machine ran meanwhile (perf sampling included).');
  for (const e of rep.errors) notes.push(`${e.calls} calls: failed to run: ${e.error}`);
  lines.push('', ...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
