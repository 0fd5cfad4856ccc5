import { describe, expect, it } from 'vitest';
import { createPinyinMatcher, soundsAlike } from './pinyin-matcher.js';
import type { TimedSyllable } from './pinyin.js';

/** Toneless syllables 300 ms apart, each with its last unit 40 ms after its start. */
function syllables(text: string): TimedSyllable[] {
  return text.split(' ').map((s, i) => ({ tonal: s, toneless: s, startMs: 1000 + i * 300, lastUnitMs: 1040 + i * 300, first: 2 * i, last: 2 * i + 1 }));
}

const kw = (keyword: string, py: string) => ({ keyword, syllables: py.split(' ') });

describe('pinyin matcher', () => {
  it('finds an exact keyword with its times', () => {
    const m = createPinyinMatcher([kw('信用卡', 'xin yong ka')]).find(syllables('wo de xin yong ka diu le'));
    expect(m).toEqual([{ keyword: '信用卡', first: 2, last: 4, startMs: 1600, lastUnitMs: 2240, substitutions: 0 }]);
  });

  it('tolerates one similar-sounding substitution from three syllables on, none below', () => {
    const matcher = createPinyinMatcher([kw('周望军', 'zhou wang jun'), kw('挂失', 'gua shi')]);
    expect(matcher.find(syllables('zhu wang jun jiu'))).toMatchObject([{ keyword: '周望军', substitutions: 1 }]);
    expect(matcher.find(syllables('gua si'))).toEqual([]);
    expect(matcher.find(syllables('zhu wang jin'))).toEqual([]); // two substitutions
  });

  it('refuses a substitution that shares nothing with the expected syllable unless told to', () => {
    const keywords = [kw('见面会', 'jian mian hui')];
    expect(createPinyinMatcher(keywords).find(syllables('jian mian le'))).toEqual([]);
    expect(createPinyinMatcher(keywords, { substitution: 'any' }).find(syllables('jian mian le'))).toHaveLength(1);
    expect(createPinyinMatcher(keywords, { maxSubstitutions: () => 0 }).find(syllables('jian mian hu'))).toEqual([]);
  });

  it('keeps the best of overlapping windows of one keyword, and every separate occurrence', () => {
    const matcher = createPinyinMatcher([kw('x', 'ma ba mao')], { substitution: 'any' });
    // Window 0 (ma ba ma, one substitution) overlaps window 2 (ma ba mao, exact): only the exact one stays.
    expect(matcher.find(syllables('ma ba ma ba mao')).map((x) => [x.first, x.substitutions])).toEqual([[2, 0]]);
    expect(matcher.find(syllables('ma ba mao le ma ba mao')).map((x) => x.first)).toEqual([0, 4]);
  });

  it('judges sound-alike syllables by initial, final or rime without the medial', () => {
    expect(soundsAlike('zhou', 'zhu')).toBe(true); // initial
    expect(soundsAlike('nan', 'lan')).toBe(true); // final
    expect(soundsAlike('yang', 'jiang')).toBe(true); // ang ~ iang
    expect(soundsAlike('le', 'hui')).toBe(false);
    expect(soundsAlike('gui', 'ji')).toBe(false); // a bare vowel is not a rime match
  });

  it('treats the fuzzy pinyin pairs of Chinese input methods as sound-alike', () => {
    expect(soundsAlike('sheng', 'sen')).toBe(true); // s/sh, en/eng: 文森 heard as wén shēng
    expect(soundsAlike('zi', 'zhu')).toBe(true); // z/zh
    expect(soundsAlike('nan', 'lang')).toBe(true); // n/l
    expect(soundsAlike('xin', 'bing')).toBe(true); // in/ing
    expect(soundsAlike('ma', 'fo')).toBe(false);
    expect(createPinyinMatcher([kw('文森特卡索', 'wen sen te ka suo')]).find(syllables('wen sheng te ka suo'))).toHaveLength(1);
  });
});
