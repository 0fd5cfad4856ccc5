import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../engine/paths.js';
import type { KnowledgeBase } from './loader.js';
import { watchKnowledgeBase, type KbWatcher } from './watch.js';

const fixtures = join(packageRoot(import.meta.url), 'knowledge', 'fixtures');
const article = (id: string, title: string): string => `---\nid: ${id}\ntitle: ${title}\n---\n${title}的答案。\n`;

describe('watchKnowledgeBase', () => {
  let root = '';
  let kb = '';
  let watcher: KbWatcher | undefined;
  let results: KnowledgeBase[] = [];
  let waiters: { test: (r: KnowledgeBase) => boolean; resolve: (r: KnowledgeBase) => void }[] = [];

  /** Resolves with the first delivered result (past or future) that passes `test`; the test timeout bounds the wait. */
  function until(test: (r: KnowledgeBase) => boolean): Promise<KnowledgeBase> {
    const seen = results.find(test);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
  }
  function onChange(r: KnowledgeBase): void {
    results.push(r);
    waiters = waiters.filter((w) => (w.test(r) ? (w.resolve(r), false) : true));
  }
  const ids = (r: KnowledgeBase): string[] => r.articles.map((a) => a.id);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'earshot-kb-watch-'));
    kb = join(root, 'kb');
    cpSync(join(fixtures, 'valid'), kb, { recursive: true });
    results = [];
    waiters = [];
  });
  afterEach(() => {
    watcher?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('reloads the whole folder when a file is added, including in a new sub-folder', async () => {
    watcher = watchKnowledgeBase(kb, onChange, { debounceMs: 50 });
    writeFileSync(join(kb, 'cards', 'new.md'), article('fx-new', '新文章'));
    const first = await until((r) => ids(r).includes('fx-new'));
    expect(first.errors).toEqual([]);
    expect(first.articles).toHaveLength(9);
    expect(first.articles.find((a) => a.id === 'fx-new')).toMatchObject({ title: '新文章', answer: '新文章的答案。', origin: { file: 'kb/cards/new.md' } });

    mkdirSync(join(kb, 'later'));
    writeFileSync(join(kb, 'later', 'deep.md'), article('fx-deep', '子目录'));
    const second = await until((r) => ids(r).includes('fx-deep'));
    expect(second.articles.find((a) => a.id === 'fx-deep')?.category).toBe('later');
  });

  it('works with one watcher per folder too (no recursive watching)', async () => {
    watcher = watchKnowledgeBase(kb, onChange, { debounceMs: 50, recursive: false });
    writeFileSync(join(kb, 'cards', 'new.md'), article('fx-new', '新文章'));
    await until((r) => ids(r).includes('fx-new'));
    // Any reload after the folder exists re-lists the folders, so the write below is seen.
    const before = results.length;
    mkdirSync(join(kb, 'later'));
    await until(() => results.length > before);
    writeFileSync(join(kb, 'later', 'deep.md'), article('fx-deep', '子目录'));
    expect((await until((r) => ids(r).includes('fx-deep'))).errors).toEqual([]);
  });

  it('delivers the good articles together with the errors when a change breaks a file', async () => {
    watcher = watchKnowledgeBase(kb, onChange, { debounceMs: 50 });
    writeFileSync(join(kb, 'cards', 'loss.md'), '---\nid: fx-loss\ntittle: 拼错\n---\n正文。\n');
    const r = await until((x) => x.errors.length > 0);
    expect(r.errors.map((e) => e.message)).toEqual([
      'kb/cards/loss.md:1 field "title": is required',
      expect.stringMatching(/^kb\/cards\/loss\.md:3 field "tittle": unknown field; did you mean "title"\?/),
    ]);
    expect(ids(r)).not.toContain('fx-loss');
    expect(r.articles).toHaveLength(7);

    writeFileSync(join(kb, 'cards', 'loss.md'), article('fx-loss', '修好了'));
    const fixed = await until((x) => x.errors.length === 0 && x.articles.some((a) => a.title === '修好了'));
    expect(fixed.articles).toHaveLength(8);
  });

  it('sees edits and deletions, and the last of a burst of writes wins', async () => {
    watcher = watchKnowledgeBase(kb, onChange, { debounceMs: 50 });
    for (let i = 1; i <= 5; i++) writeFileSync(join(kb, 'general.md'), article('fx.general_1', `版本${i}`));
    await until((r) => r.articles.some((a) => a.title === '版本5'));
    rmSync(join(kb, 'points.json'));
    const r = await until((x) => !ids(x).includes('fx-points-earn'));
    expect(r.articles).toHaveLength(6);
  });

  it('reports a removed folder, then picks it up again when it comes back', async () => {
    watcher = watchKnowledgeBase(kb, onChange, { debounceMs: 50, retryMs: 100 });
    rmSync(kb, { recursive: true });
    const gone = await until((r) => r.errors.some((e) => e.code === 'EARSHOT_ERR_KB_NOT_FOUND'));
    expect(gone.articles).toEqual([]);
    cpSync(join(fixtures, 'valid'), kb, { recursive: true });
    const back = await until((r) => r.articles.length === 8);
    expect(back.errors).toEqual([]);
  });

  it('stops delivering after close()', async () => {
    watcher = watchKnowledgeBase(kb, onChange, { debounceMs: 50 });
    watcher.close();
    writeFileSync(join(kb, 'after-close.md'), article('fx-after', '关闭之后'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(results).toEqual([]);
  });
});
