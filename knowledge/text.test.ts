import { describe, expect, it } from 'vitest';
import { foldSyllable } from './phonetic.js';
import { isPinyinQuery, isPinyinSyllable, joinLatin, normalize, stripFillers, stripPinyinFillers } from './text.js';

describe('normalize', () => {
  it('turns traditional into simplified, including Taiwan phrasing', () => {
    expect(normalize('信用卡怎麼還款')).toBe('信用卡怎么还款');
    expect(normalize('網路銀行')).toBe('网络银行');
  });
  it('folds full-width, upper case and punctuation', () => {
    expect(normalize('ＰＯＳ機，刷卡失敗！')).toBe('pos机 刷卡失败');
    expect(normalize('  Apple Pay？？ ')).toBe('apple pay');
  });
  it('folds 帐 into 账 so 到帐 and 到账 are one term', () => {
    expect(normalize('到帐')).toBe(normalize('到賬'));
  });
});

describe('fillers', () => {
  it('removes padding around the question but not content', () => {
    expect(stripFillers(normalize('你好，我想问一下，那个信用卡怎么还款啊'))).toBe('信用卡怎么还款');
    expect(stripFillers('这个卡被吞了')).toBe('这个卡被吞了');
  });
  it('removes multi-syllable pinyin fillers only', () => {
    expect(stripPinyinFillers('ni hao qing wen xin yong ka e du'.split(' '))).toEqual(['xin', 'yong', 'ka', 'e', 'du']);
  });
});

describe('pinyin queries', () => {
  it('recognises toneless pinyin, with spelt acronyms allowed', () => {
    expect(isPinyinQuery('wo de ka bei tun le')).toBe(true);
    expect(isPinyinQuery('pos ji shua ka shi bai')).toBe(true);
    expect(isPinyinQuery('wo de 卡')).toBe(false);
    expect(isPinyinQuery('apple pay iphone')).toBe(false);
    expect(isPinyinQuery('')).toBe(false);
  });
  it('knows syllables', () => {
    for (const s of ['zhuang', 'lve', 'er', 'a', 'xiong', 'n']) expect(isPinyinSyllable(s)).toBe(true);
    for (const s of ['pos', 'atm', 'ka1', 'pay']) expect(isPinyinSyllable(s)).toBe(false);
  });
  it('folds the fuzzy pairs to one key, leaving Latin runs alone', () => {
    expect(foldSyllable('zhuan')).toBe(foldSyllable('zuan'));
    expect(foldSyllable('kuang')).toBe(foldSyllable('kuan'));
    expect(foldSyllable('lin')).toBe(foldSyllable('ning'));
    expect(foldSyllable('shen')).toBe(foldSyllable('seng'));
    expect(foldSyllable('ka')).not.toBe(foldSyllable('ga'));
    expect(foldSyllable('pos')).toBe('pos');
  });
});

describe('joinLatin', () => {
  it('joins adjacent Latin words only', () => {
    expect(joinLatin('apple pay 绑卡')).toBe('applepay 绑卡');
    expect(joinLatin('pos 机 95516')).toBe('pos 机 95516');
  });
});
