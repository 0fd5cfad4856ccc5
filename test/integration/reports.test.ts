import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_CALL, runScriptedCall, SCRIPTED_CALL, type ScriptTurn } from '../fixtures/scripted-calls.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';

/** CLEAN_CALL scores 100, SCRIPTED_CALL 72.5. */
/** The clean call with an ATM question instead: a knowledge suggestion (atm-card-swallowed), still 100. */
const ATM_CALL: ScriptTurn[] = CLEAN_CALL.map((t, i) => (i === 1 ? [4.5, 7.0, 'customer', '你好，我的卡被取款机吞了'] : t));

/**
 * The calls, in start order: agent, team, script. Machine totals: SCRIPTED 72.5, clean 100.
 * Reviews: r-1 hold-etiquette 0 → 5 (77.5); r-4 pace-control 2.5 → 5 and forbidden-phrases 15 → 20 (80); r-5 confirmed (100).
 */
const CALLS: [string, string, string, ScriptTurn[]][] = [
  ['r-1', 'a-1', 'cards-1', SCRIPTED_CALL],
  ['r-2', 'a-1', 'cards-1', CLEAN_CALL],
  ['r-3', 'a-1', 'cards-1', CLEAN_CALL],
  ['r-4', 'a-2', 'cards-1', SCRIPTED_CALL],
  ['r-5', 'a-3', 'cards-2', CLEAN_CALL],
  ['r-6', 'a-3', 'cards-2', ATM_CALL],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('calibration and reports over scripted calls', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let tap: EventTap;
  let t0 = 0;
  let t1 = 0;
  const get = async (path: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(server.url + path);
    return { status: res.status, body: await res.json() };
  };
  const ok = async (path: string): Promise<Json> => {
    const { status, body } = await get(path);
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };
  const review = async (callId: string, items: { itemId: string; points: number }[]): Promise<void> => {
    const res = await fetch(`${server.url}/v1/qa/results/${callId}/reviews`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reviewer: 'qa-lead-1', items }),
    });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    server = await startTestServer(data.dir, { model: 'none', analysisWorkers: 0, vad: 'energy', kbWatch: 'no' });
    tap = await tapEvents(server.wsUrl, '?types=qa.scored');
    t0 = Date.now();
    for (const [callId, agentId, team, turns] of CALLS) {
      await runScriptedCall(server.wsUrl, callId, turns, { agentId, metadata: { team } });
      await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === callId);
      await new Promise((r) => setTimeout(r, 5)); // distinct start times: newest-first lists have one order
    }
    t1 = Date.now();
    await review('r-1', [{ itemId: 'hold-etiquette', points: 5 }]);
    await review('r-4', [{ itemId: 'pace-control', points: 5 }, { itemId: 'forbidden-phrases', points: 20 }]);
    await review('r-5', []);
  });
  afterAll(async () => {
    tap.close();
    await server.close();
    data.remove();
  });

  it('scored the calls as scripted', async () => {
    const totals = Object.fromEntries(CALLS.map(([id]) => [id, server.qaStore.getResult(id)!.result.total]));
    expect(totals).toEqual({ 'r-1': 72.5, 'r-2': 100, 'r-3': 100, 'r-4': 72.5, 'r-5': 100, 'r-6': 100 });
    expect(server.qaStore.getResult('r-4')!.review).toMatchObject({ total: 80 });
  });

  it('GET /v1/qa/calibration: agreement and kappa per item, the most overridden items first', async () => {
    const c = await ok(`/v1/qa/calibration?from=${t0}&to=${t1}`);
    expect(c.period).toEqual({ from: t0, to: t1 });
    expect(c.reviewedCalls).toBe(3);
    // Each overridden item: machine zero/partial on r-1 and r-4, full on r-5; the inspector raised one of the two.
    // p_o = 2/3, p_e = 2/3 × 1/3 + 1/3 × 2/3 = 4/9, kappa = (2/9) / (5/9) = 0.4.
    expect(c.mostOverridden).toEqual([
      { itemId: 'forbidden-phrases', name: '无服务忌语', n: 3, overrides: 1, overrideRate: 0.3333, meanPointsDelta: 1.67 },
      { itemId: 'hold-etiquette', name: '控制通话节奏：保持后致歉', n: 3, overrides: 1, overrideRate: 0.3333, meanPointsDelta: 1.67 },
      { itemId: 'pace-control', name: '控制通话节奏：无冷场、保持不超时', n: 3, overrides: 1, overrideRate: 0.3333, meanPointsDelta: 0.83 },
    ]);
    const hold = c.items.find((i: Json) => i.itemId === 'hold-etiquette');
    expect(hold).toMatchObject({ n: 3, agreements: 2, percentAgreement: 66.67, kappa: 0.4, confusion: { zero: { full: 1, zero: 1 }, full: { full: 1 } } });
    expect(c.items.find((i: Json) => i.itemId === 'pace-control')).toMatchObject({ percentAgreement: 66.67, kappa: 0.4, confusion: { partial: { partial: 1, full: 1 }, full: { full: 1 } } });
    // Items nobody overrode: full agreement; kappa undefined where every judgement was one category (recording disclosure).
    expect(c.items.slice(3).every((i: Json) => i.overrides === 0 && i.percentAgreement === 100)).toBe(true);
    expect(c.items.find((i: Json) => i.itemId === 'recording-disclosure')).toMatchObject({ kappa: null, confusion: { full: { full: 3 } } });
    // Calls: r-1 and r-4 fail either way, r-5 passes either way; no veto anywhere.
    expect(c.calls).toEqual({ pass: { n: 3, percentAgreement: 100, kappa: 1 }, veto: { n: 3, percentAgreement: 100, kappa: null }, totalsChanged: 2, meanTotalDelta: 4.17 });
    expect(c.items).toHaveLength(17);
    expect(c.overall).toMatchObject({ n: 51, overrides: 3, overrideRate: 0.0588 });
    expect((await ok(`/v1/qa/calibration?from=${t1}`)).reviewedCalls).toBe(0);
    expect((await ok('/v1/qa/calibration?limit=1')).mostOverridden.map((i: Json) => i.itemId)).toEqual(['forbidden-phrases']);
  });

  it('GET /v1/reports/agents and /teams: calls, mean, min, max, pass rate, vetoes — final or machine scores', async () => {
    const { agents } = await ok(`/v1/reports/agents?from=${new Date(t0).toISOString()}&to=${t1}`);
    expect(agents).toEqual([
      { agentId: 'a-1', teams: ['cards-1'], calls: 3, mean: 92.5, min: 77.5, max: 100, passed: 2, passRate: 0.6667, vetoes: 0, reviewed: 1 },
      { agentId: 'a-2', teams: ['cards-1'], calls: 1, mean: 80, min: 80, max: 80, passed: 0, passRate: 0, vetoes: 0, reviewed: 1 },
      { agentId: 'a-3', teams: ['cards-2'], calls: 2, mean: 100, min: 100, max: 100, passed: 2, passRate: 1, vetoes: 0, reviewed: 1 },
    ]);
    const machine = await ok('/v1/reports/agents?team=cards-1&score=machine');
    expect(machine).toMatchObject({ team: 'cards-1', score: 'machine', period: { from: null, to: null } });
    expect(machine.agents.map((a: Json) => [a.agentId, a.calls, a.mean, a.min])).toEqual([['a-1', 3, 90.83, 72.5], ['a-2', 1, 72.5, 72.5]]); // 272.5 / 3
    expect((await ok(`/v1/reports/agents?to=${t0}`)).agents).toEqual([]);

    const { teams } = await ok(`/v1/reports/teams?from=${t0}`);
    expect(teams).toEqual([
      { team: 'cards-1', agents: 2, calls: 4, mean: 89.38, min: 77.5, max: 100, passed: 2, passRate: 0.5, vetoes: 0, reviewed: 2 }, // 357.5 / 4
      { team: 'cards-2', agents: 1, calls: 2, mean: 100, min: 100, max: 100, passed: 2, passRate: 1, vetoes: 0, reviewed: 1 },
    ]);
    expect((await ok('/v1/reports/teams?score=machine')).teams[0]).toMatchObject({ team: 'cards-1', mean: 86.25, passed: 2 }); // 345 / 4
  });

  it('GET /v1/reports/items: failure rate over applicable calls, mean points', async () => {
    const r = await ok('/v1/reports/items?team=cards-1');
    expect(r.calls).toBe(4);
    const item = (id: string) => {
      const { itemId, applicable, failures, failureRate, meanPoints } = r.items.find((i: Json) => i.itemId === id);
      return { itemId, applicable, failures, failureRate, meanPoints };
    };
    // risk disclosure applies to the two SCRIPTED calls only (wealth products), failed on both.
    expect(r.items[0]).toMatchObject({ itemId: 'risk-disclosure', calls: 4, applicable: 2, failures: 2, failureRate: 1, meanPoints: 0 });
    // hold: only the SCRIPTED calls hold; r-1's failure was overturned on review, r-4's stands.
    expect(item('hold-etiquette')).toEqual({ itemId: 'hold-etiquette', applicable: 2, failures: 1, failureRate: 0.5, meanPoints: 2.5 });
    expect(item('pace-control')).toEqual({ itemId: 'pace-control', applicable: 4, failures: 1, failureRate: 0.25, meanPoints: 4.38 }); // 2.5 + 5 + 5 + 5
    expect(item('forbidden-phrases')).toEqual({ itemId: 'forbidden-phrases', applicable: 4, failures: 1, failureRate: 0.25, meanPoints: 18.75 });
    expect(item('complaint-caused')).toEqual({ itemId: 'complaint-caused', applicable: 4, failures: 2, failureRate: 0.5, meanPoints: -2.5 });
    expect(item('customer-praise')).toEqual({ itemId: 'customer-praise', applicable: 4, failures: 0, failureRate: null, meanPoints: 0 });
    const m = await ok('/v1/reports/items?team=cards-1&score=machine');
    expect(m.items.find((i: Json) => i.itemId === 'hold-etiquette')).toMatchObject({ failures: 2, failureRate: 1, meanPoints: 0, statuses: { failed: 2, 'not-applicable': 2 } });
    const one = await ok('/v1/reports/items?agentId=a-3');
    expect(one).toMatchObject({ agentId: 'a-3', calls: 2 });
    expect(one.items.every((i: Json) => i.failures === 0)).toBe(true);
  });

  it('GET /v1/reports/ranking: bottom-N for coaching and top-N, with a minimum of calls', async () => {
    const r = await ok(`/v1/reports/ranking?from=${t0}&to=${t1}&bottom=2&top=1`);
    expect(r).toMatchObject({ eligible: 3, minCalls: 1 });
    expect(r.bottom).toEqual([
      { rank: 1, agentId: 'a-2', teams: ['cards-1'], calls: 1, mean: 80, passRate: 0, vetoes: 0 },
      { rank: 2, agentId: 'a-1', teams: ['cards-1'], calls: 3, mean: 92.5, passRate: 0.6667, vetoes: 0 },
    ]);
    expect(r.top).toEqual([{ rank: 1, agentId: 'a-3', teams: ['cards-2'], calls: 2, mean: 100, passRate: 1, vetoes: 0 }]);
    const min2 = await ok('/v1/reports/ranking?minCalls=2');
    expect(min2).toMatchObject({ eligible: 2 });
    expect(min2.bottom.map((a: Json) => a.agentId)).toEqual(['a-1', 'a-3']); // defaults: bottom 100, top 30
    expect(min2.top.map((a: Json) => a.agentId)).toEqual(['a-3', 'a-1']);
  });

  it('GET /v1/reports/go-live: the week from `from`, average against the pass mark', async () => {
    const a1 = await ok(`/v1/reports/go-live?agentId=a-1&from=${new Date(t0).toISOString()}`);
    expect(a1).toMatchObject({ agentId: 'a-1', from: t0, to: t0 + 7 * 86_400_000, complete: false, calls: 3, average: 92.5, passMark: 85, passed: true, score: 'final' });
    expect(a1.results.map((c: Json) => [c.callId, c.total, c.passed, c.reviewed])).toEqual([['r-1', 77.5, false, true], ['r-2', 100, true, false], ['r-3', 100, true, false]]);
    expect(await ok(`/v1/reports/go-live?agentId=a-1&from=${t0}&score=machine`)).toMatchObject({ calls: 3, average: 90.83, passed: true });
    expect(await ok(`/v1/reports/go-live?agentId=a-2&from=${t0}`)).toMatchObject({ calls: 1, average: 80, passed: false });
    expect(await ok(`/v1/reports/go-live?agentId=a-1&from=${t1}`)).toMatchObject({ calls: 0, average: null, passed: false, results: [] });
  });

  it('GET /v1/reports/topics: the articles suggested most and the keyword hits', async () => {
    const r = await ok(`/v1/reports/topics?from=${t0}&to=${t1}&k=20`);
    // Cross-check the article counts with the stored suggestion events, call by call.
    const expected = new Map<string, { articleId: string; title: string; suggestions: number; calls: Set<string> }>();
    for (const [callId] of CALLS) {
      const { events } = await ok(`/v1/calls/${callId}/events?types=suggestion`);
      for (const e of events) {
        const row = expected.get(e.articleId) ?? { articleId: e.articleId, title: e.title, suggestions: 0, calls: new Set<string>() };
        row.suggestions++;
        row.calls.add(callId);
        expected.set(e.articleId, row);
      }
    }
    expect([...r.articles].sort((a: Json, b: Json) => (a.articleId < b.articleId ? -1 : 1))).toEqual(
      [...expected.values()].sort((a, b) => (a.articleId < b.articleId ? -1 : 1)).map((a) => ({ ...a, calls: a.calls.size })),
    );
    expect(r.articles[0]).toEqual({ articleId: 'wealth-risk-disclosure-script', title: '理财产品风险提示标准话术', suggestions: 2, calls: 2 });
    expect(r.articles).toContainEqual({ articleId: 'atm-card-swallowed', title: '卡被ATM吞了怎么办', suggestions: 1, calls: 1 });
    // Keyword (phrase-rule) hits: the two SCRIPTED calls' 保本 heard as 报本, and the forbidden phrase.
    expect(r.keywords).toEqual([
      { ruleId: 'forbidden-phrase', matchedText: '你先听我说完', hits: 2, calls: 2 },
      { ruleId: 'guaranteed-return', matchedText: '报本', hits: 2, calls: 2 },
    ]);
    const team2 = await ok('/v1/reports/topics?team=cards-2&k=1');
    expect(team2.keywords).toEqual([]);
    expect(team2.articles.length).toBeLessThanOrEqual(1);
    expect(await ok('/v1/reports/topics?team=cards-2')).toMatchObject({ articles: expect.arrayContaining([expect.objectContaining({ articleId: 'atm-card-swallowed' })]) });
  });

  it('GET /v1/reports/complaints: calls with a complaint or anger alert, with agent, time, quote and total', async () => {
    const r = await ok(`/v1/reports/complaints?from=${t0}&to=${t1}`);
    expect(r.rules).toEqual(['complaint-escalation', 'customer-anger']);
    const started = (id: string) => server.qaStore.getResult(id)!.result.startedAt;
    expect(r.calls.map((c: Json) => ({ ...c, alerts: c.alerts.map((a: Json) => [a.ruleId, a.quote, a.channel]) }))).toEqual([
      {
        callId: 'r-4', agentId: 'a-2', team: 'cards-1', startedAt: started('r-4'), rules: ['customer-anger', 'complaint-escalation'], quote: '气死我了 什么破',
        alerts: [['customer-anger', '气死我了 什么破', 'customer'], ['complaint-escalation', '投诉', 'customer']], total: 80, passed: false, reviewed: true,
      },
      {
        callId: 'r-1', agentId: 'a-1', team: 'cards-1', startedAt: started('r-1'), rules: ['customer-anger', 'complaint-escalation'], quote: '气死我了 什么破',
        alerts: [['customer-anger', '气死我了 什么破', 'customer'], ['complaint-escalation', '投诉', 'customer']], total: 77.5, passed: false, reviewed: true,
      },
    ]);
    const escalated = await ok('/v1/reports/complaints?rules=complaint-escalation&limit=1&score=machine');
    expect(escalated.calls.map((c: Json) => [c.callId, c.quote, c.total])).toEqual([['r-4', '投诉', 72.5]]);
    expect((await ok('/v1/reports/complaints?team=cards-2')).calls).toEqual([]);
  });

  it('refuses bad queries with a 400 that names the problem', async () => {
    const bad = async (path: string, says: string) => {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.code).toBe('EARSHOT_ERR_HTTP_BAD_REQUEST');
      expect(body.message).toContain(says);
    };
    await bad('/v1/reports/agents?bogus=1', 'additional properties');
    await bad('/v1/reports/agents?from=yesterday', 'from must be ms since the epoch or an ISO date');
    await bad(`/v1/reports/teams?from=${t1}&to=${t0}`, 'must be before to');
    await bad('/v1/reports/items?score=human', 'score');
    await bad('/v1/reports/ranking?bottom=-1', 'bottom');
    await bad('/v1/reports/ranking?minCalls=0', 'minCalls');
    await bad('/v1/reports/go-live?agentId=a-1', "must have required property 'from'");
    await bad(`/v1/reports/go-live?from=${t0}`, "must have required property 'agentId'");
    await bad('/v1/reports/topics?k=0', 'k');
    await bad('/v1/reports/complaints?rules=Bad%20Rule', 'rules');
    await bad('/v1/qa/calibration?limit=abc', 'limit');
    await bad('/v1/qa/calibration?to=2026-13-45', 'to must be');
  });
});
