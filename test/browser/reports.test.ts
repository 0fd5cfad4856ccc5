import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from '../fixtures/browser.js';
import { CLEAN_CALL, runScriptedCall, SCRIPTED_CALL } from '../fixtures/scripted-calls.js';
import { startTestServer, tempDataDir } from '../fixtures/server.js';

/**
 * The QA reports and calibration pages in a real Chromium over two scored calls: b-1 (agent a-1, team cards-1,
 * SCRIPTED_CALL: machine 72.5, reviewed to 77.5 by giving hold-etiquette its 5 points) and b-2 (a-2, cards-2,
 * CLEAN_CALL: 100). The charts draw on canvases; the figures are read from their data tables.
 */
describe('console: QA reports and calibration', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  /** The cells of a data-table row whose header cell reads `header`. */
  const cells = async (page: Page, table: string, header: string): Promise<string[]> => {
    const row = page.locator(`table[data-table="${table}"] tbody tr`).filter({ has: page.locator(`th:text-is("${header}")`) });
    await row.waitFor({ state: 'attached', timeout: 10_000 });
    return row.locator('td').allTextContents();
  };

  beforeAll(async () => {
    server = await startTestServer(data.dir, { model: 'none', analysisWorkers: 0, vad: 'energy', kbWatch: 'no' });
    await runScriptedCall(server.wsUrl, 'b-1', SCRIPTED_CALL, { agentId: 'a-1', metadata: { team: 'cards-1' } });
    await runScriptedCall(server.wsUrl, 'b-2', CLEAN_CALL, { agentId: 'a-2', metadata: { team: 'cards-2' } });
    for (let i = 0; i < 200; i++) {
      const { results } = (await (await fetch(`${server.url}/v1/qa/results`)).json()) as { results: { callId: string }[] };
      if (results.length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch(`${server.url}/v1/qa/results/b-1/reviews`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reviewer: 'qa-lead-1', comment: '有保持致歉', items: [{ itemId: 'hold-etiquette', points: 5 }] }),
    });
    expect(res.status).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    data.remove();
  });

  it('serves the score distribution per 10-point bin with the pass mark', async () => {
    const d = (await (await fetch(`${server.url}/v1/reports/distribution`)).json()) as { passMark: number; calls: number; mean: number; passed: number; bins: { from: number; calls: number }[] };
    expect(d).toMatchObject({ passMark: 85, calls: 2, mean: 88.75, passed: 1 });
    expect(d.bins.map((b) => b.calls)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    const machine = (await (await fetch(`${server.url}/v1/reports/distribution?score=machine&team=cards-1`)).json()) as { mean: number; calls: number };
    expect(machine).toMatchObject({ calls: 1, mean: 72.5 });
  });

  it('reports: histogram, item failure rates and agent ranking drawn and tabulated; the score switch', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/qa/reports`);
    await page.getByRole('heading', { name: '质检报表' }).waitFor({ timeout: 10_000 });
    await page.locator('table[data-table="distribution"]').waitFor({ state: 'attached', timeout: 10_000 });

    const canvases = page.locator('canvas[role="img"]');
    await page.locator('canvas[data-drawn]').nth(2).waitFor({ timeout: 10_000 }); // Chart.js loads on first use
    expect(await canvases.count()).toBe(3);
    for (const canvas of await canvases.all()) {
      const box = await canvas.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(100);
      expect(await canvas.getAttribute('aria-label')).toBeTruthy();
    }
    expect(await canvases.first().getAttribute('aria-label')).toContain('70–80 分 1 通');
    expect(await page.locator('.report-summary').textContent()).toContain('2 通已评分通话 · 平均 88.75 分 · 合格 1 通（50%） · 合格线 85 分');

    // Final scores: b-1 counts with its review (77.5), b-2 at 100.
    expect(await cells(page, 'distribution', '70–80')).toEqual(['1', '0']);
    expect(await cells(page, 'distribution', '90–100')).toEqual(['1', '1']);
    expect(await cells(page, 'distribution', '80–90')).toEqual(['0', '0']);
    expect(await page.locator('table[data-table="ranking"] tbody th').allTextContents()).toEqual(['a-2', 'a-1']);
    expect(await cells(page, 'ranking', 'a-1')).toEqual(['2', 'cards-1', '1', '77.5', '0%']); // place, teams, calls, mean, pass rate
    expect(await cells(page, 'items', '理财/基金/保险风险提示，不承诺保本保收益')).toEqual(['100%', '1 / 1', '0']);
    expect(await cells(page, 'items', '无服务忌语')).toEqual(['50%', '1 / 2', '17.5']);
    expect(await cells(page, 'items', '控制通话节奏：保持后致歉')).toEqual(['0%', '0 / 1', '5']); // the review gave it back
    expect(await cells(page, 'teams', 'cards-1')).toEqual(['1', '1', '77.5', '0%', '0', '1']);

    // Machine scores: the switch goes into the URL and the review no longer counts.
    await page.getByRole('button', { name: '机器得分' }).click();
    await page.waitForURL(/score=machine/, { timeout: 10_000 });
    await page.locator('table[data-table="ranking"] td:text-is("72.5")').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await cells(page, 'ranking', 'a-1')).toEqual(['2', 'cards-1', '1', '72.5', '0%']);
    expect(await cells(page, 'items', '控制通话节奏：保持后致歉')).toEqual(['100%', '1 / 1', '0']);
    await page.locator('canvas[data-drawn]').nth(2).waitFor({ timeout: 10_000 });

    // The English switch redraws the charts with English labels.
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'QA reports' }).waitFor({ timeout: 10_000 });
    expect(await canvases.first().getAttribute('aria-label')).toBe('Score histogram, n = 2: 70–80: 1, 90–100: 1. Pass mark 85.');
    await page.locator('canvas[data-drawn]').nth(2).waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);
  });

  it('reports: the team and period filters from the URL, and the empty state', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/qa/reports?team=cards-2`);
    await page.locator('table[data-table="distribution"]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('select').inputValue()).toBe('cards-2');
    expect(await cells(page, 'distribution', '70–80')).toEqual(['0', '0']);
    expect(await cells(page, 'distribution', '90–100')).toEqual(['1', '1']);
    expect(await page.locator('table[data-table="ranking"] tbody th').allTextContents()).toEqual(['a-2']);
    // Leave only once the charts are drawn: navigating while Chart.js still loads aborts its request.
    await page.locator('canvas[data-drawn]').first().waitFor({ timeout: 10_000 });

    await page.goto(`${server.url}/qa/reports?from=2020-01-01&to=2020-01-31`);
    await page.getByText('该时段没有已评分的通话。').waitFor({ timeout: 10_000 });
    expect(await page.locator('input[type="date"]').first().inputValue()).toBe('2020-01-01');
    expect(await page.locator('canvas').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('calibration: agreement per item with kappa, the most overridden items', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/qa/calibration`);
    await page.locator('table[data-table="agreement"]').waitFor({ state: 'attached', timeout: 10_000 });
    const canvas = page.locator('canvas[role="img"]');
    await page.locator('canvas[data-drawn]').waitFor({ timeout: 10_000 });
    expect(await canvas.count()).toBe(1);
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(box!.height).toBeGreaterThan(100);
    expect(await canvas.getAttribute('aria-label')).toContain('控制通话节奏：保持后致歉 0%, κ 0.00');
    expect(await page.locator('.kappa-note').textContent()).toContain('Cohen’s kappa');

    // One reviewed call: the inspector raised hold-etiquette from 0 to 5 and confirmed every other item.
    // columns: reviewed, agreement, kappa, overrides, override rate, mean change
    expect(await cells(page, 'agreement', '控制通话节奏：保持后致歉')).toEqual(['1', '0%', '0.00', '1', '100%', '+5']);
    expect(await cells(page, 'agreement', '无服务忌语')).toEqual(['1', '100%', '—', '0', '0%', '0']);
    expect(await page.locator('table[data-table="agreement"] tbody th').first().textContent()).toBe('控制通话节奏：保持后致歉'); // lowest first
    expect(await page.locator('[data-list="most-overridden"] li').count()).toBe(1);
    expect(await page.locator('[data-list="most-overridden"] li').textContent()).toContain('1 / 1 通改分（100%），平均改分 +5 分');
    expect(await page.locator('dl.figures').textContent()).toContain('已复核通话1');
    expect(problems).toEqual([]);
  });

  it('calibration in English, and its empty state', async () => {
    const { page, problems } = await openPage(browser, { lang: 'en' });
    await page.goto(`${server.url}/qa/calibration`);
    await page.getByRole('heading', { name: 'Machine–inspector calibration' }).waitFor({ timeout: 10_000 });
    await page.locator('table[data-table="agreement"]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('.chart-data summary').first().textContent()).toBe('Data table');
    expect(await page.locator('[data-list="most-overridden"] li').textContent()).toContain('1 of 1 calls overridden (100%), mean change +5 points');
    await page.locator('canvas[data-drawn]').first().waitFor({ timeout: 10_000 });

    await page.goto(`${server.url}/qa/calibration?from=2020-01-01&to=2020-01-31`);
    await page.getByText('No call was reviewed in this period yet.').waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);
  });
});
