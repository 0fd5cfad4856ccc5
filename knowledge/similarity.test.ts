import { describe, expect, it } from 'vitest';
import { accuracyAt, bestThreshold, cosine, createSimilarity } from './similarity.js';

describe('question similarity', () => {
  const corpus = ['信用卡怎么还款', '信用卡年费怎么收', '银行卡丢了怎么挂失', '如何提高信用卡额度', '转账多久到账', '怎么修改密码'];
  const sim = createSimilarity({ corpus });

  it('is symmetric, 1 for the same text, 0 for nothing in common', () => {
    expect(sim('信用卡怎么还款', '怎么给信用卡还钱')).toBeCloseTo(sim('怎么给信用卡还钱', '信用卡怎么还款'), 12);
    expect(sim('信用卡怎么还款', '信用卡怎么还款')).toBeCloseTo(1, 6);
    expect(sim('信用卡怎么还款', '转账多久到账')).toBeLessThan(0.1);
    expect(sim('', '转账')).toBe(0);
  });

  it('scores a synonym paraphrase higher with the synonym groups than without', () => {
    const plain = createSimilarity({ corpus, synonyms: [] });
    expect(sim('信用卡怎么还款', '贷记卡如何还钱')).toBeGreaterThan(plain('信用卡怎么还款', '贷记卡如何还钱') + 0.05);
    expect(sim('信用卡怎么还款', '怎么给信用卡还款')).toBeGreaterThan(sim('信用卡怎么还款', '转账多久到账'));
  });

  it('compares pinyin with hanzi by sound', () => {
    expect(sim('xin yong ka zen me huan kuan', '信用卡怎么还款')).toBeGreaterThan(0.8);
    expect(sim('xin yong ka zen me huan kuan', '转账多久到账')).toBeLessThan(0.2);
  });
});

describe('threshold selection', () => {
  it('finds the most accurate cut and applies it', () => {
    const pairs = [
      { score: 0.1, same: false },
      { score: 0.2, same: false },
      { score: 0.35, same: true },
      { score: 0.4, same: false },
      { score: 0.6, same: true },
      { score: 0.9, same: true },
    ];
    const { threshold, accuracy } = bestThreshold(pairs);
    expect(accuracy).toBeCloseTo(5 / 6);
    expect(threshold).toBeGreaterThan(0.2);
    expect(threshold).toBeLessThanOrEqual(0.35);
    expect(accuracyAt(pairs, threshold)).toBeCloseTo(5 / 6);
    expect(bestThreshold([])).toEqual({ threshold: -1e-9, accuracy: 0 });
  });

  it('cosine of sparse vectors', () => {
    expect(cosine(new Map([['a', 1]]), new Map([['a', 2]]))).toBeCloseTo(1);
    expect(cosine(new Map([['a', 1]]), new Map([['b', 1]]))).toBe(0);
  });
});
