/** Result building for the model kinds the shared folder has no model of (hanzi, BPE, paraformer without times). */
import { describe, expect, it } from 'vitest';
import { buildResult, tokenTimes } from './results.js';

describe('recognition results', () => {
  it('pinyin models: text is the tonal syllables, pinyin the toneless ones', () => {
    const { result, syllables } = buildResult('pinyin', 'ignored', tokenTimes(['x', 'ìn', 'y', 'òng'], [100, 140, 300, 340], 0, 500), 0, 500, true);
    expect(result).toMatchObject({ text: 'xìn yòng', pinyin: 'xin yong', pinyinTonal: 'xìn yòng', startMs: 0, endMs: 500, final: true });
    expect(syllables.map((s) => s.startMs)).toEqual([100, 300]);
  });

  it('hanzi models: pinyin derived in context, each syllable timed by the token its character came from', () => {
    const tokens = tokenTimes(['去', '银行', '▁ATM', '取'], [0, 200, 600, 900], 0, 1000);
    const { result, syllables } = buildResult('hanzi', '去银行 ATM取', tokens, 0, 1000, false);
    expect(result.text).toBe('去银行 ATM取');
    expect(result.pinyin).toBe('qu yin hang atm qu');
    expect(result.pinyinTonal).toBeUndefined();
    expect(syllables.map((s) => s.startMs)).toEqual([0, 200, 200, 600, 900]);
  });

  it('spreads tokens evenly over the segment when the model gives no timestamps (streaming paraformer)', () => {
    expect(tokenTimes(['你', '好'], [], 1000, 1400).map((t) => t.startMs)).toEqual([1000, 1200]);
  });
});
