import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openKbStore } from './kb-store.js';
import { createKnowledgeService, type KnowledgeService } from './service.js';

const article = (id: string, title: string, question: string, answer: string) =>
  `---\nid: ${id}\ntitle: ${title}\ncategory: 测试\nquestions:\n  - ${question}\n---\n${answer}\n`;

let dir: string;
let service: KnowledgeService | undefined;
afterEach(() => {
  service?.close();
  service = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(f: () => T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(): KnowledgeService {
  dir = mkdtempSync(join(tmpdir(), 'earshot-kb-'));
  mkdirSync(join(dir, 'cards'));
  writeFileSync(join(dir, 'cards', 'activate.md'), article('activate', '信用卡激活', '新卡怎么激活', '登录手机银行App即可激活。'));
  writeFileSync(join(dir, 'cards', 'lost.md'), article('lost', '信用卡挂失', '卡丢了怎么办', '请立即致电挂失。'));
  service = createKnowledgeService(dir, openKbStore(new Database(':memory:')), pino({ level: 'silent' }), { watch: true });
  return service;
}

describe('the knowledge service keeps one index up to date', () => {
  it('takes API writes into the live index without rebuilding it', () => {
    const kb = start();
    const index = kb.index;
    kb.create({ id: 'points', title: '积分兑换', answer: '积分可在App兑换礼品。', questions: ['积分怎么兑换'] });
    expect(kb.search('积分怎么兑换', 1)[0]?.article.id).toBe('points');
    kb.update('points', { id: 'points', title: '积分兑换里程', answer: '积分可兑换航空里程。', questions: ['积分换里程'] });
    expect(kb.search('积分换里程', 1)[0]?.article.title).toBe('积分兑换里程');
    kb.remove('points');
    expect(kb.get('points')).toBeUndefined();
    expect(kb.index).toBe(index);
  });

  it('applies a changed file to the index alone; a changed synonym file rebuilds it', async () => {
    const kb = start();
    const index = kb.index;
    writeFileSync(join(dir, 'cards', 'lost.md'), article('lost', '银行卡挂失补办', '卡丢了怎么办', '请立即致电挂失，并到网点补办新卡。'));
    await until(() => (kb.get('lost')?.title === '银行卡挂失补办' ? true : undefined));
    expect(kb.index).toBe(index);
    rmSync(join(dir, 'cards', 'activate.md'));
    await until(() => (kb.get('activate') === undefined ? true : undefined));
    expect(kb.index).toBe(index);
    writeFileSync(join(dir, 'synonyms.txt'), '挂失/冻结\n');
    await until(() => (kb.index !== index ? true : undefined));
    expect(kb.search('冻结', 1)[0]?.article.id).toBe('lost');
  });
});
