import { describe, expect, it } from 'vitest';
import { mineDomainTerms } from './terms.js';

describe('mineDomainTerms', () => {
  it('keeps a recurring free-standing term jieba does not know, and drops one-off phrases', () => {
    const texts = [
      '签购单丢了怎么办',
      '没有打印签购单',
      '商户重打签购单后核对',
      '请保留签购单。',
      '签购单上的金额不对',
      '这是只出现一次的说法',
    ];
    const terms = mineDomainTerms(texts, { minDocs: 3, minNeighbours: 2, minCohesion: 5 });
    expect(terms).toContain('签购单');
    expect(terms).not.toContain('只出现一次');
    expect(terms.every((t) => t.length >= 3)).toBe(true);
  });

  it('returns nothing for too little text', () => {
    expect(mineDomainTerms(['一句话'])).toEqual([]);
  });
});
