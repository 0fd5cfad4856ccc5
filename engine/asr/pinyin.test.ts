import { describe, expect, it } from 'vitest';
import { hanziToPinyin, hanziToSyllables, pooledRate, splitSyllable, syllableErrorRate, syllableErrors, toneless, unitsToSyllables } from './pinyin.js';

const units = (...texts: string[]) => texts.map((text, i) => ({ text, startMs: i * 40 }));

describe('model units → syllables', () => {
  it('joins initial + final and keeps zero-initial finals and capitals alone', () => {
    const s = unitsToSyllables(units('sh', 'èn', 'ài', 'y', 'òng', 'A', 'T', 'M', 'n', 'ǚ', 'ér'));
    expect(s.map((x) => x.tonal)).toEqual(['shèn', 'ài', 'yòng', 'A', 'T', 'M', 'nǚ', 'ér']);
    expect(s.map((x) => x.toneless)).toEqual(['shen', 'ai', 'yong', 'a', 't', 'm', 'nv', 'er']);
  });

  it('times a syllable by its initial and remembers its last unit', () => {
    const [first, second] = unitsToSyllables(units('x', 'ìn', 'ē'));
    expect(first).toMatchObject({ tonal: 'xìn', startMs: 0, lastUnitMs: 40, first: 0, last: 1 });
    expect(second).toMatchObject({ tonal: 'ē', startMs: 80, lastUnitMs: 80 });
  });

  it('keeps a dangling initial as its own (wrong) syllable instead of dropping it', () => {
    expect(unitsToSyllables(units('sh', 'zh', 'ì')).map((x) => x.tonal)).toEqual(['sh', 'zhì']);
  });

  it('splits written syllables the way the model spells them', () => {
    expect(splitSyllable('zhuāng')).toEqual(['zh', 'uāng']);
    expect(splitSyllable('yòng')).toEqual(['y', 'òng']);
    expect(splitSyllable('ér')).toEqual(['ér']);
    expect(splitSyllable('lüè')).toEqual(['l', 'üè']);
  });
});

describe('tones', () => {
  it('strips tone marks and writes ü as v', () => {
    expect(['lǜ', 'nǚ', 'lüè', 'jù', 'ń', 'Zhōng'].map(toneless)).toEqual(['lv', 'nv', 'lve', 'ju', 'n', 'zhong']);
  });
});

describe('hanzi → pinyin', () => {
  it('gives citation tones (no 一/不 sandhi), as the model was trained', () => {
    expect(hanziToPinyin('一下不是', true)).toBe('yī xià bù shì');
  });

  it('reads polyphones in context and in the bank domain', () => {
    expect(hanziToPinyin('银行', true)).toBe('yín háng');
    expect(hanziToPinyin('提前还款到分行', false)).toBe('ti qian huan kuan dao fen hang');
    expect(hanziToPinyin('我还没有', false)).toBe('wo hai mei you');
  });

  it('drops punctuation and keeps Latin and digit runs as written', () => {
    const s = hanziToSyllables('好，ATM机。hello 123');
    expect(s.map((x) => x.tonal)).toEqual(['hǎo', 'ATM', 'jī', 'hello', '123']);
    expect(s.map((x) => x.index)).toEqual([0, 2, 5, 7, 13]);
  });
});

describe('syllable error rate', () => {
  it('counts substitutions, deletions and insertions over the reference length', () => {
    expect(syllableErrors(['a', 'b', 'c', 'd'], ['a', 'x', 'c'])).toEqual({ errors: 2, refLength: 4 });
    expect(syllableErrorRate(['a', 'b'], ['a', 'b', 'c'])).toBe(0.5);
    expect(syllableErrorRate([], [])).toBe(0);
  });

  it('pools errors over references, not rates over files', () => {
    expect(pooledRate([{ errors: 1, refLength: 2 }, { errors: 0, refLength: 8 }])).toBe(0.1);
  });
});
