import { describe, expect, it } from 'vitest';
import { detectNeed } from './need.js';

describe('information need detection', () => {
  it('finds questions and problem statements in hanzi', () => {
    expect(detectNeed('我的卡被吞了', undefined)).toEqual({ cue: '被吞', kind: 'problem' });
    expect(detectNeed('信用卡怎么还款', undefined)).toEqual({ cue: '怎么', kind: 'question' });
    expect(detectNeed('年费能免吗', undefined)).toEqual({ cue: '吗', kind: 'question' });
    expect(detectNeed('额度是多少？', undefined)).toMatchObject({ kind: 'question' });
  });

  it('ignores turns that ask for nothing', () => {
    expect(detectNeed('好的谢谢', undefined)).toBeNull();
    expect(detectNeed('嗯嗯', undefined)).toBeNull();
    expect(detectNeed('吗啡不是药', undefined)).toBeNull(); // a particle only counts at the end
  });

  it('works on toneless pinyin from the embedded recogniser', () => {
    expect(detectNeed('wǒ de kǎ bèi tūn le', 'wo de ka bei tun le')).toEqual({ cue: '被吞', kind: 'problem' });
    expect(detectNeed('xìn yòng kǎ zěn me huán kuǎn', 'xin yong ka zen me huan kuan')).toEqual({ cue: '怎么', kind: 'question' });
    expect(detectNeed('nián fèi néng miǎn ma', 'nian fei neng mian ma')).toMatchObject({ kind: 'question' });
    expect(detectNeed('hǎo de xiè xie', 'hao de xie xie')).toBeNull();
  });
});
