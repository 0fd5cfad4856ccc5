/**
 * Synonym groups: words a customer and a KB author use for one thing. Each group folds to one index term,
 * in hanzi and in pinyin, so 贷记卡 in a query meets 信用卡 in an article, and so does dai ji ka.
 */
import { hanziToSyllables } from '../engine/asr/pinyin.js';
import { foldSyllable } from './phonetic.js';
import { joinLatin, normalize } from './text.js';

/**
 * General Chinese retail-banking and card-payment vocabulary, written from domain knowledge (bank and card
 * scheme customer-service wording), not from any evaluation query. Single characters are left out on
 * purpose: 卡 or 查 in a group would fold far too many words together. A KB adds or replaces groups.
 */
export const BANK_SYNONYMS: readonly (readonly string[])[] = [
  ['信用卡', '贷记卡'],
  ['借记卡', '储蓄卡'],
  ['银行卡', '卡片'],
  ['挂失', '冻结'],
  ['丢失', '遗失', '丢了', '弄丢', '被盗'],
  ['还款', '还钱', '还信用卡'],
  ['转账', '汇款', '转钱'],
  ['取现', '取款', '取钱', '提现'],
  ['存款', '存钱'],
  ['手续费', '服务费', '收费'],
  ['扣款', '扣钱', '扣费', '扣账', '被扣'],
  ['到账', '入账'],
  ['退款', '退钱', '退费'],
  ['额度', '限额'],
  ['验证码', '校验码', '动态码', '动态密码'],
  ['手机号', '手机号码', '电话号码'],
  ['开通', '开启', '启用'],
  ['申请', '办理', '申办'],
  ['关闭', '取消', '停用'],
  ['解绑', '解除绑定'],
  ['绑定', '绑卡', '添加卡'],
  ['失败', '不成功', '没成功', '未成功'],
  ['修改', '更改', '变更'],
  ['忘记', '忘了'],
  ['查询', '查看', '查一下'],
  ['付款', '支付', '付钱'],
  ['消费', '购物', '买东西'],
  ['商户', '商家', '店家'],
  ['境外', '国外', '海外', '出国'],
  ['网银', '网上银行'],
  ['手机银行', '银行app', '银行客户端'],
  ['客服', '人工服务', '人工客服', '客服热线', '客服电话'],
  ['pos机', 'pos', '刷卡机'],
  ['atm', 'atm机', '取款机', '自动取款机', '柜员机'],
  ['征信', '信用报告', '信用记录'],
  ['ic卡', '芯片卡', '智能卡', '金融ic卡'],
  ['二维码', '付款码', '收款码'],
  ['applepay', '苹果支付', '苹果pay'],
  ['samsungpay', '三星支付', '三星pay'],
  ['huaweipay', '华为支付', '华为pay'],
  ['mipay', '小米支付', '小米pay'],
  ['身份证', '证件'],
  ['怎么', '如何', '怎样', '咋'],
  ['为什么', '为何', '怎么回事', '什么原因'],
  ['多久', '多长时间'],
];

/** Word → group key, in hanzi and in folded pinyin. */
export interface SynonymTable {
  /** The group term for a normalised hanzi word, or undefined. */
  hanzi(word: string): string | undefined;
  /** The group term for a folded, separator-free pinyin key, or undefined. */
  pinyin(key: string): string | undefined;
  /** Every normalised member, to teach the segmenter (jieba) to keep them whole. */
  readonly words: readonly string[];
}

/** Pinyin key of a normalised word: folded syllables (or Latin runs) joined without separator. */
export function pinyinKey(word: string, fold: boolean): string {
  return hanziToSyllables(word)
    .map((s) => (fold ? foldSyllable(s.toneless) : s.toneless))
    .join('');
}

/**
 * Groups are normalised like text; the first member names the group (`=信用卡`). A word in two groups stays
 * in the first one: folding is a function, and the first group is the one its author listed first.
 */
export function createSynonymTable(groups: readonly (readonly string[])[], fold: boolean): SynonymTable {
  const byHanzi = new Map<string, string>();
  const byPinyin = new Map<string, string>();
  const words: string[] = [];
  for (const group of groups) {
    const members = group.map((w) => joinLatin(normalize(w))).filter(Boolean);
    if (members.length < 2) continue;
    const key = '=' + members[0]!;
    for (const m of members) {
      if (!byHanzi.has(m)) byHanzi.set(m, key);
      const p = pinyinKey(m, fold);
      if (p && !byPinyin.has(p)) byPinyin.set(p, key);
      words.push(m);
    }
  }
  return { hanzi: (w) => byHanzi.get(w), pinyin: (p) => byPinyin.get(p), words };
}
