/**
 * The sherpa provider with the real embedded model on real recordings (no fakes). Expected keyword times come
 * from the model's own unit timestamps on the isolated recording, decoded here in one piece through the raw
 * native API: independent of the provider's streaming, resets and call-time mapping, which are what is tested.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recording, readWav } from '../../test/fixtures/shared.js';
import { telephoneChannel } from '../../test/fixtures/telephone.js';
import { hanziToSyllables, syllableErrorRate } from './pinyin.js';
import type { KeywordHit, RecognitionResult, RecognizerStream } from './recognizer.js';
import { readTokenSet, spellKeyword } from './keywords.js';
import { createSherpaRecognizer } from './sherpa.js';
import { createOnlineRecognizer } from './sherpa-native.js';
import { isolatedKeywordMs, realModel } from '../../test/fixtures/model.js';

const model = realModel();
const tokens = readTokenSet(model.files.tokens!);
const testWav = (name: string) => readWav(join(model.dir, 'test_wavs', name)).samples;

/** Feed 20 ms chunks from `startMs` on, as the analysis worker does with a VAD-gated segment. */
function feed(stream: RecognizerStream, pcm: Int16Array, startMs: number): void {
  for (let i = 0; i < pcm.length; i += 320) stream.accept(pcm.subarray(i, i + 320), startMs + i / 16);
}

function collect() {
  const finals: RecognitionResult[] = [];
  const partials: RecognitionResult[] = [];
  const hits: KeywordHit[] = [];
  return { finals, partials, hits, listener: { onPartial: (r: RecognitionResult) => partials.push(r), onFinal: (r: RecognitionResult) => finals.push(r), onKeyword: (h: KeywordHit) => hits.push(h) } };
}

const toneless = (hanzi: string) => hanziToSyllables(hanzi).map((s) => s.toneless);

describe('sherpa recogniser, real model', () => {
  it('streams two VAD segments across a jump in call time: two finals, right pinyin, call-time tokens', () => {
    const rec = createSherpaRecognizer({ model });
    const c = collect();
    const stream = rec.createStream(c.listener);
    const a = recording('BAC009S0764W0121.wav').samples;
    const b = recording('paddlespeech-zh.wav').samples;
    feed(stream, a, 2000);
    stream.flush();
    feed(stream, b, 60000); // the VAD skipped ~54 s of silence
    stream.flush();

    expect(c.finals).toHaveLength(2);
    expect(c.partials.length).toBeGreaterThan(2);
    const [f1, f2] = c.finals as [RecognitionResult, RecognitionResult];
    expect(syllableErrorRate(toneless('甚至出现交易几乎停滞的情况'), f1.pinyin.split(' '))).toBeLessThan(0.25);
    expect(syllableErrorRate(toneless('我认为跑步最重要的就是给我带来了身体健康'), f2.pinyin.split(' '))).toBeLessThan(0.25);
    expect(f1.text).toBe(f1.pinyinTonal);
    expect(f1.startMs).toBe(2000);
    expect(f1.endMs).toBeCloseTo(2000 + a.length / 16, 3);
    expect(f1.tokens.every((t) => t.startMs >= 2000 && t.startMs <= f1.endMs)).toBe(true);
    expect(f2.startMs).toBe(60000);
    expect(f2.tokens.every((t) => t.startMs >= 60000 && t.startMs <= 60000 + b.length / 16)).toBe(true);
    // The second utterance's first unit sits where the model puts it in the isolated recording (±300 ms).
    const native = createOnlineRecognizer(model, 1, 'greedy_search');
    const s = native.createStream();
    s.acceptWaveform({ samples: Float32Array.from(b, (v) => v / 32768), sampleRate: 16000 });
    s.acceptWaveform({ samples: new Float32Array(8000), sampleRate: 16000 });
    while (native.isReady(s)) native.decode(s);
    expect(Math.abs(f2.tokens[0]!.startMs - (60000 + native.getResult(s).timestamps[0]! * 1000))).toBeLessThan(300);
  });

  it('ends a turn on 0.8 s of trailing silence inside one segment, keeping the offset after reset()', () => {
    const rec = createSherpaRecognizer({ model });
    const c = collect();
    const stream = rec.createStream(c.listener);
    const a = testWav('4.wav');
    const gap = new Int16Array(16000 * 1.5);
    const joined = new Int16Array(a.length * 2 + gap.length);
    joined.set(a, 0);
    joined.set(a, a.length + gap.length);
    feed(stream, joined, 10000);
    expect(c.finals).toHaveLength(1); // the endpoint, before any flush
    stream.flush();
    expect(c.finals).toHaveLength(2);
    const secondStart = 10000 + (a.length + gap.length) / 16;
    const expected = isolatedKeywordMs(a, '蒋友伯');
    expect(Math.abs(c.finals[0]!.tokens[0]!.startMs - (10000 + expected))).toBeLessThan(300);
    expect(Math.abs(c.finals[1]!.tokens[0]!.startMs - (secondStart + expected))).toBeLessThan(300);
  });

  for (const method of ['pinyin-match', 'kws'] as const) {
    it(`reports keyword hits at the right call times (±300 ms), method ${method}`, () => {
      const rec = createSherpaRecognizer({ model, keywordMethod: method, keywords: ['文森特卡索', '法国', '蒋友伯', '女儿', '嗯'] });
      expect(rec.keywords.rejected.map((r) => r.keyword)).toEqual(['嗯']);
      const c = collect();
      const stream = rec.createStream(c.listener);
      const a = testWav('3.wav');
      const b = testWav('4.wav');
      feed(stream, a, 5000);
      stream.flush();
      feed(stream, b, 40000);
      stream.flush();
      const expected = [
        { keyword: '文森特卡索', at: 5000 + isolatedKeywordMs(a, '文森特卡索') },
        { keyword: '法国', at: 5000 + isolatedKeywordMs(a, '法国') },
        { keyword: '蒋友伯', at: 40000 + isolatedKeywordMs(b, '蒋友伯') },
        { keyword: '女儿', at: 40000 + isolatedKeywordMs(b, '女儿') },
      ];
      expect(c.hits.map((h) => h.keyword)).toEqual(expected.map((e) => e.keyword));
      c.hits.forEach((h, i) => {
        expect(h.method).toBe(method);
        expect(Math.abs(h.startMs - expected[i]!.at), `${h.keyword} start`).toBeLessThan(300);
        expect(h.endMs).toBeGreaterThan(h.startMs);
      });
    });
  }

  it('recognises through the telephone channel (8 kHz μ-law and back)', () => {
    const rec = createSherpaRecognizer({ model });
    const c = collect();
    const stream = rec.createStream(c.listener);
    feed(stream, telephoneChannel(recording('BAC009S0764W0121.wav').samples), 0);
    stream.flush();
    const hyp = c.finals.flatMap((f) => f.pinyin.split(' '));
    expect(syllableErrorRate(toneless('甚至出现交易几乎停滞的情况'), hyp)).toBeLessThan(0.25);
  });

  it('emits nothing for a flush without audio, and nothing after close', () => {
    const rec = createSherpaRecognizer({ model });
    const c = collect();
    const stream = rec.createStream(c.listener);
    stream.flush();
    stream.close();
    feed(stream, testWav('4.wav'), 0);
    stream.flush();
    expect([...c.finals, ...c.partials, ...c.hits]).toEqual([]);
  });

  it('refuses the spotter for a model not marked for it', () => {
    expect(() => createSherpaRecognizer({ model: { ...model, entry: { ...model.entry, keywordSpotting: false } }, keywordMethod: 'kws', keywords: ['法国'] })).toThrow(/keywordSpotting/);
  });
});
