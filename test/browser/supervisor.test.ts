import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCall, type NativeCallClient } from '../../gateway/native/client.js';
import { launchBrowser, openPage } from '../fixtures/browser.js';
import { CLEAN_CALL, SCRIPTED_CALL, sendScript } from '../fixtures/scripted-calls.js';
import { startTestServer, tempDataDir } from '../fixtures/server.js';

/**
 * The supervisor wall in a real Chromium at laptop width: two live calls of two teams, one known before the
 * page loads (REST) and one started after (the socket); the call with a complaint threat sorts first with its
 * alert, the feed shows it, the filters narrow wall and feed, a tile opens the call's transcript, and a call
 * that stops is marked ended and then leaves the wall.
 */
describe('console: supervisor wall', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const clients: NativeCallClient[] = [];

  const call = (callId: string, agentId: string, team: string) =>
    startCall(server.wsUrl, { callId, agentId, sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'], metadata: { team } });
  const tile = (callId: string) => page.locator(`.sv-tile[data-call-id="${callId}"]`);

  beforeAll(async () => {
    server = await startTestServer(data.dir);
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, { width: 1280, height: 860 }));
  });

  afterAll(async () => {
    for (const c of clients) await c.stop().catch(() => null);
    await browser?.close();
    await server?.close();
    data.remove();
  });

  it('shows the live calls riskiest first, with the feed, filters, transcript and end of a call', async () => {
    const angry = await call('sv-angry', 'a-101', '信用卡一组');
    clients.push(angry);
    sendScript(angry, SCRIPTED_CALL); // 投诉 → a critical complaint-escalation alert

    await page.goto(`${server.url}/supervisor`);
    await page.getByRole('heading', { name: '班长监控墙' }).waitFor({ timeout: 10_000 });
    await page.getByText('实时连接').first().waitFor({ timeout: 10_000 });
    await tile('sv-angry').locator('[data-rule="complaint-escalation"]').waitFor({ timeout: 10_000 });

    const calm = await call('sv-calm', 'a-202', '理财二组');
    clients.push(calm);
    sendScript(calm, CLEAN_CALL);
    await tile('sv-calm').waitFor({ timeout: 10_000 });

    // The wall: a labelled list, the critical call first, its risk and severity in words.
    const wall = page.getByRole('list', { name: /进行中的通话/ });
    expect(await wall.locator('.sv-tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-call-id')))).toEqual(['sv-angry', 'sv-calm']);
    expect(await tile('sv-angry').getAttribute('data-risk')).toBe('high');
    expect(await tile('sv-angry').textContent()).toContain('高风险');
    expect(await tile('sv-angry').textContent()).toContain('信用卡一组');
    expect(await tile('sv-angry').locator('[data-rule="complaint-escalation"]').textContent()).toContain('严重');
    // The customer's emotion trend (a text-only call: from the customer's emotion alerts).
    expect(await tile('sv-angry').getByRole('img', { name: /客户情绪趋势/ }).getAttribute('aria-label')).toMatch(/最高 [1-9]/);
    expect(await tile('sv-calm').textContent()).toContain('无风险');

    // The feed across the floor: supervisor alerts with the call's agent, as a polite live log.
    const feed = page.getByRole('log', { name: '全场告警' });
    expect(await feed.getAttribute('aria-live')).toBe('polite');
    const complaint = feed.locator('.sv-feed-item[data-rule="complaint-escalation"]');
    await complaint.waitFor({ timeout: 10_000 });
    expect(await complaint.textContent()).toContain('a-101');
    expect(await complaint.getAttribute('data-severity')).toBe('critical');

    // Filters, by their labels: a team hides the other team's call and its alerts; a severity keeps the riskier call.
    await page.getByLabel('班组').selectOption('理财二组');
    await tile('sv-angry').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.locator('.sv-tile').count()).toBe(1);
    expect(await feed.locator('.sv-feed-item[data-call-id="sv-angry"]').count()).toBe(0);
    await page.getByLabel('班组').selectOption('');
    await page.getByLabel('告警级别').selectOption('critical');
    await tile('sv-calm').waitFor({ state: 'detached', timeout: 10_000 });
    await tile('sv-angry').waitFor({ timeout: 10_000 });
    await page.getByLabel('告警级别').selectOption('');
    await tile('sv-calm').waitFor({ timeout: 10_000 });

    // A tile is a button: it opens the call's live transcript and alerts beside the wall.
    await tile('sv-calm').getByRole('button').click();
    const drawer = page.getByRole('dialog');
    await drawer.locator('.utt').getByText('你好，我想查一下信用卡还款日').waitFor({ timeout: 10_000 });
    expect(await drawer.getByRole('heading', { level: 2 }).textContent()).toContain('a-202');
    await drawer.getByRole('button', { name: '关闭' }).click();
    await drawer.waitFor({ state: 'detached', timeout: 10_000 });

    await tile('sv-angry').getByRole('button').press('Enter');
    // The transcript as sent, in traditional characters.
    await page.getByRole('dialog').locator('.utt').getByText('我要投訴', { exact: false }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 10_000 });

    // The English switch.
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'Supervisor wall' }).waitFor({ timeout: 10_000 });
    expect(await tile('sv-angry').textContent()).toContain('High risk');
    await page.getByRole('button', { name: '中文' }).click();

    // A call that stops is marked ended, then leaves the wall.
    await angry.stop();
    await page.locator('.sv-tile[data-call-id="sv-angry"][data-status="ended"]').waitFor({ timeout: 10_000 });
    expect(await tile('sv-angry').textContent()).toContain('已结束');
    await tile('sv-angry').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.locator('.sv-tile').count()).toBe(1);

    expect(problems).toEqual([]);
  });
});
