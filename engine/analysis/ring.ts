/** A fixed-capacity ring of the most recent samples, addressed by absolute sample index. */
export class SampleRing {
  private readonly buf: Int16Array;
  private end: number; // absolute index one past the newest sample
  private readonly base: number;

  constructor(capacity: number, firstIndex = 0) {
    this.buf = new Int16Array(capacity);
    this.end = firstIndex;
    this.base = firstIndex;
  }

  get written(): number {
    return this.end;
  }

  /** Oldest absolute index still held. */
  get oldest(): number {
    return Math.max(this.base, this.end - this.buf.length);
  }

  write(samples: Int16Array): void {
    const cap = this.buf.length;
    const src = samples.length > cap ? samples.subarray(samples.length - cap) : samples;
    let pos = (this.end + (samples.length - src.length)) % cap;
    let offset = 0;
    while (offset < src.length) {
      const n = Math.min(cap - pos, src.length - offset);
      this.buf.set(src.subarray(offset, offset + n), pos);
      offset += n;
      pos = (pos + n) % cap;
    }
    this.end += samples.length;
  }

  /** Copies [from, to) clamped to what the ring still holds. */
  read(from: number, to: number): { start: number; samples: Int16Array } {
    const start = Math.max(from, this.oldest);
    const stop = Math.min(to, this.end);
    const out = new Int16Array(Math.max(0, stop - start));
    const cap = this.buf.length;
    let pos = start % cap;
    let offset = 0;
    while (offset < out.length) {
      const n = Math.min(cap - pos, out.length - offset);
      out.set(this.buf.subarray(pos, pos + n), offset);
      offset += n;
      pos = (pos + n) % cap;
    }
    return { start, samples: out };
  }
}
