/**
 * Data for bench/eval-kb.ts: the UnionPay FAQ as articles, its real user wordings, and the BQ pairs.
 * ../shared/data is read-only evaluation data (see its README): it is measured against, never copied in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Article } from '../../knowledge/article.js';
import { sharedDir } from '../../test/fixtures/shared.js';

interface FaqRow {
  id: string;
  question: string;
  answer: string;
  category: string;
}

export interface LabelledQuery {
  query: string;
  answerId: string;
}

const dir = (): string => join(sharedDir(), 'data');

/**
 * FAQ entry → article: the question is the title, the answer the answer; the category's informative
 * parts become tags (银联二期_手机支付_HuaweiPay_FAQ → 手机支付, HuaweiPay: the project phase and the
 * FAQ/Tree/Line node type say nothing about the topic).
 */
export function faqArticles(): Article[] {
  const rows = JSON.parse(readFileSync(join(dir(), 'unionpay-faq', 'faq.json'), 'utf8')) as FaqRow[];
  return rows.map((r) => ({
    id: r.id,
    title: r.question,
    category: '',
    tags: r.category.split('_').filter((p) => !/^(银联[一二]期|FAQ|Tree|Line)$/.test(p)),
    questions: [],
    synonyms: [],
    answer: r.answer,
    keySentences: [],
    origin: { kind: 'file', file: 'unionpay-faq/faq.json' },
    updatedAt: 0,
  }));
}

export function faqQueries(): LabelledQuery[] {
  return JSON.parse(readFileSync(join(dir(), 'unionpay-faq', 'queries.json'), 'utf8')) as LabelledQuery[];
}

/**
 * The only split of the queries: every fifth (index % 5 === 0) is the development fifth, on which the few
 * scoring choices were compared; the other four fifths are reported as the test set and were not looked at
 * while choosing. Nothing is fitted to either: no weights, words or synonyms come from query text.
 */
export function isDev(index: number): boolean {
  return index % 5 === 0;
}

export interface Pair {
  a: string;
  b: string;
  same: boolean;
}

/** bq-corpus/test.csv: sentence1,sentence2,label (no quoted commas in this file; checked on load). */
export function bqPairs(): Pair[] {
  const text = readFileSync(join(dir(), 'bq-corpus', 'test.csv'), 'utf8').replace(/^\uFEFF/, '');
  const rows = text.trim().split(/\r?\n/).slice(1);
  return rows.map((row) => {
    const cells = row.split(',');
    const label = cells.pop();
    if (label !== '0' && label !== '1') throw new Error(`bq-corpus: bad row "${row}"`);
    const b = cells.pop() ?? '';
    return { a: cells.join(','), b, same: label === '1' };
  });
}
