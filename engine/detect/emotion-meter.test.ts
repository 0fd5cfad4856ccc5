import { describe, expect, it } from 'vitest';
import { createEmotionMeter } from './emotion-meter.js';

const final = (text: string, startS: number, endS: number, pinyin?: string) => ({ text, startMs: startS * 1000, endMs: endS * 1000, ...(pinyin ? { pinyin } : {}) });

describe('emotion meter', () => {
  it('is 0 for a calm customer', () => {
    const m = createEmotionMeter();
    m.customerFinal(final('我想了解一下你们的理财产品', 1, 4));
    expect(m.customer(5000)).toBe(0);
  });

  it('sums the lexicon scores of the finals that ended in the last 30 s, traditional characters included', () => {
    const m = createEmotionMeter();
    m.customerFinal(final('氣死我了', 1, 3)); // 气死我了: 3
    m.customerFinal(final('太过分了', 10, 12)); // 过分 after 太: 2 × 1.5
    expect(m.customer(5000)).toBe(3);
    expect(m.customer(15_000)).toBe(6);
    expect(m.customer(35_000)).toBe(3); // the first ended 32 s ago
    expect(m.customer(45_000)).toBe(0);
  });

  it('counts a final only once its end is reached, and a negated word not at all', () => {
    const m = createEmotionMeter();
    m.customerFinal(final('我不生气', 1, 2));
    m.customerFinal(final('真是坑人', 8, 9));
    expect(m.customer(5000)).toBe(0);
    expect(m.customer(10_000)).toBe(4.5); // 坑人 3 after 真 ×1.5
  });

  it('scores a pinyin-only transcript by its multi-syllable words', () => {
    const m = createEmotionMeter();
    m.customerFinal(final('', 1, 3, 'wo yao qi si le'));
    expect(m.customer(5000)).toBe(3);
  });
});
