/**
 * An analysis worker thread: loads the VAD model and the recogniser once, then runs the channel analysers
 * the pool routes to it. Audio arrives in batches; results leave in batches, one message per turn of the
 * worker's event loop (measured: one postMessage per 20 ms chunk per channel cost more than the analysis
 * itself at 200 calls).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EarshotError, toError } from '../errors.js';
import { createAnalyserFactory } from './build.js';
import type { ChannelAnalyser } from './channel-analyser.js';
import type { AnalysisEvent, AnalysisSetup, FromWorker, ToWorker, ToWorkerBatch } from './messages.js';

const port = parentPort!;
const setup = workerData as AnalysisSetup;

interface Stream {
  analyser: Promise<ChannelAnalyser>;
  chain: Promise<unknown>;
  events: AnalysisEvent[];
  ackSeq: number;
}

const streams = new Map<number, Stream>();
let exiting: number | null = null; // exit code once asked to exit
let inFlight = 0;
const dirty = new Set<number>();
let flushScheduled = false;

function post(msg: FromWorker): void {
  port.postMessage(msg);
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    const updates: { id: number; ackSeq: number; events: AnalysisEvent[] }[] = [];
    for (const id of dirty) {
      const s = streams.get(id);
      if (!s) continue;
      // Only the newest progress of a batch matters.
      const events = s.events.filter((e, i) => e.kind !== 'progress' || !s.events.slice(i + 1).some((x) => x.kind === 'progress'));
      updates.push({ id, ackSeq: s.ackSeq, events });
      s.events = [];
    }
    dirty.clear();
    if (updates.length > 0) post({ op: 'events', updates });
  });
}

const factoryReady = createAnalyserFactory(setup);

function exitWhenIdle(): void {
  // process.exit in a worker ends only this thread.
  if (exiting !== null && inFlight === 0) process.exit(exiting);
}

function handle(msg: ToWorker): void {
  if (msg.op === 'exit') {
    exiting = msg.code;
    exitWhenIdle();
    return;
  }
  if (exiting !== null) return;
  if (msg.op === 'open') {
    const stream: Stream = { analyser: null as unknown as Promise<ChannelAnalyser>, chain: Promise.resolve(), events: [], ackSeq: 0 };
    const emit = (e: AnalysisEvent) => {
      stream.events.push(e);
      dirty.add(msg.id);
    };
    stream.analyser = factoryReady.then((f) => f.open(emit, msg.offsetMs));
    stream.chain = stream.analyser;
    streams.set(msg.id, stream);
    return;
  }
  const stream = streams.get(msg.id);
  if (!stream) return;
  const run = (fn: (a: ChannelAnalyser) => unknown) => {
    stream.chain = stream.chain
      .then(async () => {
        if (exiting !== null) return; // queued work is left unacknowledged: the pool re-sends it
        inFlight++;
        try {
          await fn(await stream.analyser);
        } finally {
          inFlight--;
          exitWhenIdle();
        }
      })
      .catch((err) => {
        stream.events.push({ kind: 'error', code: 'EARSHOT_ERR_INTERNAL', message: toError(err).message, retryable: false });
        dirty.add(msg.id);
      })
      .finally(scheduleFlush);
  };
  switch (msg.op) {
    case 'audio':
      run(async (a) => {
        await a.push(msg.pcm);
        stream.ackSeq = msg.seq;
        dirty.add(msg.id);
      });
      break;
    case 'drain':
      run((a) => {
        a.finish();
        dirty.add(msg.id);
      });
      stream.chain = stream.chain.then(() => setImmediate(() => post({ op: 'drained', id: msg.id })));
      break;
    case 'close':
      run((a) => a.close());
      stream.chain = stream.chain.then(() => streams.delete(msg.id));
      break;
  }
}

port.on('message', (msg: ToWorkerBatch) => {
  for (const item of msg.items) handle(item);
});

factoryReady.then(
  (f) => post({ op: 'ready', recognizer: f.info.recognizer, vad: f.info.vad, rejectedKeywords: f.info.rejectedKeywords }),
  (err: unknown) => {
    const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_MODEL_LOAD', toError(err).message);
    post({ op: 'fatal', code: e.code, message: e.message });
  },
);
