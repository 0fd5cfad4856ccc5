import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCall, type NativeCallClient } from '../../gateway/native/client.js';
import { launchBrowser, openPage } from '../fixtures/browser.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';

/**
 * The agent view in a real Chromium, at the width of a side panel (400 px), while a call streams through
 * the native gateway: partials update in place, the final replaces them, a knowledge suggestion and an
 * alert for the agent show up, and the agent's feedback reaches the knowledge base.
 */
describe('console: agent view', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let tap: EventTap;
  let client: NativeCallClient;

  beforeAll(async () => {
    server = await startTestServer(data.dir);
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, { width: 400, height: 900 }));
    tap = await tapEvents(server.wsUrl);
  });

  afterAll(async () => {
    tap?.close();
    await browser?.close();
    await server?.close();
    data.remove();
  });

  it('waits for the agent, then follows the call live', async () => {
    await page.goto(`${server.url}/agent/a-42`);
    await page.getByText('等待来电').waitFor({ timeout: 10_000 });
    await page.getByText('实时连接').first().waitFor({ timeout: 10_000 });

    client = await startCall(server.wsUrl, {
      callId: 'agent-view-1', agentId: 'a-42', sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'], metadata: { team: 'cards' },
    });
    client.sendUtterance({ channel: 'agent', text: '您好，很高兴为您服务，本次通话将被录音。', startMs: 500, endMs: 4000, final: true });
    client.sendUtterance({ channel: 'customer', text: '我想了解', startMs: 4500, endMs: 6000, final: false });
    const partial = page.locator('.utt[data-channel="customer"][data-final="false"]');
    await partial.getByText('我想了解').waitFor({ timeout: 10_000 });

    client.sendUtterance({ channel: 'customer', text: '我想了解一下你们的理财产品，怎么买？', startMs: 4500, endMs: 8000, final: true });
    const finals = page.locator('.utt[data-channel="customer"]');
    await finals.getByText('我想了解一下你们的理财产品，怎么买？').waitFor({ timeout: 10_000 });
    expect(await finals.count()).toBe(1); // replaced in place, not appended
    expect(await finals.first().getAttribute('data-final')).toBe('true');

    // A suggestion for the customer's question, with why it matched.
    const card = page.locator('[data-testid="agent-suggestions"] article').first();
    await card.waitFor({ timeout: 10_000 });
    expect(await card.locator('h3').textContent()).toContain('理财');
    expect(await card.textContent()).toContain('匹配');

    // A forbidden phrase said by the agent: a reminder with its severity, in words and colour.
    client.sendUtterance({ channel: 'agent', text: '你先听我说完', startMs: 9000, endMs: 10_500, final: true });
    const reminder = page.locator('[data-testid="agent-alerts"] li[data-rule="forbidden-phrase"]');
    await reminder.waitFor({ timeout: 10_000 });
    expect(await reminder.textContent()).toContain('你先听我说完');
    expect(await reminder.locator('.sev').textContent()).toBe('警告');
  });

  it('sends the agent’s verdict on a suggestion to the knowledge base', async () => {
    const card = page.locator('[data-testid="agent-suggestions"] article').first();
    const articleId = await card.getAttribute('data-article');
    await card.getByRole('button', { name: '有用' }).click();
    await card.getByRole('status').waitFor({ timeout: 10_000 });
    const res = await fetch(`${server.url}/v1/kb/articles/${encodeURIComponent(articleId!)}/feedback`);
    const body = (await res.json()) as { useful: number; notUseful?: number; entries?: { callId?: string; agentId?: string }[] };
    expect(JSON.stringify(body)).toContain('agent-view-1');
    expect(body.useful).toBe(1);
  });

  it('shows the end of the call and switches to the agent’s next call', async () => {
    await client.stop();
    await page.getByText('通话已结束').waitFor({ timeout: 10_000 });
    const next = await startCall(server.wsUrl, {
      callId: 'agent-view-2', agentId: 'a-42', sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'], metadata: {},
    });
    next.sendUtterance({ channel: 'customer', text: '你好，我想查一下信用卡还款日', startMs: 500, endMs: 3000, final: true });
    await page.getByText('通话 agent-view-2').waitFor({ timeout: 10_000 });
    await page.locator('.utt').getByText('我想查一下信用卡还款日').waitFor({ timeout: 10_000 });
    expect(await page.locator('.utt').count()).toBe(1);
    await next.stop();
  });

  it('switches to English and loads nothing from outside', async () => {
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByText('Live transcript').waitFor({ timeout: 10_000 });
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(problems).toEqual([]);
  });
});
