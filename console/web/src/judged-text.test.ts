import { describe, expect, it } from 'vitest';
import { judgedText } from './judged-text';

const names = new Map([
  ['forbidden-phrase', '服务忌语'],
  ['dead-air', '静音'],
  ['hold-return-apology', '等待致歉'],
]);

describe('judged text', () => {
  it('names the rules in a deduction formula', () => {
    expect(judgedText('− forbidden-phrase ×1 × 5', 'zh', names)).toBe('− 服务忌语 ×1 × 5');
    expect(judgedText('− dead-air ×1 × 2.5 + hold-return-apology ×1 × 5', 'en', names)).toBe('− 静音 ×1 × 2.5 + 等待致歉 ×1 × 5');
  });

  it('says the fixed judgements in Chinese, and leaves unknown words alone', () => {
    expect(judgedText('no fault found', 'zh', names)).toBe('未发现问题');
    expect(judgedText('no fault found', 'en', names)).toBe('no fault found');
    expect(judgedText('一票否决: unknown-rule', 'zh', names)).toBe('一票否决: unknown-rule');
  });
});
