import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCall, type NativeCallClient } from '../../gateway/native/client.js';
import { axeViolations } from '../fixtures/axe.js';
import { launchBrowser, openPage } from '../fixtures/browser.js';
import { SCRIPTED_CALL, sendScript } from '../fixtures/scripted-calls.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';

const WAIT = { timeout: 10_000 };

/**
 * One scripted call through the three views, as the people who use them would see it: the agent's side
 * panel shows its transcript, a suggestion and an alert while it is live; the supervisor's wall lists it with
 * its alert; once it has ended, QA finds its pre-score and an inspector's override survives a reload. Every
 * view is also checked with axe-core against WCAG 2.1 A/AA (names, labels, roles, contrast).
 */
describe('console: one call, three views', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let tap: EventTap;
  let client: NativeCallClient;

  beforeAll(async () => {
    server = await startTestServer(data.dir);
    browser = await launchBrowser();
    tap = await tapEvents(server.wsUrl, '?types=qa.scored');
  });

  afterAll(async () => {
    tap?.close();
    await browser?.close();
    await server?.close();
    data.remove();
  });

  it('agent: transcript, suggestion and alert while the call is live', async () => {
    const { page, problems } = await openPage(browser, { width: 400, height: 900 });
    await page.goto(`${server.url}/agent/a-flow`);
    await page.getByText('实时连接').first().waitFor(WAIT);
    client = await startCall(server.wsUrl, {
      callId: 'flow-1', agentId: 'a-flow', sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'], metadata: { team: '信用卡一组' },
    });
    sendScript(client, SCRIPTED_CALL);
    await page.locator('.utt').getByText('你們這什麼破銀行').waitFor(WAIT);
    await page.locator('[data-testid="agent-suggestions"] article').first().waitFor(WAIT);
    await page.locator('[data-testid="agent-alerts"] li[data-rule="forbidden-phrase"]').waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('supervisor: the call on the wall with its alert', async () => {
    const { page, problems } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${server.url}/supervisor`);
    const tile = page.locator('.sv-tile[data-call-id="flow-1"]');
    await tile.locator('[data-rule="complaint-escalation"]').waitFor(WAIT);
    expect(await tile.textContent()).toContain('a-flow');
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('QA: the pre-score after the call ends, and an override that survives a reload', async () => {
    await client.stop();
    await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === 'flow-1');
    const { page, problems } = await openPage(browser, { width: 1400, height: 900 });
    await page.goto(`${server.url}/qa`);
    const row = page.locator('tr[data-call-id="flow-1"]');
    await row.waitFor(WAIT);
    expect(await row.locator('.machine-total').textContent()).toBe('72.5');
    expect(await axeViolations(page)).toEqual([]);

    await row.getByRole('link', { name: 'flow-1' }).click();
    const hold = page.locator('tr[data-item-id="hold-etiquette"]');
    await hold.waitFor(WAIT);
    await hold.getByRole('radio', { name: '改分' }).check();
    await hold.getByLabel('分数（0 至 5）').fill('5');
    await page.getByLabel('复核人').fill('qa-lead');
    await page.getByRole('button', { name: '提交复核' }).click();
    await page.locator('.human-total').getByText('77.5').waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);

    await page.reload();
    await page.locator('.human-total').getByText('77.5').waitFor(WAIT);
    expect(await page.locator('.machine-total').textContent()).toBe('72.5');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('QA reports and calibration: drawn, with their data tables, accessible', async () => {
    const { page, problems } = await openPage(browser, { width: 1280, height: 900 });
    for (const path of ['/qa/reports', '/qa/calibration']) {
      await page.goto(`${server.url}${path}`);
      await page.locator('canvas[data-drawn]').first().waitFor(WAIT);
      expect(await axeViolations(page), path).toEqual([]);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
