import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { loadWindow, type LoadFigures } from './rules-load.js';
import { percentile, summarize, type Summary } from './stats.js';

/** The part of autocannon 9's programmatic API used here (the package ships no types). */
interface AcHistogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  total: number;
  p2_5: number;
  p50: number;
  p97_5: number;
  p99: number;
}
interface AcResult {
  requests: AcHistogram & { sent: number };
  latency: AcHistogram;
  throughput: AcHistogram;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AcRequest {
  method?: string;
  path?: string;
  setupRequest?: (req: { path: string }, context: Record<string, unknown>) => { path: string };
}
interface AcOptions {
  url: string;
  connections: number;
  duration: number;
  requests?: AcRequest[];
  timeout?: number;
}
type AcInstance = EventEmitter & { stop(): void };
type Autocannon = (opts: AcOptions, cb: (err: Error | null, result: AcResult) => void) => AcInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface HttpTarget {
  name: string;
  /** A fixed path, or the next path for each request (called once per request, across all connections). */
  path: string | (() => string);
}

export interface HttpRun extends LoadFigures {
  target: string;
  connections: number;
  durationS: number;
  /** Completed requests / duration. */
  requestsPerS: number;
  /** autocannon's own per-second request counts (mean, and its 2.5th percentile: the slowest seconds). */
  autocannonRequestsPerS: { mean: number; p2_5: number; min: number };
  completed: number;
  sent: number;
  /** autocannon's latency histogram, whole ms (2xx responses only). */
  latencyMs: { p50: number; p97_5: number; p99: number; max: number; mean: number };
  /** The same responses from autocannon's `response` events, sub-ms (every status). */
  latencyFineMs: Summary & { p97_5: number | null };
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  statusCodes: Record<string, number>;
  /** Distinct paths built for the measured run (autocannon builds a connection's next request when a response arrives). */
  distinctPaths: number;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

function once(target: HttpTarget, url: string, connections: number, durationS: number, onLatency?: (ms: number) => void): Promise<{ result: AcResult; paths: Set<string> }> {
  const paths = new Set<string>();
  const next = typeof target.path === 'string' ? null : target.path;
  const request: AcRequest = next
    ? { method: 'GET', setupRequest: (req) => { const path = next(); paths.add(path); return { ...req, path }; } }
    : { method: 'GET', path: target.path as string };
  if (!next) paths.add(target.path as string);
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: durationS, requests: [request], timeout: 10 }, (err, result) => (err ? reject(err) : resolve({ result, paths })));
    if (onLatency) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => onLatency(ms));
  });
}

/**
 * One target at one connection count: `warmupS` of load (discarded), then `durationS` measured, with this
 * process's CPU and everyone else's recorded over the measured window.
 */
export async function measureHttp(url: string, target: HttpTarget, connections: number, durationS: number, warmupS: number, cores: number): Promise<HttpRun> {
  if (warmupS > 0) await once(target, url, connections, warmupS);
  const fine: number[] = [];
  const load = loadWindow(cores);
  const { result: r, paths } = await once(target, url, connections, durationS, (ms) => fine.push(ms));
  const figures = load.stop();
  const s = summarize(fine);
  const p97_5 = percentile(Float64Array.from(fine).sort(), 97.5);
  return {
    target: target.name,
    connections,
    durationS: r.duration,
    requestsPerS: r2(r.requests.total / r.duration),
    autocannonRequestsPerS: { mean: r2(r.requests.average), p2_5: r.requests.p2_5, min: r.requests.min },
    completed: r.requests.total,
    sent: r.requests.sent,
    latencyMs: { p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max, mean: r2(r.latency.mean) },
    latencyFineMs: { ...s, p97_5: p97_5 === null ? null : r2(p97_5) },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    distinctPaths: paths.size,
    ...figures,
  };
}
