import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { EarshotError } from '../errors.js';
import type { AnalysisBackend, AnalysisInfo, ChannelHandle } from './backend.js';
import type { AnalysisEvent, AnalysisSetup, FromWorker, StreamKey, ToWorker } from './messages.js';

const SAMPLES_PER_MS = 16;

interface StreamState {
  id: number;
  key: StreamKey;
  onEvent: (e: AnalysisEvent) => void;
  slot: Slot;
  seq: number;
  /** Chunks sent but not yet analysed, kept to re-send if the worker dies. */
  unacked: { seq: number; pcm: Int16Array; startSample: number; sentAt: number }[];
  sentSamples: number;
  drainWaiters: (() => void)[];
  draining: boolean;
}

interface Slot {
  index: number;
  worker: Worker;
  streams: Set<StreamState>;
  outbox: ToWorker[];
  transfer: ArrayBuffer[];
  flushScheduled: boolean;
}

export interface WorkerPool extends AnalysisBackend {
  /** Streams per worker, for operators and tests. */
  stats(): { worker: number; streams: number }[];
  /**
   * Make one worker exit once its analysis in flight is done (as a crash between two chunks would); its
   * streams move to a fresh worker with their unanalysed audio. Resolves when the old thread has exited.
   */
  recycleWorker(index: number): Promise<void>;
}

function workerUrl(): URL {
  // From sources the worker is TypeScript and needs tsx in its thread; built installs run the .js.
  return import.meta.url.endsWith('.ts') ? new URL('./worker-dev.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);
}

/**
 * A pool of analysis workers (DESIGN.md: ASR and ONNX inference never on the event loop). Streams go to the
 * least-loaded worker; audio crosses as transferred Int16Arrays, batched per event-loop turn. If a worker
 * dies, its streams are re-opened on a replacement and their unacknowledged audio is sent again: a call
 * loses at most the partial transcript that was in flight, never its audio or its end.
 */
export async function createWorkerPool(size: number, setup: AnalysisSetup, log: Logger): Promise<WorkerPool> {
  const slots: Slot[] = [];
  const streams = new Map<number, StreamState>();
  let nextId = 1;
  let closing = false;
  let info: AnalysisInfo | undefined;

  function send(slot: Slot, msg: ToWorker, transfer?: ArrayBuffer): void {
    slot.outbox.push(msg);
    if (transfer) slot.transfer.push(transfer);
    if (slot.flushScheduled) return;
    slot.flushScheduled = true;
    setImmediate(() => {
      slot.flushScheduled = false;
      const items = slot.outbox.splice(0);
      const transferList = slot.transfer.splice(0);
      if (items.length > 0) slot.worker.postMessage({ op: 'batch', items }, transferList);
    });
  }

  function onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.op === 'events') {
      for (const u of msg.updates) {
        const s = streams.get(u.id);
        if (!s || s.slot !== slot) continue;
        while (s.unacked.length > 0 && s.unacked[0]!.seq <= u.ackSeq) s.unacked.shift();
        for (const e of u.events) s.onEvent(e);
      }
    } else if (msg.op === 'drained') {
      const s = streams.get(msg.id);
      if (s && s.slot === slot) for (const w of s.drainWaiters.splice(0)) w();
    }
  }

  function spawn(index: number): Promise<Slot> {
    const worker = new Worker(workerUrl(), { workerData: setup, name: `earshot-analysis-${index}` });
    const slot: Slot = { index, worker, streams: new Set(), outbox: [], transfer: [], flushScheduled: false };
    slots[index] = slot;
    return new Promise((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.op === 'ready') {
          info ??= { vad: msg.vad, recognizer: msg.recognizer, rejectedKeywords: msg.rejectedKeywords };
          resolve(slot);
        } else if (msg.op === 'fatal') {
          reject(new EarshotError(msg.code as 'EARSHOT_ERR_MODEL_LOAD', msg.message));
        } else onMessage(slot, msg);
      });
      worker.on('error', (err) => log.error({ err, worker: index }, 'analysis worker failed'));
      worker.on('exit', (code) => {
        if (closing || slots[index] !== slot) return;
        log.error({ worker: index, code }, 'analysis worker exited; re-routing its streams');
        void replace(slot);
      });
    });
  }

  async function replace(dead: Slot): Promise<void> {
    const orphans = [...dead.streams];
    const slot = await spawn(dead.index);
    for (const s of orphans) {
      s.slot = slot;
      slot.streams.add(s);
      s.onEvent({ kind: 'error', code: 'EARSHOT_ERR_ANALYSIS_WORKER_DIED', message: `worker ${dead.index} died; stream re-routed`, retryable: true });
      const offsetMs = (s.unacked[0]?.startSample ?? s.sentSamples) / SAMPLES_PER_MS;
      send(slot, { op: 'open', id: s.id, key: s.key, offsetMs });
      for (const chunk of s.unacked) {
        const copy = chunk.pcm.slice();
        send(slot, { op: 'audio', id: s.id, seq: chunk.seq, pcm: copy }, copy.buffer as ArrayBuffer);
      }
      if (s.draining) send(slot, { op: 'drain', id: s.id });
    }
  }

  await Promise.all(Array.from({ length: size }, (_, i) => spawn(i)));

  return {
    get info() {
      return info!;
    },
    open(key, onEvent): ChannelHandle {
      const slot = slots.reduce((best, s) => (s.streams.size < best.streams.size ? s : best), slots[0]!);
      const s: StreamState = {
        id: nextId++, key, onEvent, slot, seq: 0, unacked: [], sentSamples: 0, drainWaiters: [], draining: false,
      };
      streams.set(s.id, s);
      slot.streams.add(s);
      send(slot, { op: 'open', id: s.id, key, offsetMs: 0 });
      return {
        push(pcm) {
          s.seq++;
          s.unacked.push({ seq: s.seq, pcm, startSample: s.sentSamples, sentAt: performance.now() });
          s.sentSamples += pcm.length;
          // The retained chunk stays here for re-routing; the worker gets its own copy, transferred.
          const copy = pcm.slice();
          send(s.slot, { op: 'audio', id: s.id, seq: s.seq, pcm: copy }, copy.buffer as ArrayBuffer);
        },
        drain() {
          s.draining = true;
          return new Promise<void>((resolve) => {
            s.drainWaiters.push(resolve);
            send(s.slot, { op: 'drain', id: s.id });
          });
        },
        close() {
          send(s.slot, { op: 'close', id: s.id });
          s.slot.streams.delete(s);
          streams.delete(s.id);
        },
        get lagMs() {
          const oldest = s.unacked[0];
          return oldest ? performance.now() - oldest.sentAt : 0;
        },
      };
    },
    stats: () => slots.map((s) => ({ worker: s.index, streams: s.streams.size })),
    recycleWorker(index) {
      const slot = slots[index];
      if (!slot) return Promise.resolve();
      return new Promise<void>((resolve) => {
        slot.worker.once('exit', () => resolve());
        slot.worker.postMessage({ op: 'batch', items: [{ op: 'exit', code: 1 }] });
      });
    },
    async close() {
      closing = true;
      // Never terminate() a thread inside an ONNX run (it aborts the whole process): ask, then wait.
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.worker.once('exit', () => resolve());
              s.worker.postMessage({ op: 'batch', items: [{ op: 'exit', code: 0 }] });
            }),
        ),
      );
    },
  };
}
