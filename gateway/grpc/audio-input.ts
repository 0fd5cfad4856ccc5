import { looksLikeWav } from '../../engine/audio/wav.js';
import type { AudioFormat } from '../../engine/events.js';
import { wavHeaderLength } from '../wav-header.js';

/**
 * The audio messages of one call as the session takes them. A first message that begins with a RIFF/WAVE
 * header (a client streaming a .wav file as is, as Google's samples do) has the header checked against the
 * declared format and skipped, as on the WebSocket protocol. With `align`, messages need not hold whole
 * samples: a partial sample is kept for the next message (Google's API takes any chunking); without it a
 * partial sample is the session's EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE, as on the WebSocket protocol.
 */
export function createAudioInput(audio: AudioFormat, options: { align: boolean }): (bytes: Uint8Array) => Uint8Array {
  const stride = (audio.encoding === 'pcm16' ? 2 : 1) * audio.channels;
  let first = true;
  let carry: Buffer | null = null;
  return (bytes) => {
    let out = bytes;
    if (first && bytes.length > 0) {
      first = false;
      if (looksLikeWav(bytes)) out = bytes.subarray(wavHeaderLength(bytes, audio));
    }
    if (!options.align) return out;
    if (carry) {
      out = Buffer.concat([carry, out]);
      carry = null;
    }
    const whole = out.length - (out.length % stride);
    if (whole === out.length) return out;
    carry = Buffer.from(out.subarray(whole));
    return out.subarray(0, whole);
  };
}
