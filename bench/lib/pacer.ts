import type { NativeCallClient } from '../../gateway/native/client.js';
import { FRAME_BYTES, FRAME_MS } from './audio.js';
import { summarize, wallNow, type Summary } from './stats.js';

export interface PaceFigures {
  sendErrors: number;
  /** Actual send time − scheduled time of every frame: the generator keeping pace or not. */
  sendLagMs: Summary;
  framesLateOver20ms: number;
}

/**
 * Streams `mulaw` to every call at real-time pace from ONE scheduler loop: call i's frame k is due at
 * starts[i] + k × 20 ms (absolute schedule, no drift), and every due frame is sent at each 5 ms tick.
 * Fills sendTimes[i][k] with the wall time each frame was handed to the socket. `mulaw` is one buffer for
 * every call, or one per call (all the same length).
 */
export function streamFrames(clients: readonly (NativeCallClient | null)[], mulaw: Uint8Array | readonly Uint8Array[], starts: Float64Array, sendTimes: Float64Array[]): Promise<PaceFigures> {
  const n = clients.length;
  const audioOf = (i: number): Uint8Array => (mulaw instanceof Uint8Array ? mulaw : mulaw[i]!);
  const frames = audioOf(0).length / FRAME_BYTES;
  const next = new Int32Array(n);
  const lags = new Float64Array(n * frames);
  let lagCount = 0;
  let sendErrors = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const now = wallNow();
      let done = 0;
      for (let i = 0; i < n; i++) {
        const c = clients[i];
        if (!c || next[i]! >= frames) {
          done++;
          continue;
        }
        const due = Math.min(frames - 1, Math.floor((now - starts[i]!) / FRAME_MS));
        const times = sendTimes[i]!;
        while (next[i]! <= due) {
          const k = next[i]!;
          if (c.ws.readyState !== c.ws.OPEN) {
            sendErrors++;
            next[i] = frames;
            break;
          }
          c.sendAudio(audioOf(i).subarray(k * FRAME_BYTES, (k + 1) * FRAME_BYTES));
          const t = wallNow();
          times[k] = t;
          lags[lagCount++] = t - (starts[i]! + k * FRAME_MS);
          next[i] = k + 1;
        }
      }
      if (done < n) return;
      clearInterval(timer);
      const sent = lags.subarray(0, lagCount);
      resolve({ sendErrors, sendLagMs: summarize(sent), framesLateOver20ms: sent.filter((x) => x > 20).length });
    };
    const timer = setInterval(tick, 5);
  });
}
