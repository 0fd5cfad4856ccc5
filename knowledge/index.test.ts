import { describe, expect, it } from 'vitest';
import type { Article } from './article.js';
import { createKnowledgeIndex } from './index.js';

const article = (id: string, title: string, answer: string, extra: Partial<Article> = {}): Article => ({
  id,
  title,
  category: '银行卡',
  tags: [],
  questions: [],
  synonyms: [],
  answer,
  keySentences: [],
  origin: { kind: 'api' },
  updatedAt: 0,
  ...extra,
});

/** Bank-card articles written for these tests. */
const ARTICLES: Article[] = [
  article('swallowed', '银行卡被ATM吞了怎么办', '请联系ATM所属银行的网点，携带身份证领取被吞的银行卡。', { questions: ['取款机吞卡了怎么处理'] }),
  article('repay', '信用卡怎么还款', '您可以通过手机银行、网上银行或柜台还款，也可以设置自动还款。', { questions: ['信用卡还款方式有哪些'] }),
  article('lost', '银行卡丢失如何挂失', '请立即拨打客服热线或登录手机银行办理挂失，挂失后卡片将无法使用。'),
  article('password', '忘记银行卡密码怎么办', '请携带身份证和银行卡到柜台办理密码重置。'),
  article('fee', '信用卡年费怎么收取', '主卡年费每年收取一次，当年刷卡满六次可免次年年费。'),
  article('transfer', '跨行转账多久到账', '跨行转账一般实时到账，大额转账可能在下一个工作日到账。'),
  article('limit', '如何提高信用卡额度', '用卡满六个月后可以在手机银行申请提高额度。'),
];

const index = (): ReturnType<typeof createKnowledgeIndex> => {
  const kb = createKnowledgeIndex();
  for (const a of ARTICLES) kb.upsert(a);
  return kb;
};

const first = (kb: ReturnType<typeof createKnowledgeIndex>, q: string): string | undefined => kb.search(q, { k: 3 })[0]?.article.id;

describe('knowledge index', () => {
  const kb = index();

  it('finds the right article first for a paraphrase', () => {
    expect(first(kb, '我的卡被取款机吞了')).toBe('swallowed');
    expect(first(kb, '信用卡的额度能提高吗')).toBe('limit');
    expect(first(kb, '你好，请问银行卡丢了怎么挂失')).toBe('lost');
  });

  it('reads traditional characters', () => {
    expect(first(kb, '信用卡怎麼還款')).toBe('repay');
    expect(first(kb, '跨行轉賬多久到帳')).toBe('transfer');
  });

  it('answers toneless pinyin from the recogniser', () => {
    expect(kb.explain('wo de ka bei tun le').pinyin).toBe(true);
    expect(first(kb, 'wo de ka bei tun le')).toBe('swallowed');
    expect(first(kb, 'xin yong ka zen me huan kuan')).toBe('repay');
    expect(first(kb, 'wang ji mi ma le')).toBe('password');
  });

  it('matches synonyms: 贷记卡 finds the 信用卡 article, in hanzi and in pinyin', () => {
    const hits = kb.search('贷记卡怎么还钱');
    expect(hits[0]?.article.id).toBe('repay');
    expect(hits[0]?.matched).toContainEqual({ term: '贷记卡', field: 'title' });
    expect(first(kb, 'dai ji ka zen me huan qian')).toBe('repay');
  });

  it('survives homophone recognition errors', () => {
    const [hit] = kb.search('信用卡怎么环款'); // 环款 huán kuǎn for 还款
    expect(hit?.article.id).toBe('repay');
    expect(hit?.matched).toContainEqual({ term: '环款', field: 'title.pinyin' });
    expect(first(kb, 'kua hang zuan zang duo jiu dao zang')).toBe('transfer'); // z for zh
    expect(first(kb, 'xin yong ka nian fei zen me shou qu')).toBe('fee');
    expect(first(kb, 'xin yong ka lian fei')).toBe('fee'); // l for n
  });

  it('reports the matched terms and their fields', () => {
    const [hit] = kb.search('信用卡年费');
    expect(hit?.article.id).toBe('fee');
    expect(hit?.score).toBeGreaterThan(0);
    expect(hit?.matched).toEqual(expect.arrayContaining([{ term: '年费', field: 'title' }, { term: '年费', field: 'answer' }]));
    const [py] = kb.search('xin yong ka nian fei');
    expect(py?.matched).toContainEqual({ term: 'nian fei', field: 'title.pinyin' });
  });

  it('ranks best first and honours k', () => {
    const hits = kb.search('信用卡', { k: 2 });
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    expect(kb.search('', { k: 5 })).toEqual([]);
    expect(kb.search('，。！')).toEqual([]);
  });
});

describe('upsert and remove', () => {
  it('removes an article from results and from get', () => {
    const kb = index();
    expect(kb.size).toBe(ARTICLES.length);
    expect(kb.remove('swallowed')).toBe(true);
    expect(kb.remove('swallowed')).toBe(false);
    expect(kb.size).toBe(ARTICLES.length - 1);
    expect(kb.get('swallowed')).toBeUndefined();
    expect(kb.search('卡被吞了', { k: 10 }).map((h) => h.article.id)).not.toContain('swallowed');
  });

  it('replaces an article on upsert with the same id', () => {
    const kb = index();
    kb.upsert(article('fee', '信用卡分期手续费', '分期手续费按期收取。'));
    expect(kb.size).toBe(ARTICLES.length);
    expect(kb.get('fee')?.title).toBe('信用卡分期手续费');
    expect(first(kb, '分期手续费怎么收')).toBe('fee');
    const old = kb.search('年费', { k: 10 }).find((h) => h.article.id === 'fee');
    expect(old?.matched.map((m) => m.term) ?? []).not.toContain('年费');
  });

  it("uses an article's own synonym groups and the KB's groups", () => {
    const kb = createKnowledgeIndex({ synonyms: [['睡眠卡', '休眠卡']] });
    kb.upsert(article('dormant', '睡眠卡如何激活', '携带身份证到柜台激活。'));
    kb.upsert(article('wallet', '钱包如何开通', '在应用内开通。', { synonyms: [['钱包', '电子钱包', '云钱包']] }));
    kb.upsert(article('other', '如何激活新卡', '拨打热线激活。'));
    expect(first(kb, '休眠卡怎么激活')).toBe('dormant');
    expect(first(kb, '云钱包开通')).toBe('wallet');
  });
});
