/**
 * Maps a sherpa stream's internal time (samples since the stream was created) to call time.
 *
 * Audio reaches the recogniser VAD-gated: speech segments with a little padding, jumping over silence, so
 * the stream's contiguous sample count drifts from call time by every gap. Each accept() records an anchor
 * (internal sample, call ms); contiguous accepts extend the last anchor, so there is one anchor per speech
 * segment, not per 20 ms frame. Samples the provider adds itself (tail padding at flush) get no anchor:
 * a time falling in them is moved to the nearest real audio.
 */
const RATE = 16000;
const SAMPLES_PER_MS = RATE / 1000;

interface Anchor {
  /** Internal index of the anchor's first sample. */
  sample: number;
  callMs: number;
  /** Real samples it covers. */
  length: number;
}

export class CallTimeline {
  private anchors: Anchor[] = [];
  /** Samples given to the stream so far, real and padding. */
  fed = 0;

  /** Real audio: `length` samples whose first is at `callMs`. */
  addAudio(length: number, callMs: number): void {
    const last = this.anchors[this.anchors.length - 1];
    if (last && last.sample + last.length === this.fed && Math.abs(last.callMs + last.length / SAMPLES_PER_MS - callMs) < 0.5) {
      last.length += length;
    } else {
      this.anchors.push({ sample: this.fed, callMs, length });
    }
    this.fed += length;
  }

  /** Samples the provider adds (silence to push the last frames through the encoder): no call time. */
  addPadding(length: number): void {
    this.fed += length;
  }

  /** Call time just after the last real sample; null before any audio. */
  get realEndMs(): number | null {
    const last = this.anchors[this.anchors.length - 1];
    return last ? last.callMs + last.length / SAMPLES_PER_MS : null;
  }

  /**
   * Internal seconds → call ms. Inside real audio the mapping is exact. In a gap (padding), 'end' clamps
   * back to the end of the audio before it (a token emitted during padding belongs to that audio) and
   * 'start' moves on to the audio after it (a segment starting in padding starts with the next speech).
   */
  toCallMs(seconds: number, side: 'start' | 'end'): number {
    const sample = seconds * RATE;
    const a = this.anchors;
    if (a.length === 0) return 0;
    let i = a.length - 1;
    while (i > 0 && a[i]!.sample > sample) i--;
    const anchor = a[i]!;
    const offset = sample - anchor.sample;
    if (offset < 0) return anchor.callMs; // before the first audio
    if (offset <= anchor.length) return anchor.callMs + offset / SAMPLES_PER_MS;
    const next = a[i + 1];
    if (side === 'start' && next) return next.callMs;
    return anchor.callMs + anchor.length / SAMPLES_PER_MS;
  }

  /** Forget anchors wholly before `seconds` (a finished segment's): keeps memory flat over a long call. */
  prune(seconds: number): void {
    const sample = seconds * RATE;
    let drop = 0;
    while (drop < this.anchors.length - 1 && this.anchors[drop + 1]!.sample <= sample) drop++;
    if (drop > 0) this.anchors.splice(0, drop);
  }
}
