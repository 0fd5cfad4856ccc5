/**
 * Data for bench/eval-asr.ts: the six audio-zh recordings with their references, and the embedded model's
 * test_wavs with the keywords spoken in them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeywordLine } from '../../engine/asr/keywords.js';
import { AUDIO_ZH, readWav } from '../../test/fixtures/shared.js';

export interface Recording {
  name: string;
  pcm: Int16Array;
  /** Hanzi reference, when there is one. */
  ref?: string;
}

export function audioZh(): Recording[] {
  const dir = AUDIO_ZH();
  const rows = readFileSync(join(dir, 'transcripts.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((row) => {
    const [file, text] = row.split('\t');
    if (!file || !text) throw new Error(`transcripts.tsv: bad row "${row}"`);
    const wav = readWav(join(dir, file));
    if (wav.sampleRate !== 16000) throw new Error(`${file}: ${wav.sampleRate} Hz, expected 16000`);
    return { name: file, pcm: wav.samples, ref: text };
  });
}

export function testWavs(modelDir: string): Recording[] {
  const dir = join(modelDir, 'test_wavs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => ({ name: f, pcm: readWav(join(dir, f)).samples }));
}

/** test_keywords.txt: `w én s ēn t è k ǎ s uǒ  @文森特卡索` lines; the label is the keyword. */
export function testKeywords(modelDir: string): { keyword: string; line: string; units: string[] }[] {
  return readFileSync(join(modelDir, 'test_wavs', 'test_keywords.txt'), 'utf8')
    .split('\n')
    .map((line) => ({ line, parsed: parseKeywordLine(line) }))
    .filter((x) => x.parsed !== null)
    .map(({ line, parsed }) => ({ keyword: parsed!.label, line: line.trim(), units: parsed!.units }));
}

/**
 * Which test wav speaks which keyword. Not in the model folder; taken from k2-fsa's own transcripts of the
 * same recordings (k2-fsa/sherpa, docs/source/onnx/hotwords/index.rst, exp-zh/test_wavs 3–6, 20.328 s in all,
 * as here): 3 文森特卡索是全球知名的法国性格派演员, 4 蒋友伯被拍到带着女儿出游, 5 周望军就落实控物价,
 * 6 朱丽楠在上市见面会上表示. 0–2.wav speak none of the eight.
 */
export const TEST_WAV_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  '3.wav': ['文森特卡索', '法国'],
  '4.wav': ['蒋友伯', '女儿'],
  '5.wav': ['周望军', '落实'],
  '6.wav': ['朱丽楠', '见面会'],
};

/** Bank words a rule pack would watch for; none is spoken in any recording here (checked against the references). */
export const BANK_KEYWORDS = ['信用卡', '还款', '挂失', '密码', '验证码', '投诉', '分期', '额度', '转账', '逾期', '利息', '银行卡', '冻结', '手续费', '转人工'];
