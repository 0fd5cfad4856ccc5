/**
 * `npm run screenshots`: the console's views as a user sees them, written to docs/screenshots/ for the
 * README. Starts a server on a temporary data folder, seeds scored calls (one reviewed), keeps four calls
 * live, and photographs the agent side panel (400 px), the supervisor wall, the QA list, a QA call page and
 * the reports page in Debian's Chromium. Prints what it wrote as one JSON object on its last line.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCall, type NativeCallClient } from '../../gateway/native/client.js';
import { packageRoot } from '../../engine/paths.js';
import { launchBrowser, openPage } from '../fixtures/browser.js';
import { CLEAN_CALL, runScriptedCall, SCRIPTED_CALL, sendScript, type ScriptTurn } from '../fixtures/scripted-calls.js';
import { startTestServer, tapEvents, tempDataDir } from '../fixtures/server.js';

const OUT = join(packageRoot(import.meta.url), 'docs', 'screenshots');
const WAIT = { timeout: 15_000 };

/** A clean call with one forbidden phrase and no thanks: a middling score for the reports. */
const SLIP_CALL: ScriptTurn[] = [
  [0.5, 4.0, 'agent', '您好，很高兴为您服务，本次通话将被录音。'],
  [4.5, 7.0, 'customer', '我的信用卡被吞了怎么办'],
  [7.5, 11.0, 'agent', '这不归我管，你自己去查吧。'],
  [11.5, 12.5, 'customer', '好吧'],
  [13.0, 16.0, 'agent', '感谢您的来电，再见。'],
];

const LIVE: { agentId: string; team: string; turns: ScriptTurn[] }[] = [
  { agentId: 'a-007', team: '信用卡一组', turns: SCRIPTED_CALL.filter(([, end]) => end < 60) },
  { agentId: 'a-012', team: '信用卡一组', turns: CLEAN_CALL.slice(0, 3) },
  { agentId: 'a-031', team: '理财二组', turns: SLIP_CALL.slice(0, 3) },
  { agentId: 'a-044', team: '理财二组', turns: [[0.5, 3.5, 'agent', '您好，很高兴为您服务。'], [4, 7, 'customer', '我想问一下信用卡分期手续费是多少？']] },
];

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const data = tempDataDir();
  const server = await startTestServer(data.dir);
  const tap = await tapEvents(server.wsUrl);
  const ended: [string, string, string, ScriptTurn[]][] = [
    ['qa-demo-1', 'a-007', '信用卡一组', SCRIPTED_CALL],
    ['qa-demo-2', 'a-012', '信用卡一组', CLEAN_CALL],
    ['qa-demo-3', 'a-031', '理财二组', SLIP_CALL],
    ['qa-demo-4', 'a-044', '理财二组', CLEAN_CALL],
    ['qa-demo-5', 'a-012', '信用卡一组', SLIP_CALL],
    ['qa-demo-6', 'a-044', '理财二组', SCRIPTED_CALL],
  ];
  for (const [callId, agentId, team, turns] of ended) await runScriptedCall(server.wsUrl, callId, turns, { agentId, metadata: { team } });
  for (const [callId] of ended) await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === callId);
  await fetch(`${server.url}/v1/qa/results/qa-demo-1/reviews`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reviewer: '质检员 王', comment: '等待已致歉，录音可证', items: [{ itemId: 'hold-etiquette', points: 5 }] }),
  });

  const live: NativeCallClient[] = [];
  for (const [i, c] of LIVE.entries()) {
    const client = await startCall(server.wsUrl, {
      callId: `live-${i + 1}`, agentId: c.agentId, sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'], metadata: { team: c.team },
    });
    sendScript(client, c.turns);
    live.push(client);
  }
  // The agent's customer is still speaking: a partial.
  live[0]!.sendUtterance({ channel: 'customer', text: '那这个产品', startMs: 66_000, endMs: 67_000, final: false });

  const browser = await launchBrowser();
  const written: string[] = [];
  const shoot = async (name: string, url: string, width: number, height: number, ready: string, fullPage = false): Promise<void> => {
    const { page, problems } = await openPage(browser, { width, height });
    await page.goto(`${server.url}${url}`);
    await page.locator(ready).first().waitFor(WAIT);
    await page.waitForTimeout(800); // let live events and charts settle for the picture
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    if (problems.length) throw new Error(`${name}: ${problems.join('; ')}`);
    written.push(`docs/screenshots/${name}.png`);
    await page.context().close();
  };
  await shoot('agent', '/agent/a-007', 400, 1000, '[data-testid="agent-suggestions"] article');
  await shoot('supervisor', '/supervisor', 1280, 800, 'text=a-044');
  await shoot('qa-list', '/qa', 1280, 600, 'tr[data-call-id="qa-demo-1"]');
  await shoot('qa-call', '/qa/calls/qa-demo-1', 1280, 1000, '.utt');
  await shoot('qa-reports', '/qa/reports', 1280, 1100, 'canvas[data-drawn]', true);

  for (const client of live) await client.stop();
  await browser.close();
  tap.close();
  await server.close();
  data.remove();
  console.log(JSON.stringify({ screenshots: written }));
}

await main();
