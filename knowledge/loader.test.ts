import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../engine/paths.js';
import type { Article } from './article.js';
import { loadKnowledgeBase, parseSynonyms } from './loader.js';
import { markdownToText } from './parse-markdown.js';

const here = join(packageRoot(import.meta.url), 'knowledge');
const fixtures = join(here, 'fixtures');
const byId = (articles: Article[]): Map<string, Article> => new Map(articles.map((a) => [a.id, a]));

describe('loadKnowledgeBase: valid files of every format', () => {
  const kb = loadKnowledgeBase(join(fixtures, 'valid'));
  const a = byId(kb.articles);

  it('loads every article with no errors, skipping README.md', () => {
    expect(kb.errors).toEqual([]);
    expect([...a.keys()].sort()).toEqual(['fx-activate', 'fx-atm-limit', 'fx-atm-swallowed', 'fx-loss', 'fx-points-earn', 'fx-points-redeem', 'fx-single', 'fx.general_1']);
  });

  it('reads Markdown front matter, the 相似问法 alias, both synonym forms, and strips the body to text', () => {
    expect(a.get('fx-activate')).toMatchObject({
      title: '新卡激活',
      category: '开卡激活',
      tags: ['激活', '信用卡'],
      questions: ['新卡怎么激活', '卡片收到了怎么开卡'],
      synonyms: [['开卡', '激活'], ['新卡', '新办的卡']],
      answer: '激活方式\n您可以在手机银行App的信用卡页面完成激活！激活前请先签名。\n第一步：登录 手机银行\n第二步：点击激活',
      // The heading is not read out first: the key sentence is the first sentence under it.
      keySentences: ['您可以在手机银行App的信用卡页面完成激活！'],
      origin: { kind: 'file', file: 'valid/cards/activate.md' },
    });
    expect(a.get('fx-activate')?.updatedAt).toBeGreaterThan(0);
  });

  it('joins soft-wrapped Chinese lines, takes `key` as given, and defaults the category to the sub-folder', () => {
    expect(a.get('fx-loss')).toMatchObject({
      category: 'cards',
      answer: '请立即通过手机银行或客服热线挂失。挂失后旧卡立即停用，补卡约七个工作日寄到。',
      keySentences: ['请立即通过手机银行或客服热线挂失。'],
    });
    expect(a.get('fx.general_1')).toMatchObject({ category: '未分类', tags: [], questions: [], keySentences: ['客服热线全天24小时服务?'] });
  });

  it('reads JSON arrays and single objects with their lines, and the similar_questions / keySentences aliases', () => {
    expect(a.get('fx-points-earn')).toMatchObject({ questions: ['刷卡有积分吗', '积分怎么算'], keySentences: ['每消费1元累积1分。'], origin: { file: 'valid/points.json', line: 2 } });
    expect(a.get('fx-points-redeem')).toMatchObject({ keySentences: ['积分可在积分商城兑换礼品。'], origin: { line: 10 } });
    expect(a.get('fx-single')?.origin).toEqual({ kind: 'file', file: 'valid/single.json', line: 1 });
  });

  it('reads CSV rows with |-separated lists, a/b synonym groups and the line each row starts on', () => {
    expect(a.get('fx-atm-swallowed')).toMatchObject({
      tags: ['ATM', '吞卡'],
      questions: ['我的卡被吞了', '取款机把卡吞了怎么办'],
      synonyms: [['吞卡', '卡被吞'], ['取款机', 'ATM']],
      answer: '请携带身份证到ATM所属网点领卡。\n超过领取期限的卡片将被销毁。',
      origin: { file: 'valid/atm.csv', line: 2 },
    });
    // The row above spans two lines (a quoted answer), so this one starts on line 4.
    expect(a.get('fx-atm-limit')).toMatchObject({ category: '未分类', synonyms: [], origin: { line: 4 } });
  });

  it('reads synonyms.txt: comments and blanks skipped, repeated words kept once', () => {
    expect(kb.synonyms).toEqual([['信用卡', '贷记卡'], ['挂失', '冻结'], ['还款', '还钱']]);
  });
});

describe('loadKnowledgeBase: broken files', () => {
  const kb = loadKnowledgeBase(join(fixtures, 'broken'));

  it('names file, line, field and reason for each problem', () => {
    expect(kb.errors.map((e) => e.message).sort()).toEqual(
      [
        'broken/answer-in-fm.md:4 field "answer": not allowed in front matter: the answer is the Markdown body',
        'broken/bad-header.csv:1: bad header: unknown column "titel"; missing column "title" (columns: id, title, category, tags, questions, 相似问法, similar_questions, answer, synonyms, key, keySentences)',
        'broken/bad-tags.md:4 field "tags": must be a list of strings',
        'broken/bad-yaml.md:3: invalid YAML: Nested mappings are not allowed in compact mappings',
        'broken/bad.csv:3: row has 3 cells, the header has 4',
        'broken/bad.csv:4 field "id": "bad id" must be 1-64 letters, digits, ".", "_" or "-"',
        "broken/bad.json:3: invalid JSON: Expected ',' or '}' after property value",
        'broken/empty-body.md:5 field "answer": is required: the Markdown body is empty',
        'broken/missing-id.md:1 field "id": is required',
        'broken/no-front.md:1: must start with front matter: a "---" line, the fields (id, title, …), then "---"',
        'broken/numeric-id.md:2 field "id": must be a string (quote a numeric id)',
        'broken/numeric-id.md:4 field "questions": must be a list of strings',
        'broken/numeric-id.md:5 field "synonyms": must be a list of groups, each a list of at least two words or an "a/b" string',
        'broken/sub/dup-b.json:3 field "id": duplicate id "dup-1", first defined at broken/dup-a.md:2',
        'broken/synonyms.txt:2: a synonym group needs at least two words separated by "/", got "孤零零"',
        'broken/unknown-key.md:1 field "title": is required',
        'broken/unknown-key.md:3 field "tittle": unknown field; did you mean "title"? (known: id, title, category, tags, questions, 相似问法, similar_questions, synonyms, key, keySentences, answer)',
      ].sort(),
    );
  });

  it('gives each error its parts and code', () => {
    expect(kb.errors.find((e) => e.file === 'broken/bad-tags.md')).toEqual({
      code: 'EARSHOT_ERR_KB_INVALID',
      file: 'broken/bad-tags.md',
      line: 4,
      field: 'tags',
      reason: 'must be a list of strings',
      message: 'broken/bad-tags.md:4 field "tags": must be a list of strings',
    });
  });

  it('still loads the good articles beside the bad ones (the first of a duplicate id wins)', () => {
    expect(kb.articles.map((x) => x.id).sort()).toEqual(['csv-ok-1', 'csv-ok-2', 'dup-1', 'good', 'sub-ok']);
    expect(byId(kb.articles).get('dup-1')?.origin).toEqual({ kind: 'file', file: 'broken/dup-a.md' });
    expect(byId(kb.articles).get('csv-ok-2')?.origin).toMatchObject({ line: 5 });
    expect(kb.synonyms).toEqual([['信用卡', '贷记卡']]);
  });
});

describe('loadKnowledgeBase: edge cases', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing folder as an error instead of throwing', () => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-kb-'));
    const kb = loadKnowledgeBase(join(dir, 'nope'));
    expect(kb.articles).toEqual([]);
    expect(kb.errors).toHaveLength(1);
    expect(kb.errors[0]).toMatchObject({ code: 'EARSHOT_ERR_KB_NOT_FOUND', file: join(dir, 'nope') });
  });

  it('keeps line numbers right with a BOM and CRLF line ends, and hints how to fix numeric tags', () => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-kb-'));
    const kb = join(dir, 'kb');
    mkdirSync(kb);
    writeFileSync(join(kb, 'a.csv'), '\uFEFFid,title,answer\r\nx1,T,答。\r\n"x 2",T,答。\r\n');
    writeFileSync(join(kb, 'b.md'), '\uFEFF---\r\nid: b\r\ntitle: T\r\ntags: [投诉, 12378]\r\n---\r\n答。\r\n');
    writeFileSync(join(kb, 'notes.txt'), 'not an article: ignored');
    writeFileSync(join(kb, 'c.md~'), 'an editor backup: ignored');
    const result = loadKnowledgeBase(kb);
    expect(result.articles.map((x) => x.id)).toEqual(['x1']);
    expect(result.errors.map((e) => e.message)).toEqual([
      'kb/a.csv:3 field "id": "x 2" must be 1-64 letters, digits, ".", "_" or "-"',
      'kb/b.md:4 field "tags": must be a list of strings (quote numbers: "12378")',
    ]);
  });
});

describe('helpers', () => {
  it('parseSynonyms', () => {
    expect(parseSynonyms('# c\n信用卡/贷记卡\n\n 手机银行 / App #x\n', 's.txt')).toEqual({ groups: [['信用卡', '贷记卡'], ['手机银行', 'App']], errors: [] });
  });

  it('markdownToText keeps list items and paragraphs apart and drops markup', () => {
    const md = '## 步骤\n\n> 注意：**先核实身份**。\n\n1. 登录 [App](https://x.invalid)\n2. 点击`挂失`\n\n---\n| 卡种 | 年费 |\n|---|---|\n| 普卡 | 100元 |\nsee *this*\ntext';
    expect(markdownToText(md)).toBe('步骤\n注意：先核实身份。\n1. 登录 App\n2. 点击挂失\n卡种，年费\n普卡，100元 see this text');
  });
});

describe('the shipped sample knowledge base (knowledge/kb)', () => {
  const kb = loadKnowledgeBase(join(here, 'kb'));
  const a = byId(kb.articles);

  it('loads with no errors and at least 60 articles, in all three formats', () => {
    expect(kb.errors).toEqual([]);
    expect(kb.articles.length).toBeGreaterThanOrEqual(60);
    const exts = new Set(kb.articles.map((x) => (x.origin.kind === 'file' ? x.origin.file.replace(/^.*\./, '') : '')));
    expect([...exts].sort()).toEqual(['csv', 'json', 'md']);
  });

  it('covers every topic a card centre needs, several articles each', () => {
    const categories = new Map<string, number>();
    for (const x of kb.articles) categories.set(x.category, (categories.get(x.category) ?? 0) + 1);
    for (const c of ['开卡激活', '挂失补卡', '额度', '账单还款', '分期', '年费', '境外用卡', '风险交易', '积分', '手机银行', '密码与验证', 'ATM与网点', '理财风险提示', '投诉处理']) {
      expect(categories.get(c) ?? 0, c).toBeGreaterThanOrEqual(4);
    }
    for (const id of ['activation-app', 'loss-report', 'limit-temporary', 'bill-dates', 'bill-minimum-payment', 'installment-early-repayment', 'fee-waiver',
      'overseas-conversion-fee', 'fraud-unauthorised', 'fraud-dispute', 'points-redemption', 'mobile-device-binding', 'atm-card-swallowed', 'pin-reset-debit',
      'sms-code-not-received', 'wealth-risk-disclosure-script', 'complaint-handling-script']) {
      expect(a.has(id), id).toBe(true);
    }
  });

  it('gives every article 3–6 similar questions, tags, and a 2–6 sentence answer', () => {
    for (const x of kb.articles) {
      expect(x.questions.length, x.id).toBeGreaterThanOrEqual(3);
      expect(x.questions.length, x.id).toBeLessThanOrEqual(6);
      expect(x.tags.length, x.id).toBeGreaterThan(0);
      const sentences = x.answer.split(/(?<=[。！？])/).filter((s) => s.trim() !== '').length;
      expect(sentences, x.id).toBeGreaterThanOrEqual(2);
      expect(sentences, x.id).toBeLessThanOrEqual(6);
    }
  });

  it('never has an agent read out a promise of principal or returns', () => {
    for (const x of kb.articles) expect(x.keySentences.join(''), x.id).not.toMatch(/保本|保收益|稳赚|零风险/);
    expect(a.get('wealth-risk-disclosure-script')?.keySentences[0]).toContain('理财非存款，产品有风险，投资须谨慎。');
  });

  it('ships the synonym groups the issue names, each word in one group only', () => {
    expect(kb.synonyms).toContainEqual(['信用卡', '贷记卡']);
    expect(kb.synonyms).toContainEqual(['挂失', '冻结']);
    const words = kb.synonyms.flat();
    expect(new Set(words).size).toBe(words.length);
  });
});
