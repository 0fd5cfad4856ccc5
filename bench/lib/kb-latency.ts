import { openCalls, paceUtterances } from './open-calls.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { createAssistFactory } from '../../engine/assist/call-assist.js';
import { openSocket, type NativeCallClient } from '../../gateway/native/client.js';
import type { InProcessServer } from './kb-server.js';
import type { KbTurn } from './kb-script.js';
import { loadWindow, type LoadFigures } from './rules-load.js';
import { summarize, wallNow, type Summary } from './stats.js';
import { stopCalls } from './stop-calls.js';

export interface KbLatencyOptions {
  calls: number;
  scripts: KbTurn[][];
  /** Call starts are spread over this many ms. */
  staggerMs: number;
  /** Wait up to this long after the last utterance for expected suggestions still missing. */
  drainMs: number;
  cores: number;
}

export interface KbLatencyResult extends LoadFigures {
  calls: number;
  connected: number;
  connectErrors: string[];
  utterancesSent: number;
  customerUtterancesSent: { all: number; kbQuestion: number; faqWording: number };
  suggestions: {
    /** Received on the console socket before the calls were stopped, tied to an utterance of this run. */
    received: number;
    /** What the product's own assist code gives for the same turns, run in-process on the server's index beforehand. */
    expected: number;
    /** Received for the same utterance and article as expected. */
    asExpected: number;
    /** By the source of the customer turn that prompted it. */
    bySource: Record<string, number>;
    /** Prompted by a KB article's question and naming that very article (a sanity figure, not an evaluation). */
    sameArticle: number;
    /** kb-question turns that got a suggestion of another article. */
    otherArticle: number;
    untied: number;
    afterStop: number;
  };
  /** Console-socket receive time of the suggestion − client send time of its utterance (same process clock). */
  latencyMs: Summary;
  /** suggestion.emittedAt − emittedAt of its utterance.final (server Date.now(), whole ms): rules + search. */
  serverSideMs: Summary;
  /**
   * utterance.final received − sent, customer turns. Server and subscriber share this thread, so the final is
   * read only after the server's synchronous work on the utterance (rules, assist) is done: not a figure without assist.
   */
  utteranceFinalMs: Summary;
  sendLagMs: Summary;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  endedNormally: number;
  stopTimeouts: number;
  unexpectedCloses: number;
  eventsSocketClosedEarly: string | null;
  serverLogLines: number;
}

interface WireEvent {
  type: string;
  callId: string;
  at: number;
  emittedAt: number;
  utteranceId?: string;
  articleId?: string;
}

/** contextTurns as earshot.ts wires the assist engine (not a config option). */
const CONTEXT_TURNS = 2;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * N native calls (text only, no audio) sending their scripts as final utterances at real-time pace from one
 * scheduler loop (turn k of call i at start_i + endMs_k), one /v1/events?types=suggestion,utterance.final
 * subscriber timing every suggestion against the send of the utterance it names. Leaves the server running.
 */
export async function runKbLatency(server: InProcessServer, o: KbLatencyOptions): Promise<KbLatencyResult> {
  const n = o.calls;
  const clients: (NativeCallClient | null)[] = new Array<NativeCallClient | null>(n).fill(null);
  let events: WebSocket | null = null;
  let stopping = false;
  const runId = `kb-${Date.now()}`;

  // The suggestions the product's assist code makes for each turn, on the server's own index.
  const assist = createAssistFactory((q, k) => server.earshot.kb.search(q, k), { minScore: server.config.assistMinScore, contextTurns: CONTEXT_TURNS });
  const expected = o.scripts.map((s, i) => {
    const a = assist(`expect-${i}`);
    return s.map((t, k) => a.onUtterance({ utteranceId: `expect-${i}:u${k + 1}`, channel: t.channel, text: t.text, final: true })?.articleId ?? null);
  });
  const expectedTotal = (connectedOnly: boolean): number => expected.reduce((s, e, i) => s + (connectedOnly && !clients[i] ? 0 : e.filter((x) => x !== null).length), 0);

  try {
    const callIndex = new Map(Array.from({ length: n }, (_, i) => [`${runId}-${i}`, i]));
    const sentAt = o.scripts.map((s) => new Float64Array(s.length).fill(NaN));
    const turnOfEnd = o.scripts.map((s) => new Map(s.map((t, k) => [t.endMs, k])));
    const finalOf = new Map<string, { i: number; k: number; emittedAt: number }>();
    const lat: number[] = [];
    const srv: number[] = [];
    const finals: number[] = [];
    const bySource: Record<string, number> = {};
    let asExpected = 0;
    let sameArticle = 0;
    let otherArticle = 0;
    let untied = 0;
    let afterStop = 0;

    events = await openSocket(`${server.wsUrl}/v1/events?types=suggestion,utterance.final`);
    let eventsSocketClosedEarly: string | null = null;
    events.once('close', (code, reason) => void (stopping || (eventsSocketClosedEarly = `${code} ${reason.toString('utf8')}`)));
    events.on('message', (data) => {
      const received = wallNow();
      const ev = JSON.parse(String(data)) as WireEvent;
      const i = callIndex.get(ev.callId);
      if (i === undefined) return;
      if (ev.type === 'utterance.final') {
        const k = turnOfEnd[i]!.get(ev.at);
        if (k === undefined || ev.utteranceId === undefined) return;
        finalOf.set(ev.utteranceId, { i, k, emittedAt: ev.emittedAt });
        if (o.scripts[i]![k]!.channel === 'customer') finals.push(received - sentAt[i]![k]!);
        return;
      }
      if (ev.type !== 'suggestion') return;
      if (stopping) {
        afterStop++;
        return;
      }
      const f = ev.utteranceId === undefined ? undefined : finalOf.get(ev.utteranceId);
      if (!f || f.i !== i) {
        untied++;
        return;
      }
      const turn = o.scripts[i]![f.k]!;
      lat.push(received - sentAt[i]![f.k]!);
      srv.push(ev.emittedAt - f.emittedAt);
      bySource[turn.source] = (bySource[turn.source] ?? 0) + 1;
      if (expected[i]![f.k] === ev.articleId) asExpected++;
      if (turn.source === 'kb-question') {
        if (turn.articleId === ev.articleId) sameArticle++;
        else otherArticle++;
      }
    });

    const opened = await openCalls(server.wsUrl, runId, clients, () => stopping);
    const connectErrors = opened.connectErrors;

    // Pace every call's utterances (open-calls.ts paceUtterances).
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const load = loadWindow(o.cores);
    const t0 = wallNow() + 100;
    const starts = Float64Array.from({ length: n }, (_, i) => t0 + (i * o.staggerMs) / n);
    const customerSent = { all: 0, kbQuestion: 0, faqWording: 0 };
    const lags = await paceUtterances(clients, o.scripts, starts, sentAt, (t) => {
      if (t.channel !== 'customer') return;
      customerSent.all++;
      if (t.source === 'kb-question') customerSent.kbQuestion++;
      else customerSent.faqWording++;
    });
    const paced = load.stop();
    loop.disable();

    const want = expectedTotal(true);
    const drainEnd = Date.now() + o.drainMs;
    while (lat.length < want && Date.now() < drainEnd) await sleep(50);
    stopping = true;
    const { endedNormally, stopTimeouts } = await stopCalls(clients);
    await sleep(200);

    const loopMs = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - 10) * 100) / 100);
    return {
      calls: n,
      connected: clients.filter((c) => c !== null).length,
      connectErrors,
      utterancesSent: sentAt.reduce((s, a) => s + a.filter((x) => !Number.isNaN(x)).length, 0),
      customerUtterancesSent: customerSent,
      suggestions: { received: lat.length, expected: want, asExpected, bySource, sameArticle, otherArticle, untied, afterStop },
      latencyMs: summarize(lat),
      serverSideMs: summarize(srv),
      utteranceFinalMs: summarize(finals),
      sendLagMs: summarize(lags),
      eventLoopDelayMs: { p50: loopMs(loop.percentile(50)), p99: loopMs(loop.percentile(99)), max: loopMs(loop.max) },
      ...paced,
      endedNormally,
      stopTimeouts,
      unexpectedCloses: opened.unexpectedCloses(),
      eventsSocketClosedEarly,
      serverLogLines: server.logLines(),
    };
  } finally {
    stopping = true;
    for (const c of clients) c?.ws.terminate();
    events?.terminate();
  }
}
