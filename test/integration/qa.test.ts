import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/paths.js';
import type { QaScoredEvent } from '../../engine/events.js';
import { CLEAN_CALL, runScriptedCall, SCRIPTED_CALL } from '../fixtures/scripted-calls.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';

describe('QA: every ended call scored on the scorecard', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let tap: EventTap;
  beforeAll(async () => {
    server = await startTestServer(data.dir);
    tap = await tapEvents(server.wsUrl);
  });
  afterAll(async () => {
    tap.close();
    await server.close();
    data.remove();
  });

  it('emits qa.scored with per-item points, evidence, not-applicable items and the total', async () => {
    await runScriptedCall(server.wsUrl, 'qa-1', SCRIPTED_CALL, { metadata: { team: 'cards-1' } });
    const scored = (await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === 'qa-1')) as QaScoredEvent;
    const item = (id: string) => scored.items.find((i) => i.itemId === id)!;
    expect(scored).toMatchObject({ scorecardId: 'bank-card-centre', passMark: 85, passed: false, veto: null });
    expect(scored.scorecardVersion).toMatch(/^2026\.11\+[0-9a-f]{8}$/);
    const card = (await (await fetch(`${server.url}/v1/qa/scorecard`)).json()) as { id: string; version: string; label: string; passMark: number; sections: { items: { id: string }[] }[] };
    expect(card).toMatchObject({ id: 'bank-card-centre', version: scored.scorecardVersion, label: '2026.11', passMark: 85 });
    expect(card.sections.flatMap((sec) => sec.items.map((i) => i.id)).sort()).toEqual(scored.items.map((i) => i.itemId).sort());
    expect(item('risk-disclosure')).toMatchObject({ points: 0, status: 'failed' });
    expect(item('risk-disclosure').evidence.map((e) => e.ruleId).sort()).toEqual(['guaranteed-return', 'risk-disclosure']);
    expect(item('risk-disclosure').evidence.find((e) => e.ruleId === 'guaranteed-return')).toMatchObject({ quote: '报本', channel: 'agent' });
    expect(item('forbidden-phrases')).toMatchObject({ points: 15, status: 'deducted' });
    expect(item('hold-etiquette')).toMatchObject({ points: 0, status: 'failed' });
    expect(item('pace-control')).toMatchObject({ points: 2.5, status: 'deducted' });
    expect(item('soothing')).toMatchObject({ points: 5, status: 'pass' }); // the customer was angry, and was soothed
    expect(item('complaint-handling')).toMatchObject({ points: 10, status: 'pass' });
    expect(item('surname-address')).toMatchObject({ status: 'not-applicable', notApplicableReason: '本次通话未核实身份', points: 5 });
    expect(item('complaint-caused')).toMatchObject({ points: -5, status: 'penalty' });
    // 100 − 10 (risk) − 5 (forbidden) − 5 (hold) − 2.5 (dead air) − 5 (complaint caused)
    expect(scored.total).toBe(72.5);
    expect(scored.seq).toBeGreaterThan(1);
  });

  it('lists results with filters, shows one with its evidence, and keeps an inspector review beside the machine score', async () => {
    await runScriptedCall(server.wsUrl, 'qa-2', CLEAN_CALL, { metadata: { team: 'cards-2' } });
    await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === 'qa-2');
    const list = async (q: string) => ((await (await fetch(`${server.url}/v1/qa/results${q}`)).json()) as { results: { callId: string; total: number }[] }).results.map((r) => r.callId);
    expect(await list('')).toEqual(['qa-2', 'qa-1']);
    expect(await list('?passed=true')).toEqual(['qa-2']);
    expect(await list('?team=cards-1')).toEqual(['qa-1']);
    expect(await list('?failedItem=hold-etiquette')).toEqual(['qa-1']);
    expect(await list('?maxScore=80')).toEqual(['qa-1']);
    expect((await fetch(`${server.url}/v1/qa/results?from=yesterday`)).status).toBe(400);

    const one = (await (await fetch(`${server.url}/v1/qa/results/qa-2`)).json()) as { total: number; passed: boolean; items: unknown[] };
    expect(one).toMatchObject({ total: 100, passed: true });
    const review = await fetch(`${server.url}/v1/qa/results/qa-1/reviews`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reviewer: 'qa-lead-1', comment: '保持时已说明原因', items: [{ itemId: 'hold-etiquette', points: 5, comment: 'apology given in other words' }] }),
    });
    expect(review.status).toBe(201);
    expect(await review.json()).toMatchObject({ total: 77.5, passed: false, reviewer: 'qa-lead-1' });
    const after = (await (await fetch(`${server.url}/v1/qa/results/qa-1`)).json()) as { total: number; reviews: { total: number }[] };
    expect(after.total).toBe(72.5); // the machine score is kept
    expect(after.reviews.map((r) => r.total)).toEqual([77.5]);
    const bad = await fetch(`${server.url}/v1/qa/results/qa-1/reviews`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reviewer: 'x', items: [{ itemId: 'hold-etiquette', points: 9 }] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'EARSHOT_ERR_QA_REVIEW_INVALID', message: expect.stringContaining('takes 0 to 5 points') });
    expect((await fetch(`${server.url}/v1/qa/results/nope`)).status).toBe(404);
  });

  it('what-if: re-scores stored calls under a changed scorecard or rule set, leaving stored results as they were', async () => {
    const post = (body: unknown) => fetch(`${server.url}/v1/qa/what-if`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const scorecard = (await import('yaml')).parse(readFileSync(join(packageRoot(import.meta.url), 'knowledge/scorecards/bank-card-centre.yaml'), 'utf8')) as { passMark: number };
    const lower = await post({ scorecard: { ...scorecard, passMark: 70 } });
    expect(lower.status).toBe(200);
    expect(await lower.json()).toMatchObject({ calls: 2, current: { passRate: 0.5, mean: 86.25 }, whatIf: { passRate: 1, mean: 86.25 }, delta: { passRate: 0.5 }, rescoredFrom: 'live alerts' });

    // A narrower forbidden-phrase list: 你先听我说完 no longer counts, the call gains its 5 points back.
    const rules = await post({ rules: { upsert: [{ id: 'forbidden-phrase', kind: 'phrase', description: '服务忌语 — narrower', channel: 'agent', severity: 'warning', notify: 'both', phrases: ['你先听我说完好不好'] }] } });
    const report = (await rules.json()) as { changed: { callId: string; total: number; newTotal: number }[]; rescoredFrom: string; items: { itemId: string; failureRate: number; newFailureRate: number }[] };
    expect(report.rescoredFrom).toBe('replayed utterances');
    expect(report.changed).toEqual([{ callId: 'qa-1', agentId: 'a-1', total: 72.5, newTotal: 77.5, passed: false, newPassed: false }]);
    expect(report.items.find((i) => i.itemId === 'forbidden-phrases')).toMatchObject({ failureRate: 0.5, newFailureRate: 0 });

    const broken = await post({ rules: { disable: ['talkover'] } });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: 'EARSHOT_ERR_SCORECARD_INVALID', message: expect.stringContaining('names no rule of the active rule set ("talkover")') });
    const badRule = await post({ rules: { upsert: [{ id: 'x', kind: 'phrase' }] } });
    expect(await badRule.json()).toMatchObject({ code: 'EARSHOT_ERR_RULE_INVALID' });

    expect(server.qaStore.getResult('qa-1')!.result.total).toBe(72.5);
    expect(server.qaStore.listResults({ limit: 10 }).map((r) => r.result.total)).toEqual([100, 72.5]);
  });

  it('opens an incident sheet for each critical alert and walks its status', async () => {
    const { incidents } = (await (await fetch(`${server.url}/v1/qa/incidents?status=open`)).json()) as { incidents: { incidentId: string; callId: string; ruleId: string; source: string }[] };
    expect(incidents.filter((i) => i.callId === 'qa-1').map((i) => i.ruleId).sort()).toEqual(['complaint-escalation', 'guaranteed-return', 'risk-disclosure']);
    const id = incidents[0]!.incidentId;
    const patch = (body: unknown) => fetch(`${server.url}/v1/qa/incidents/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await patch({ status: 'discussed', by: 'team-lead-3', note: '已与坐席沟通' })).status).toBe(200);
    expect((await patch({ status: 'closed', by: 'team-lead-3' })).status).toBe(400); // feedback needed
    const closed = await patch({ status: 'closed', by: 'team-lead-3', note: '坐席已参加合规培训' });
    expect(await closed.json()).toMatchObject({ status: 'closed', history: [{ status: 'open' }, { status: 'discussed' }, { status: 'closed' }] });
    const again = await patch({ status: 'open' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'EARSHOT_ERR_INCIDENT_TRANSITION' });
  });
});

describe('QA scoring survives restarts', () => {
  it('scores, once, the calls that ended while no QA worker ran', async () => {
    const data = tempDataDir();
    try {
      let server = await startTestServer(data.dir, { qa: 'no' });
      await runScriptedCall(server.wsUrl, 'later-1', CLEAN_CALL);
      await runScriptedCall(server.wsUrl, 'later-2', SCRIPTED_CALL);
      await server.close();

      server = await startTestServer(data.dir);
      await server.qa!.idle();
      expect(server.qaStore.getResult('later-1')!.result.total).toBe(100);
      expect(server.qaStore.getResult('later-2')!.result.total).toBe(72.5);
      // Idempotent: scoring again neither changes nor duplicates the stored result or its event.
      const first = server.qaStore.getResult('later-2')!;
      expect(server.qa!.score('later-2')).toEqual(first.result);
      const events = server.store.listEvents('later-2', { types: ['qa.scored'], limit: 10 });
      expect(events).toHaveLength(1);
      await server.close();
      server = await startTestServer(data.dir);
      await server.qa!.idle();
      expect(server.store.listEvents('later-2', { types: ['qa.scored'], limit: 10 })).toHaveLength(1);
      await server.close();
    } finally {
      data.remove();
    }
  });
});
