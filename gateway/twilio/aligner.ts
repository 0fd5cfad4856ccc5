import { EarshotError } from '../../engine/errors.js';

/**
 * Puts the chunks of a Twilio stream's tracks in call time and interleaves them into the frames a two-channel
 * call session takes. With `tracks: both`, Twilio sends the inbound and outbound tracks as separate `media`
 * messages, each track with its own chunk numbers and a timestamp (ms since the stream started).
 *
 * - Each chunk is placed at its timestamp. A track whose timestamp runs ahead of its audio (Twilio sent
 *   nothing for a while) gets the gap filled with μ-law silence, up to `maxGapMs`; further is an error.
 * - Frames go out once both tracks have them. A track that lags the other by more than `jitterMs` of call
 *   time is padded with silence up to that window, so the other track's audio is not held back for long.
 * - Nothing is dropped: audio that arrives for a stretch already padded or already sent (a late or early
 *   timestamp) is appended at the end of its track, later than its timestamp says, and counted.
 * - `flush()` (stop, socket closed) pads the shorter track to the longer and returns everything.
 */
export interface AlignerOptions {
  tracks: 1 | 2;
  /** Samples a millisecond: 8 at 8 kHz. */
  samplesPerMs: number;
  /** Samples per frame handed on (stereo): 160 = 20 ms at 8 kHz. */
  frameSamples: number;
  jitterMs: number;
  maxGapMs: number;
  /** The byte of one silent sample: 0xFF in μ-law. */
  silence: number;
}

export const TWILIO_ALIGNER_DEFAULTS: AlignerOptions = { tracks: 2, samplesPerMs: 8, frameSamples: 160, jitterMs: 500, maxGapMs: 60_000, silence: 0xff };

/** Per-track counts of samples, for the log when the call ends. */
export interface AlignerStats {
  /** Silence filled in where a track's timestamps jumped ahead of its audio. */
  gapSamples: number[];
  /** Silence padded while the track lagged the other beyond the jitter window. */
  paddedSamples: number[];
  /** Samples appended later than their timestamp (they came for a stretch already padded or sent). */
  lateSamples: number[];
}

export interface TrackAligner {
  /** Places a chunk of one track (0: first channel) at its timestamp; returns the frames now complete. */
  push(track: number, timestampMs: number, bytes: Uint8Array): Uint8Array[];
  /** Everything buffered, the shorter track padded with silence. */
  flush(): Uint8Array[];
  readonly stats: AlignerStats;
  /** Samples held back, summed over tracks. */
  readonly bufferedSamples: number;
}

/** A growable byte queue: append at the tail, take from the head. */
class ByteQueue {
  private buf = new Uint8Array(4096);
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  private reserve(n: number): void {
    if (this.tail + n <= this.buf.length) return;
    const live = this.length;
    if (live + n <= this.buf.length / 2) {
      this.buf.copyWithin(0, this.head, this.tail);
    } else {
      const next = new Uint8Array(Math.max(this.buf.length * 2, live + n));
      next.set(this.buf.subarray(this.head, this.tail));
      this.buf = next;
    }
    this.head = 0;
    this.tail = live;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.tail);
    this.tail += bytes.length;
  }

  fill(n: number, value: number): void {
    this.reserve(n);
    this.buf.fill(value, this.tail, this.tail + n);
    this.tail += n;
  }

  /** A view of the first n bytes, valid until the next append or fill; removes them. */
  take(n: number): Uint8Array {
    const view = this.buf.subarray(this.head, this.head + n);
    this.head += n;
    if (this.head === this.tail) this.head = this.tail = 0;
    return view;
  }
}

export function createTrackAligner(overrides: Partial<AlignerOptions> = {}): TrackAligner {
  const o = { ...TWILIO_ALIGNER_DEFAULTS, ...overrides };
  const queues = Array.from({ length: o.tracks }, () => new ByteQueue());
  /** Chunks after a hole in their track, in timestamp order, waiting (up to the window) for the hole's chunks. */
  const pending: { at: number; bytes: Uint8Array }[][] = queues.map(() => []);
  const stats: AlignerStats = { gapSamples: queues.map(() => 0), paddedSamples: queues.map(() => 0), lateSamples: queues.map(() => 0) };
  /** Samples per track already handed on (call time of the queues' heads). */
  let emitted = 0;
  // Timestamps are whole ms: within a millisecond either way a chunk counts as contiguous.
  const tolerance = o.samplesPerMs;
  const window = o.jitterMs * o.samplesPerMs;
  const end = (t: number): number => emitted + queues[t]!.length;
  const pendingEnd = (t: number): number => {
    const p = pending[t]!;
    return p.length === 0 ? end(t) : Math.max(end(t), ...p.map((c) => c.at + c.bytes.length));
  };

  function frame(n: number): Uint8Array {
    if (o.tracks === 1) {
      emitted += n;
      return queues[0]!.take(n).slice();
    }
    const a = queues[0]!.take(n);
    const b = queues[1]!.take(n);
    const out = new Uint8Array(2 * n);
    for (let i = 0; i < n; i++) {
      out[2 * i] = a[i]!;
      out[2 * i + 1] = b[i]!;
    }
    emitted += n;
    return out;
  }

  /**
   * Moves a track's chunks from pending to its queue in timestamp order. A chunk after a hole waits until the
   * track has audio beyond the window past the hole, or the other track is that far ahead, or `final`:
   * then the hole is taken as silence. A chunk for a stretch already placed is appended (late).
   */
  function commit(t: number, final: boolean): void {
    const p = pending[t]!;
    const q = queues[t]!;
    while (p.length > 0) {
      const c = p[0]!;
      const gap = c.at - end(t);
      if (gap > tolerance) {
        const lead = Math.max(...queues.map((_, i) => end(i)));
        if (!final && pendingEnd(t) - end(t) <= window && lead - end(t) <= window) return;
        q.fill(gap, o.silence);
        stats.gapSamples[t]! += gap;
      } else if (gap < -tolerance) {
        stats.lateSamples[t]! += c.bytes.length;
      }
      q.append(c.bytes);
      p.shift();
    }
  }

  function drain(final: boolean): Uint8Array[] {
    for (let t = 0; t < o.tracks; t++) commit(t, final);
    if (o.tracks === 1) {
      const n = queues[0]!.length;
      return n === 0 ? [] : [frame(n)];
    }
    // A track still short of the window behind the other: its holes give way first, then it is padded.
    const lead = Math.max(end(0), end(1));
    for (let t = 0; t < 2; t++) if (!final && end(t) < lead - window) commit(t, true);
    const floor = final ? Math.max(end(0), end(1)) : Math.max(end(0), end(1)) - window;
    for (let t = 0; t < 2; t++) {
      const short = floor - end(t);
      if (short > 0) {
        queues[t]!.fill(short, o.silence);
        if (!final) stats.paddedSamples[t]! += short;
      }
    }
    const out: Uint8Array[] = [];
    let ready = Math.min(end(0), end(1)) - emitted;
    while (ready >= o.frameSamples) {
      out.push(frame(o.frameSamples));
      ready -= o.frameSamples;
    }
    if (final && ready > 0) out.push(frame(ready));
    return out;
  }

  return {
    stats,
    get bufferedSamples() {
      return queues.reduce((sum, q, t) => sum + q.length + pending[t]!.reduce((n, c) => n + c.bytes.length, 0), 0);
    },
    push(track, timestampMs, bytes) {
      const p = pending[track];
      if (!p) throw new RangeError(`no track ${track}`);
      const at = Math.round(timestampMs * o.samplesPerMs);
      const ahead = at - pendingEnd(track);
      if (ahead > o.maxGapMs * o.samplesPerMs) {
        throw new EarshotError(
          'EARSHOT_ERR_TWILIO_TIMESTAMP_JUMP',
          `timestamp ${timestampMs} ms is ${Math.round(ahead / o.samplesPerMs)} ms ahead of the track's audio (limit ${o.maxGapMs} ms)`,
        );
      }
      // Insert in timestamp order (chunks almost always come in order: from the back).
      let i = p.length;
      while (i > 0 && p[i - 1]!.at > at) i--;
      p.splice(i, 0, { at, bytes: bytes.slice() });
      return drain(false);
    },
    flush() {
      return drain(true);
    },
  };
}
