import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent, CallStartedEvent, MetricEvent } from '../../engine/events.js';
import { startCall } from '../../gateway/native/client.js';
import { SCRIPTED_CALL, sendScript } from '../fixtures/scripted-calls.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';

describe('real-time rules on a live call', () => {
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

  it('raises the exact alert sequence of the default pack, with who is told, the match and the call risk', async () => {
    const client = await startCall(server.wsUrl, {
      callId: 'rules-1', agentId: 'a-1', sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'],
    });
    sendScript(client, SCRIPTED_CALL);
    await client.stop();
    await tap.waitFor((e) => e.type === 'call.ended' && e.callId === 'rules-1');
    const events = tap.events.filter((e) => e.callId === 'rules-1');
    const alerts = events.filter((e): e is AlertEvent => e.type === 'alert');

    expect(alerts.map((a) => [a.ruleId, a.status, a.at, a.severity, a.channel])).toEqual([
      ['guaranteed-return', 'raised', 13_000, 'critical', 'agent'],
      ['forbidden-phrase', 'raised', 16_500, 'warning', 'agent'],
      ['hold-return-apology', 'raised', 48_000, 'warning', 'agent'],
      ['customer-anger', 'raised', 53_000, 'warning', 'customer'],
      ['complaint-escalation', 'raised', 53_000, 'critical', 'customer'],
      ['dead-air', 'raised', 76_000, 'warning', 'both'],
      ['risk-disclosure', 'raised', 90_000, 'critical', 'agent'],
      ['dead-air', 'resolved', 90_000, 'warning', 'both'],
    ]);
    const [promise, forbidden, , anger, complaint, deadAir, risk, resolved] = alerts;
    expect(promise).toMatchObject({ matchedText: '报本', matchedForm: 'pinyin', notify: ['agent', 'supervisor'], scorecardItem: 'risk-disclosure', occurrences: 1 });
    expect(promise!.startMs).toBeGreaterThanOrEqual(8500);
    expect(promise!.endMs).toBeLessThanOrEqual(13_000);
    expect(promise!.alertId).toBe('rules-1:guaranteed-return:1');
    expect(forbidden).toMatchObject({ matchedText: '你先听我说完', matchedForm: 'text' });
    expect(anger!.message).toContain('「气死我了」');
    expect(complaint).toMatchObject({ matchedText: '投诉', severity: 'critical' });
    expect(deadAir).toMatchObject({ startMs: 68_000, endMs: null });
    expect(resolved).toMatchObject({ alertId: deadAir!.alertId, startMs: 68_000, endMs: 90_000, durationMs: 22_000 });
    expect(risk!.message).toContain('「理财产品」');
    // The supervisor's view of the call: count and risk level ride on every alert.
    expect(promise!.risk).toEqual({ level: 'high', alerts: 1 });
    expect(resolved!.risk).toEqual({ level: 'high', alerts: 6 });

    const started = events[0] as CallStartedEvent;
    expect(started.ruleSetVersion).toMatch(/^[0-9a-f]{12}$/);
    const metrics = events.filter((e): e is MetricEvent => e.type === 'metric');
    expect(metrics).toEqual([]); // no audio: no metrics
  });

  it('serves the active rule set and its load problems over REST', async () => {
    const res = await fetch(`${server.url}/v1/rules`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: string; count: number; errors: unknown[]; staleSince: null; rules: { id: string; source: { file: string; line: number } }[] };
    expect(body.errors).toEqual([]);
    expect(body.staleSince).toBeNull();
    expect(body.count).toBe(body.rules.length);
    expect(body.rules.find((r) => r.id === 'dead-air')).toMatchObject({ kind: 'silence', source: { file: 'service.yaml', line: expect.any(Number) } });
    const kinds = (await (await fetch(`${server.url}/v1/rules?kind=talkover`)).json()) as { rules: { kind: string }[] };
    expect(kinds.rules.map((r) => r.kind)).toEqual(['talkover']);
    expect((await fetch(`${server.url}/v1/rules?kind=vibes`)).status).toBe(400);
    const one = await fetch(`${server.url}/v1/rules/guaranteed-return`);
    expect(await one.json()).toMatchObject({ id: 'guaranteed-return', severity: 'critical', version: body.version });
    const missing = await fetch(`${server.url}/v1/rules/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'EARSHOT_ERR_RULE_NOT_FOUND' });
  });
});
