import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from '../fixtures/browser.js';
import { CLEAN_CALL, runScriptedCall, SCRIPTED_CALL } from '../fixtures/scripted-calls.js';
import { startTestServer, tapEvents, tempDataDir } from '../fixtures/server.js';

const WAIT = { timeout: 10_000 };

/**
 * The QA list and call page in a real Chromium over two scored calls (72.5, failed; 100, passed): the list
 * and its filters kept in the URL, the scorecard with its evidence, an evidence quote found in the
 * transcript, and an inspector's override that survives a reload.
 */
describe('console: QA list and call page', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    server = await startTestServer(data.dir);
    const tap = await tapEvents(server.wsUrl);
    await runScriptedCall(server.wsUrl, 'qa-view-1', SCRIPTED_CALL, { agentId: 'a-1', metadata: { team: 'cards-1' } });
    await runScriptedCall(server.wsUrl, 'qa-view-2', CLEAN_CALL, { agentId: 'a-2', metadata: { team: 'cards-2' } });
    await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === 'qa-view-1');
    await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === 'qa-view-2');
    tap.close();
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, { width: 1400, height: 900 }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    data.remove();
  });

  const row = (callId: string) => page.locator(`tr[data-call-id="${callId}"]`);

  it('lists the scored calls and narrows them with a filter kept in the URL', async () => {
    await page.goto(`${server.url}/qa`);
    await row('qa-view-1').waitFor(WAIT);
    await row('qa-view-2').waitFor(WAIT);
    expect(await row('qa-view-1').locator('.machine-total').textContent()).toBe('72.5');
    expect(await row('qa-view-2').locator('.machine-total').textContent()).toBe('100');
    expect(await row('qa-view-1').textContent()).toContain('不合格');
    expect(await row('qa-view-1').textContent()).toContain('cards-1');

    await page.getByLabel('机器判定').selectOption('false');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.waitForURL(/\/qa\?passed=false$/, WAIT);
    await row('qa-view-2').waitFor({ state: 'detached', ...WAIT });
    expect(await page.locator('tr[data-call-id]').count()).toBe(1);

    await page.reload();
    await row('qa-view-1').waitFor(WAIT);
    expect(await page.getByLabel('机器判定').inputValue()).toBe('false');
    expect(await row('qa-view-2').count()).toBe(0);

    // The failed-item filter lists the scorecard's items (GET /v1/qa/scorecard).
    await page.getByLabel('机器判定').selectOption('');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await row('qa-view-2').waitFor(WAIT);
    await page.getByLabel('失分项目').selectOption('risk-disclosure');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.waitForURL(/failedItem=risk-disclosure/, WAIT);
    await row('qa-view-2').waitFor({ state: 'detached', ...WAIT });
    expect(await page.locator('tr[data-call-id]').count()).toBe(1);
    expect(await page.getByLabel('失分项目').locator('option').count()).toBeGreaterThan(10);

    await page.getByLabel('失分项目').selectOption('');
    await page.getByLabel('班组').fill('nobody');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.getByText('没有符合条件的质检结果。').waitFor(WAIT);
  });

  it('shows the scorecard with evidence, and finds an evidence quote in the transcript', async () => {
    await page.goto(`${server.url}/qa`);
    await row('qa-view-1').getByRole('link', { name: 'qa-view-1' }).click();
    await page.waitForURL(/\/qa\/calls\/qa-view-1$/, WAIT);
    await page.getByRole('heading', { name: '质检详情 · qa-view-1' }).waitFor(WAIT);
    expect(await page.locator('.machine-total').textContent()).toBe('72.5');
    await page.getByRole('rowheader', { name: '业务能力' }).waitFor(WAIT); // a section, named

    const item = (id: string) => page.locator(`tr[data-item-id="${id}"]`);
    expect(await item('risk-disclosure').locator('.item-points').textContent()).toBe('0 / 10');
    expect(await item('risk-disclosure').locator('.item-status').textContent()).toBe('零分');
    expect(await item('forbidden-phrases').locator('.item-points').textContent()).toBe('15 / 20');
    expect(await item('surname-address').textContent()).toContain('本次通话未核实身份');
    expect(await item('surname-address').locator('.item-status').textContent()).toBe('不适用');
    expect(await item('complaint-caused').locator('.item-points').textContent()).toBe('-5 / -5');

    const quote = item('risk-disclosure').getByRole('button', { name: /报本/ });
    expect(await quote.textContent()).toMatch(/坐席 · 0:\d\d/); // channel and call time
    await page.locator('.utt').first().waitFor(WAIT);
    expect(await page.locator('.utt.highlight').count()).toBe(0);
    await quote.click();
    expect(await quote.getAttribute('aria-pressed')).toBe('true');
    await page.locator('.utt.highlight').getByText('是报本的').waitFor(WAIT);
  });

  it('keeps an inspector override beside the machine score, through a reload', async () => {
    const hold = page.locator('tr[data-item-id="hold-etiquette"]');
    await hold.getByRole('radio', { name: '改分' }).check();
    const pointsInput = hold.getByLabel('分数（0 至 5）');
    await pointsInput.fill('9');
    await page.getByRole('button', { name: '提交复核' }).click();
    const problemsBox = page.locator('.review-form .error');
    await problemsBox.getByText('请填写复核人。').waitFor(WAIT);
    expect(await problemsBox.textContent()).toContain('分数须在 0 至 5 之间');
    expect(await pointsInput.getAttribute('aria-invalid')).toBe('true');

    await pointsInput.fill('5');
    await hold.getByLabel('备注').fill('换了说法致歉');
    await page.getByLabel('复核人').fill('qa-lead-1');
    await page.getByLabel('总体评语').fill('保持时已说明原因');
    expect(await page.locator('.preview-total').textContent()).toBe('77.5');
    await page.getByRole('button', { name: '提交复核' }).click();
    await page.locator('.saved').getByText(/77\.5/).waitFor(WAIT);
    expect(await page.locator('.human-total').textContent()).toBe('77.5');
    expect(await page.locator('.machine-total').textContent()).toBe('72.5');

    const stored = (await (await fetch(`${server.url}/v1/qa/results/qa-view-1`)).json()) as { total: number; reviews: { total: number; reviewer: string; items: unknown[] }[] };
    expect(stored.total).toBe(72.5);
    expect(stored.reviews).toMatchObject([{ total: 77.5, reviewer: 'qa-lead-1', items: [{ itemId: 'hold-etiquette', points: 5, comment: '换了说法致歉' }] }]);

    await page.reload();
    await page.locator('.human-total').getByText('77.5').waitFor(WAIT);
    expect(await hold.getByRole('radio', { name: '改分' }).isChecked()).toBe(true);
    expect(await hold.getByLabel('分数（0 至 5）').inputValue()).toBe('5');
    expect(await hold.locator('.reviewed-points').textContent()).toContain('5');
    expect(await page.getByLabel('复核人').inputValue()).toBe('qa-lead-1');

    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByText('Machine score').first().waitFor(WAIT);
    await page.getByRole('button', { name: 'Submit review' }).waitFor(WAIT);
    await page.getByRole('button', { name: '中文', exact: true }).click();

    await page.goto(`${server.url}/qa`);
    await row('qa-view-1').waitFor(WAIT);
    expect(await row('qa-view-1').locator('.human-total').textContent()).toBe('77.5 不合格');
    expect(problems).toEqual([]);
  });

  it('says so when a call has no QA result', async () => {
    const other = await openPage(browser);
    await other.page.goto(`${server.url}/qa/calls/no-such-call`);
    await other.page.getByRole('alert').getByText(/EARSHOT_ERR_QA_NOT_FOUND/).waitFor(WAIT);
    // The browser logs the API's 404s; nothing else may go wrong.
    expect(other.problems.filter((p) => !p.includes('404'))).toEqual([]);
    await other.page.context().close();
  });
});
