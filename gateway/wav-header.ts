import { parseWavHeader, type WavInfo } from '../engine/audio/wav.js';
import { EarshotError } from '../engine/errors.js';
import type { AudioFormat } from '../engine/events.js';

const WAV_FORMAT_TAG = { pcm16: 1, alaw: 6, mulaw: 7 } as const;

/**
 * Length of the RIFF/WAVE header at the start of a call's first audio (a client streaming a .wav file as is),
 * after checking it agrees with the format the call declared. Throws EARSHOT_ERR_AUDIO_BAD_WAV_HEADER.
 */
export function wavHeaderLength(bytes: Uint8Array, audio: AudioFormat): number {
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
