import type { VadListener, VoiceActivityDetector } from './vad.js';

export interface EnergyVadOptions {
  sampleRate?: number;
  frameMs?: number;
  /** Frames above threshold needed to confirm speech (debounces clicks). */
  onsetFrames?: number;
  /** Non-speech ms after which a segment ends (bridges the pauses inside a sentence). */
  hangoverMs?: number;
  /** Margin over the tracked noise floor, in dB. */
  marginDb?: number;
  /** Frames quieter than this are never speech, whatever the noise floor (dBFS). */
  absoluteFloorDb?: number;
}

const MIN_DB = -100;

/**
 * Energy detector with an adaptive noise floor: the floor follows quiet frames down at once and creeps
 * up slowly (5 dB/s), so steady line noise is learnt while speech is not. The fallback when Silero is
 * unavailable.
 */
export function createEnergyVad(listener: VadListener, options: EnergyVadOptions = {}): VoiceActivityDetector {
  const sampleRate = options.sampleRate ?? 16000;
  const frameMs = options.frameMs ?? 20;
  const frameLen = (sampleRate * frameMs) / 1000;
  const onsetFrames = options.onsetFrames ?? 2;
  const hangoverFrames = Math.ceil((options.hangoverMs ?? 300) / frameMs);
  const marginDb = options.marginDb ?? 10;
  const absoluteFloorDb = options.absoluteFloorDb ?? -52;
  const riseDbPerFrame = (5 * frameMs) / 1000;

  const pending = new Int16Array(frameLen);
  let pendingLen = 0;
  let frames = 0; // whole frames analysed
  let noiseFloorDb = -60;
  let aboveRun = 0;
  let belowRun = 0;
  let speaking = false;
  let segmentStartFrame = 0;
  let lastSpeechFrame = -1;
  let closedTalkFrames = 0;

  function analyse(frame: Int16Array): void {
    let energy = 0;
    for (let i = 0; i < frame.length; i++) energy += frame[i]! * frame[i]!;
    const meanSquare = energy / frame.length / (32768 * 32768);
    const db = meanSquare > 0 ? Math.max(MIN_DB, 10 * Math.log10(meanSquare)) : MIN_DB;
    const isSpeech = db > Math.max(noiseFloorDb + marginDb, absoluteFloorDb);
    if (!isSpeech) noiseFloorDb = db < noiseFloorDb ? db : Math.min(noiseFloorDb + riseDbPerFrame, db);
    const index = frames++;
    if (isSpeech) {
      aboveRun++;
      belowRun = 0;
      if (speaking) lastSpeechFrame = index;
      else if (aboveRun >= onsetFrames) {
        speaking = true;
        segmentStartFrame = index - onsetFrames + 1;
        lastSpeechFrame = index;
        listener.onSpeechStart(segmentStartFrame * frameMs);
      }
    } else {
      aboveRun = 0;
      if (speaking && ++belowRun >= hangoverFrames) closeSegment();
    }
  }

  function closeSegment(): void {
    speaking = false;
    belowRun = 0;
    closedTalkFrames += lastSpeechFrame + 1 - segmentStartFrame;
    listener.onSpeechEnd(segmentStartFrame * frameMs, (lastSpeechFrame + 1) * frameMs);
  }

  return {
    push(samples) {
      let offset = 0;
      if (pendingLen > 0) {
        const take = Math.min(frameLen - pendingLen, samples.length);
        pending.set(samples.subarray(0, take), pendingLen);
        pendingLen += take;
        offset = take;
        if (pendingLen < frameLen) return;
        analyse(pending);
        pendingLen = 0;
      }
      for (; offset + frameLen <= samples.length; offset += frameLen) analyse(samples.subarray(offset, offset + frameLen));
      if (offset < samples.length) {
        pending.set(samples.subarray(offset), 0);
        pendingLen = samples.length - offset;
      }
    },
    get speaking() {
      return speaking;
    },
    get processedMs() {
      return frames * frameMs + (pendingLen * 1000) / sampleRate;
    },
    get talkMs() {
      return (closedTalkFrames + (speaking ? lastSpeechFrame + 1 - segmentStartFrame : 0)) * frameMs;
    },
    flush() {
      if (speaking) closeSegment();
    },
  };
}
