import { describe, expect, it } from 'vitest';
import { Bm25f, topK, type DocFields } from './bm25.js';

const fields = [
  { name: 'title', weight: 1, b: 0.5 },
  { name: 'answer', weight: 0.3, b: 0.5 },
];
const doc = (title: string[], answer: string[]): DocFields[] =>
  [title, answer].map((terms) => ({ terms: new Map(terms.map((t) => [t, terms.filter((x) => x === t).length])), length: terms.length }));

describe.each(['field', 'doc'] as const)('Bm25f (%s mode)', (mode) => {
  it('ranks by rarer terms and by the heavier field', () => {
    const b = new Bm25f(fields, 1.2, mode);
    b.add(0, doc(['卡', '吞'], ['银行']));
    b.add(1, doc(['卡', '还款'], ['银行']));
    b.add(2, doc(['卡'], ['吞', '银行']));
    const hits = b.search([{ term: '吞', weight: 1 }, { term: '卡', weight: 1 }], 3);
    expect(hits.map((h) => h.doc)).toEqual([0, 2, 1]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('forgets a removed document completely', () => {
    const b = new Bm25f(fields, 1.2, mode);
    b.add(0, doc(['卡', '吞'], []));
    b.add(1, doc(['卡'], ['额度']));
    b.add(2, doc(['额度', '卡'], []));
    const query = [{ term: '卡', weight: 1 }, { term: '额度', weight: 1 }];
    b.search(query, 3); // fills the impact cache, which removal must invalidate
    expect(b.remove(1)).toBe(true);
    expect(b.remove(1)).toBe(false);
    const fresh = new Bm25f(fields, 1.2, mode);
    fresh.add(0, doc(['卡', '吞'], []));
    fresh.add(2, doc(['额度', '卡'], []));
    expect(b.search(query, 3)).toEqual(fresh.search(query, 3));
    expect(b.df('额度')).toBe(1);
    expect(b.packedCounts(1, '卡')).toBe(0);
  });

  it('reports per-field counts', () => {
    const b = new Bm25f(fields, 1.2, mode);
    b.add(5, doc(['卡', '卡'], ['卡']));
    const packed = b.packedCounts(5, '卡');
    expect([Bm25f.fieldCount(packed, 0), Bm25f.fieldCount(packed, 1)]).toEqual([2, 1]);
  });
});

describe('document numbers', () => {
  it('must grow, which keeps postings sorted for the binary searches', () => {
    const b = new Bm25f(fields);
    b.add(3, doc(['卡'], []));
    expect(() => b.add(3, doc(['卡'], []))).toThrow(/must grow/);
    expect(() => b.add(1, doc(['卡'], []))).toThrow(/must grow/);
  });
});

describe('topK', () => {
  it('keeps the k best, ties to the earlier document', () => {
    const scores = [0, 3, 1, 3, 2];
    expect(topK([4, 3, 2, 1], scores, 3).map((s) => s.doc)).toEqual([1, 3, 4]);
    expect(topK([], scores, 3)).toEqual([]);
  });
});
