import { join } from 'node:path';
import { faqQueries } from './eval/kb-data.js';
import { sourceFingerprint, type Fingerprint } from './lib/fingerprint.js';
import { measureHttp, type HttpRun } from './lib/kb-http.js';
import { runKbLatency, type KbLatencyResult } from './lib/kb-latency.js';
import { buildKbScript, loadKbTexts } from './lib/kb-script.js';
import { KB_SERVER_SETUP, startInProcess } from './lib/kb-server.js';
import { summarizeNs, type UsSummary } from './lib/rules-cost.js';
import { loadWindow, type LoadFigures } from './lib/rules-load.js';
import { rng } from './lib/rules-script.js';
import { waitForQuiet } from './lib/server.js';
import { publishResults } from './lib/results.js';

/**
 * Knowledge scenario: what knowledge search costs over HTTP, and how fast a suggestion reaches the console.
 * 1. HTTP search: Earshot in this process; autocannon (in this process too) sends `GET /v1/kb/search?q=…&k=5`
 *    with a different real user wording (../shared/data/unionpay-faq/queries.json, URL-encoded) on every
 *    request, at each connection count, after a short warm-up; `GET /healthz` at the same connection counts
 *    is the HTTP stack (and the load generator) alone, so search − healthz is the search's own cost.
 * 2. Suggestion latency: N concurrent native calls (text only) sending customer questions the sample KB
 *    answers, FAQ wordings and agent turns at real-time pace; utterance sent → suggestion received on
 *    /v1/events. Reports, never asserts.
 */
export interface KbOptions {
  root: string;
  machine: { cpuModel: string; cores: number; node: string; totalMemGiB: number; loadAvg: number[] };
  calls: number;
  seconds: number;
  quietWaitMs: number;
  /** autocannon connection counts. */
  connections: number[];
  httpSeconds: number;
  warmupSeconds: number;
  /** Share of customer turns that are FAQ user wordings rather than KB questions. */
  faqShare?: number;
  /** A window with other load above OTHER_LOAD_LIMIT is rerun this many times (after a quiet wait); the quietest is kept. */
  busyRetries?: number;
}

type Busy = { machineBusyBeforePct: number };
/** Which attempt was kept, of how many (a busy window is rerun). */
type Attempts = { attempt: number; attempts: number };

export interface KbReport {
  bench: 'kb';
  date: string;
  machine: KbOptions['machine'];
  setup: Record<string, unknown>;
  http:
    | {
        /** kb.search(q, 5) called directly on the server's index, each distinct wording once (after one untimed pass). */
        searchInProcessUs: UsSummary & { withHits: number; queries: number; otherLoad: LoadFigures['otherLoad'] };
        /** One request checked by hand before the load. */
        sample: { query: string; status: number; hits: number; topId: string | null };
        runs: ((HttpRun & Attempts) | { target: string; connections: number; error: string })[];
        /** search − healthz at each connection count (requests/s and the sub-ms latency p50/p99). */
        searchCost: { connections: number; requestsPerSPct: number | null; p50Ms: number | null; p99Ms: number | null }[];
      } & Busy
    | { error: string };
  latency: (KbLatencyResult & Busy & Attempts) | { error: string };
  source: { atStart: Fingerprint; changedDuringRun: boolean };
}

/** Other processes busier than this (% of one core) in a window make its figures worth a rerun (as bench/run.ts). */
const OTHER_LOAD_LIMIT = 30;
const say = (s: string): void => void process.stderr.write(`bench kb: ${s}\n`);
const r2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Runs `measure` once, and again (up to `retries` times, each after a quiet wait) while the other load in
 * its window was above OTHER_LOAD_LIMIT; keeps the run with the least other load.
 */
async function quietest<T extends LoadFigures>(label: string, retries: number, quietWaitMs: number, measure: () => Promise<T>): Promise<T & Attempts> {
  let best: (T & Attempts) | null = null;
  let attempts = 0;
  while (best === null || (best.otherLoad.otherPctOfOneCore > OTHER_LOAD_LIMIT && attempts <= retries)) {
    if (best !== null) {
      say(`${label}: rerun, other load was ${best.otherLoad.otherPctOfOneCore}% of a core`);
      await waitForQuiet(quietWaitMs);
    }
    const r = { ...(await measure()), attempt: ++attempts, attempts: 0 };
    if (best === null || r.otherLoad.otherPctOfOneCore < best.otherLoad.otherPctOfOneCore) best = r;
  }
  best.attempts = attempts;
  return best;
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  const random = rng(seed);
  for (let k = out.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [out[k], out[j]] = [out[j]!, out[k]!];
  }
  return out;
}

type KbHttp = Exclude<KbReport['http'], { error: string }>;

async function httpPart(o: KbOptions): Promise<KbReport['http']> {
  const queries = shuffled([...new Set(faqQueries().map((q) => q.query.trim()))].filter((q) => q.length > 0 && q.length <= 1000), 0x5eac);
  const paths = queries.map((q) => `/v1/kb/search?q=${encodeURIComponent(q)}&k=5`);
  const server = await startInProcess(o.root, 'kb-http');
  try {
    // Reference: the search alone, on the very index the route searches (one untimed pass first).
    for (const q of queries) server.earshot.kb.search(q, 5);
    const busy = await waitForQuiet(o.quietWaitMs);
    const load = loadWindow(o.machine.cores);
    const ns = new Float64Array(queries.length);
    let withHits = 0;
    queries.forEach((q, i) => {
      const t0 = process.hrtime.bigint();
      const hits = server.earshot.kb.search(q, 5);
      ns[i] = Number(process.hrtime.bigint() - t0);
      if (hits.length > 0) withHits++;
    });
    const searchInProcessUs = { ...summarizeNs(ns), withHits, queries: queries.length, otherLoad: load.stop().otherLoad };
    const res = await fetch(server.httpUrl + paths[0]!);
    const body = (await res.json()) as { hits?: { id: string }[] };
    const sample = { query: queries[0]!, status: res.status, hits: body.hits?.length ?? 0, topId: body.hits?.[0]?.id ?? null };
    say(`search in-process p50/p99 ${searchInProcessUs.p50}/${searchInProcessUs.p99} µs over ${queries.length} wordings (${withHits} with hits); sample ${res.status}, ${sample.hits} hits`);

    let next = 0;
    const targets = [
      { name: 'healthz', path: '/healthz' },
      { name: 'search', path: () => paths[next++ % paths.length]! },
    ];
    say(`http: ${targets.map((t) => t.name).join(' and ')} at ${o.connections.join(', ')} connections, ${o.warmupSeconds} s warm-up + ${o.httpSeconds} s each (machine ${busy}% of a core busy before) …`);
    const runs: KbHttp['runs'] = [];
    for (const c of o.connections) {
      for (const t of targets) {
        try {
          const r = await quietest(`http ${t.name} ×${c}`, o.busyRetries ?? 1, o.quietWaitMs, () => measureHttp(server.httpUrl, t, c, o.httpSeconds, o.warmupSeconds, o.machine.cores));
          runs.push(r);
          say(
            `http ${t.name} ×${c}: ${r.requestsPerS} req/s, latency p50/p97.5/p99 ${r.latencyMs.p50}/${r.latencyMs.p97_5}/${r.latencyMs.p99} ms ` +
              `(fine ${r.latencyFineMs.p50}/${r.latencyFineMs.p97_5}/${r.latencyFineMs.p99}), errors ${r.errors}, non-2xx ${r.non2xx}, ` +
              `process CPU ${r.process.cpuPctOfOneCore}%, other load ${r.otherLoad.otherPctOfOneCore}%` + (r.attempts > 1 ? ` (attempt ${r.attempt} of ${r.attempts} kept)` : ''),
          );
        } catch (err) {
          say(`http ${t.name} ×${c} failed: ${(err as Error).stack ?? String(err)}`);
          runs.push({ target: t.name, connections: c, error: (err as Error).message });
        }
      }
    }
    const ok = (name: string, c: number): (HttpRun & Attempts) | undefined => runs.find((r): r is HttpRun & Attempts => !('error' in r) && r.target === name && r.connections === c);
    const searchCost = o.connections.map((c) => {
      const h = ok('healthz', c);
      const s = ok('search', c);
      const diff = (a: number | null | undefined, b: number | null | undefined): number | null => (a == null || b == null ? null : r2(a - b));
      return {
        connections: c,
        requestsPerSPct: h && s ? r2((s.requestsPerS / h.requestsPerS) * 100) : null,
        p50Ms: diff(s?.latencyFineMs.p50, h?.latencyFineMs.p50),
        p99Ms: diff(s?.latencyFineMs.p99, h?.latencyFineMs.p99),
      };
    });
    return { searchInProcessUs, sample, runs, searchCost, machineBusyBeforePct: busy };
  } finally {
    await server.close();
  }
}

/** One latency run on a fresh server. */
async function latencyOnce(o: KbOptions, scripts: ReturnType<typeof buildKbScript>[]): Promise<KbLatencyResult & Busy> {
  const server = await startInProcess(o.root, 'kb-latency');
  try {
    const busy = await waitForQuiet(o.quietWaitMs);
    say(`latency: ${o.calls} calls × ${o.seconds} s (machine ${busy}% of a core busy before) …`);
    return { ...(await runKbLatency(server, { calls: o.calls, scripts, staggerMs: Math.min(5000, o.seconds * 100), drainMs: 10_000, cores: o.machine.cores })), machineBusyBeforePct: busy };
  } finally {
    await server.close();
  }
}

async function latencyPart(o: KbOptions, scripts: ReturnType<typeof buildKbScript>[]): Promise<KbReport['latency']> {
  const r = await quietest('latency', o.busyRetries ?? 1, 0, () => latencyOnce(o, scripts));
  say(
      `latency: p50/p95/p99 ${r.latencyMs.p50}/${r.latencyMs.p95}/${r.latencyMs.p99} ms (max ${r.latencyMs.max}), suggestions ${r.suggestions.received} ` +
        `(expected ${r.suggestions.expected}) for ${r.customerUtterancesSent.all} customer utterances, same article ${r.suggestions.sameArticle}/${r.customerUtterancesSent.kbQuestion} KB questions, ` +
        `process CPU ${r.process.cpuPctOfOneCore}%, other load ${r.otherLoad.otherPctOfOneCore}%` + (r.attempts > 1 ? ` (attempt ${r.attempt} of ${r.attempts} kept)` : ''),
  );
  return r;
}

export async function runKb(o: KbOptions): Promise<KbReport> {
  const atStart = sourceFingerprint(o.root);
  const texts = loadKbTexts(o.root);
  const faqShare = o.faqShare ?? 0.25;
  const scripts = Array.from({ length: o.calls }, (_, i) => buildKbScript(i, texts, { maxEndMs: o.seconds * 1000 - 500, faqShare }));

  let http: KbReport['http'];
  try {
    http = await httpPart(o);
  } catch (err) {
    say(`http failed: ${(err as Error).stack ?? String(err)}`);
    http = { error: (err as Error).message };
  }
  let latency: KbReport['latency'];
  try {
    latency = await latencyPart(o, scripts);
  } catch (err) {
    say(`latency failed: ${(err as Error).stack ?? String(err)}`);
    latency = { error: (err as Error).message };
  }

  const turns = scripts.reduce((s, x) => s + x.length, 0);
  const customer = scripts.reduce((s, x) => s + x.filter((t) => t.channel === 'customer').length, 0);
  return {
    bench: 'kb',
    date: new Date().toISOString(),
    machine: o.machine,
    setup: {
      server: KB_SERVER_SETUP + '; a fresh server (and data dir) for each part',
      http: {
        queries: 'the distinct real user wordings of ../shared/data/unionpay-faq/queries.json, shuffled once, URL-encoded, `&k=5`; one shared counter hands the next one to every request across connections',
        loadGenerator: 'autocannon 9 (programmatic, in this process: it shares the event loop with the server, in both targets alike)',
        connections: o.connections, seconds: o.httpSeconds, warmupSeconds: o.warmupSeconds,
        latency: "autocannon's histogram (whole ms, 2xx only) and the same responses from its `response` events (sub-ms, as `fine`)",
      },
      latency: {
        calls: o.calls, seconds: o.seconds, utterancesPerCall: r2(turns / o.calls), customerTurnsPerCall: r2(customer / o.calls), faqShare,
        startsSpreadMs: Math.min(5000, o.seconds * 100), data: texts.note,
        subscriber: 'one /v1/events?types=suggestion,utterance.final socket; a suggestion is tied by its utteranceId to the utterance.final of the same id, whose `at` (endMs) names the script turn',
        expected: 'the product\'s createAssistFactory over the server\'s own index (assistMinScore, contextTurns 2 as earshot.ts), each script run through it before the calls',
      },
      quietWaitS: o.quietWaitMs / 1000,
    },
    http,
    latency,
    source: { atStart, changedDuringRun: sourceFingerprint(o.root).sha256 !== atStart.sha256 },
  };
}

const others = (l: LoadFigures): string =>
  `other processes ${l.otherLoad.otherPctOfOneCore}% of a core (machine ${l.otherLoad.machineBusyPctOfOneCore}%` +
  (l.otherLoad.busiestOthers.length ? `; busiest: ${l.otherLoad.busiestOthers.map((p) => `${p.cmd.slice(0, 60)} ${p.cpuPctOfOneCore}%`).join(', ')}` : '') + ')';
const pct = (s: { p50: number | null; p95: number | null; p99: number | null; max: number | null }): string => `${s.p50} / ${s.p95} / ${s.p99} (${s.max})`;

export function renderKb(r: KbReport): string {
  const m = r.machine;
  const lines = ['# Knowledge assist: search over HTTP and suggestion latency', '', `${r.date} · ${m.cpuModel}, ${m.cores} cores, ${m.totalMemGiB} GiB, node ${m.node}, load before ${m.loadAvg.join(' ')}`, ''];
  const h = r.http;
  if ('error' in h) lines.push(`HTTP: failed: ${h.error}`, '');
  else {
    const hs = r.setup.http as { seconds: number; warmupSeconds: number };
    lines.push(
      `HTTP: Earshot and autocannon in this process, ${hs.warmupSeconds} s warm-up then ${hs.seconds} s per row; \`search\` = \`GET /v1/kb/search?q=…&k=5\` with a different ` +
        `real user wording on every request (UnionPay FAQ, ${h.searchInProcessUs.queries} distinct, in rotation); \`healthz\` = \`GET /healthz\`, the HTTP stack and load generator alone. ` +
        "Latency ms p50 / p97.5 / p99 from autocannon's histogram (whole ms), and `fine` from the same responses (sub-ms). Server and load generator share " +
        'the main thread: with it near 100% of a core, that one thread is the limit. A row with other load above ' + `${OTHER_LOAD_LIMIT}% of a core is rerun once after a quiet wait; the quieter run is kept.`,
      '',
      '| target | connections | req/s | latency ms | fine ms (max) | errors / timeouts / non-2xx | process CPU % (main) | other load % |',
      '|---|---:|---:|---|---|---|---|---:|',
    );
    const notes: string[] = [];
    for (const x of h.runs) {
      if ('error' in x) {
        lines.push(`| ${x.target} | ${x.connections} | failed: ${x.error} | | | | | |`);
        continue;
      }
      const busy = x.otherLoad.otherPctOfOneCore > OTHER_LOAD_LIMIT ? ' ⚠' : '';
      if (busy) notes.push(`${x.target} ×${x.connections}: ${others(x)}`);
      lines.push(
        `| ${x.target} | ${x.connections} | ${x.requestsPerS} | ${x.latencyMs.p50} / ${x.latencyMs.p97_5} / ${x.latencyMs.p99} | ` +
          `${x.latencyFineMs.p50} / ${x.latencyFineMs.p97_5} / ${x.latencyFineMs.p99} (${x.latencyFineMs.max}) | ${x.errors} / ${x.timeouts} / ${x.non2xx} | ` +
          `${x.process.cpuPctOfOneCore} (${x.process.mainThreadCpuPct}) | ${x.otherLoad.otherPctOfOneCore}${busy}${x.attempts > 1 ? ` (attempt ${x.attempt} of ${x.attempts})` : ''} |`,
      );
    }
    const s = h.searchInProcessUs;
    lines.push(
      '',
      `Search's own cost (search − healthz): ` + h.searchCost.map((c) => `×${c.connections}: ${c.requestsPerSPct}% of healthz's req/s, +${c.p50Ms} ms p50, +${c.p99Ms} ms p99`).join('; ') + '.',
      `The search alone, \`kb.search(q, 5)\` on the same index in-process, each wording once: p50 / p95 / p99 (max) ${s.p50} / ${s.p95} / ${s.p99} (${s.max}) µs ` +
        `(other processes ${s.otherLoad.otherPctOfOneCore}% of a core meanwhile); ${s.withHits} of ${s.queries} wordings have hits. ` +
        `Sample request: ${h.sample.status}, ${h.sample.hits} hits (top ${h.sample.topId}) for 「${h.sample.query}」. Machine ${h.machineBusyBeforePct}% of a core busy before.`,
      ...(notes.length ? ['', `⚠ other load above ${OTHER_LOAD_LIMIT}% of a core, worth a rerun: ${notes.join('; ')}.`] : []),
      '',
    );
  }
  const l = r.latency;
  if ('error' in l) lines.push(`Suggestion latency: failed: ${l.error}`, '');
  else {
    const ls = r.setup.latency as { seconds: number; customerTurnsPerCall: number };
    const sg = l.suggestions;
    lines.push(
      `Suggestion latency at ${l.calls} concurrent calls (${l.calls - l.connected} refused), ${ls.seconds} s scripts sent as text at real-time pace (${ls.customerTurnsPerCall} customer turns a call), ` +
        'server in this process; utterance sent → `suggestion` received on `/v1/events` (ms, p50 / p95 / p99 (max)):',
      '',
      '| measure | ms |',
      '|---|---|',
      `| suggestion latency (${sg.received} suggestions) | ${pct(l.latencyMs)} |`,
      `| server side: suggestion emittedAt − utterance.final emittedAt | ${pct(l.serverSideMs)} |`,
      `| utterance.final received − sent, customer turns (same thread: received only after the server's synchronous work on that utterance, assist included) | ${pct(l.utteranceFinalMs)} |`,
      `| send lag of the paced clock | ${pct(l.sendLagMs)} |`,
      '',
      `Suggestions: ${sg.received} received for ${l.customerUtterancesSent.all} customer utterances (${l.customerUtterancesSent.kbQuestion} KB questions, ${l.customerUtterancesSent.faqWording} FAQ wordings); ` +
        `${sg.expected} expected from the same assist code in-process, ${sg.asExpected} as expected; by source ${JSON.stringify(sg.bySource)}. ` +
        `Of the KB questions, ${sg.sameArticle} got the article they were written for and ${sg.otherArticle} another (a sanity figure: the assist shows an article once a call and needs a question cue). ` +
        `Untied ${sg.untied}, after stop ${sg.afterStop}.`,
      '',
      `Process CPU over ${l.wallS} s: ${l.process.cpuPctOfOneCore}% of one core (main thread ${l.process.mainThreadCpuPct}%), server, clients and subscriber together; ` +
        `event-loop delay p99 ${l.eventLoopDelayMs.p99} ms (max ${l.eventLoopDelayMs.max}); ${others(l)}${l.otherLoad.otherPctOfOneCore > OTHER_LOAD_LIMIT ? ' ⚠ worth a rerun' : ''}` +
        (l.attempts > 1 ? ` (attempt ${l.attempt} of ${l.attempts} kept)` : '') + '. ' +
        `Calls ended with stop: ${l.endedNormally}/${l.connected}` + (l.stopTimeouts ? ` (${l.stopTimeouts} stop timeouts)` : '') +
        (l.unexpectedCloses ? `; ${l.unexpectedCloses} sockets closed early` : '') + (l.eventsSocketClosedEarly ? `; console socket closed early (${l.eventsSocketClosedEarly})` : '') +
        `; ${l.serverLogLines} server warn/error log lines.`,
      '',
    );
  }
  lines.push(`Server sources ${r.source.atStart.gitHead ?? '?'}+${r.source.atStart.sha256}${r.source.changedDuringRun ? ' (changed on disk during the run)' : ''}.`, '');
  return lines.join('\n');
}

/** Runs the scenario, writes bench/results/kb.{json,md}, prints the table and the JSON line. */
export async function kbScenario(o: KbOptions): Promise<KbReport> {
  const report = await runKb(o);
  publishResults(o.root, 'kb', report, renderKb(report));
  return report;
}
