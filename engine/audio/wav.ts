/** RIFF/WAVE header parsing: enough to find the PCM data and its format. */
export interface WavInfo {
  formatTag: number; // 1 = PCM, 6 = A-law, 7 = μ-law, 0xFFFE = extensible
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Byte offset of the first audio sample. */
  dataOffset: number;
  /** Bytes of audio declared by the data chunk (may exceed what a streamed first frame holds). */
  dataBytes: number;
}

export function looksLikeWav(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 12 &&
    bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46 && // RIFF
    bytes[8] === 0x57 && bytes[9] === 0x41 && bytes[10] === 0x56 && bytes[11] === 0x45 // WAVE
  );
}

/** Parse the header; throws an Error saying what is wrong when the chunks before `data` are not all present. */
export function parseWavHeader(bytes: Uint8Array): WavInfo {
  if (!looksLikeWav(bytes)) throw new Error('not a RIFF/WAVE header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes'> | undefined;
  while (offset + 8 <= bytes.length) {
    const id = String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new Error('truncated fmt chunk');
      fmt = {
        formatTag: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      return { ...fmt, dataOffset: body, dataBytes: size };
    }
    offset = body + size + (size & 1); // chunks are word-aligned
  }
  throw new Error('no data chunk within the first frame');
}
