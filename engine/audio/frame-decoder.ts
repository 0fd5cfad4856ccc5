import { EarshotError } from '../errors.js';
import type { AudioFormat } from '../events.js';
import { ALAW_TO_PCM, MULAW_TO_PCM } from './g711.js';
import { createUpsampler2x, IDENTITY_RESAMPLER, type Resampler } from './resample.js';

export const ENGINE_SAMPLE_RATE = 16000;

/** Turns interleaved frames of one call's wire format into one 16 kHz PCM16 array per channel. */
export interface FrameDecoder {
  readonly bytesPerFrameSample: number;
  /** Throws EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE when the frame is not a whole number of samples on every channel. */
  decode(frame: Uint8Array): Int16Array[];
}

export function createFrameDecoder(format: AudioFormat): FrameDecoder {
  const bytesPerSample = format.encoding === 'pcm16' ? 2 : 1;
  const stride = bytesPerSample * format.channels;
  const resamplers: Resampler[] = Array.from({ length: format.channels }, () =>
    format.sampleRate === ENGINE_SAMPLE_RATE ? IDENTITY_RESAMPLER : createUpsampler2x(),
  );
  const table = format.encoding === 'mulaw' ? MULAW_TO_PCM : format.encoding === 'alaw' ? ALAW_TO_PCM : null;

  return {
    bytesPerFrameSample: stride,
    decode(frame) {
      if (frame.length % stride !== 0) {
        throw new EarshotError(
          'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE',
          `${frame.length} bytes is not a multiple of ${stride} (${format.channels} channel(s) of ${format.encoding})`,
        );
      }
      const n = frame.length / stride;
      const channels: Int16Array[] = [];
      for (let c = 0; c < format.channels; c++) channels.push(new Int16Array(n));
      if (table) {
        for (let c = 0; c < format.channels; c++) {
          const out = channels[c]!;
          for (let i = 0, j = c; i < n; i++, j += stride) out[i] = table[frame[j]!]!;
        }
      } else {
        const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
        for (let c = 0; c < format.channels; c++) {
          const out = channels[c]!;
          for (let i = 0, j = c * 2; i < n; i++, j += stride) out[i] = view.getInt16(j, true);
        }
      }
      return channels.map((samples, c) => resamplers[c]!.process(samples));
    },
  };
}
