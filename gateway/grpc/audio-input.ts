import { looksLikeWav, parseWavHeader, type WavInfo } from '../../engine/audio/wav.js';
import { EarshotError } from '../../engine/errors.js';
import type { AudioFormat } from '../../engine/events.js';

const WAV_FORMAT_TAG = { pcm16: 1, alaw: 6, mulaw: 7 } as const;

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
      if (looksLikeWav(bytes)) out = bytes.subarray(headerLength(bytes, audio));
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

function headerLength(bytes: Uint8Array, audio: AudioFormat): number {
  let info: WavInfo;
  try {
    info = parseWavHeader(bytes);
  } catch (err) {
    throw new EarshotError('EARSHOT_ERR_AUDIO_BAD_WAV_HEADER', (err as Error).message);
  }
  const bits = audio.encoding === 'pcm16' ? 16 : 8;
  if (
    (info.formatTag !== WAV_FORMAT_TAG[audio.encoding] && info.formatTag !== 0xfffe) ||
    info.bitsPerSample !== bits ||
    info.channels !== audio.channels ||
    info.sampleRate !== audio.sampleRate
  ) {
    throw new EarshotError(
      'EARSHOT_ERR_AUDIO_BAD_WAV_HEADER',
      `header says ${info.channels} ch ${info.sampleRate} Hz ${info.bitsPerSample}-bit (format ${info.formatTag}), call declared ${audio.channels} ch ${audio.sampleRate} Hz ${audio.encoding}`,
    );
  }
  return info.dataOffset;
}
