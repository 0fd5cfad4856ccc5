import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SuggestionEvent } from '../../engine/events.js';
import { startCall } from '../../gateway/native/client.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let tap: EventTap;

beforeAll(async () => {
  data = tempDataDir();
  server = await startTestServer(data.dir, { model: 'none', analysisWorkers: 0, vad: 'energy', kbWatch: 'no' });
  tap = await tapEvents(server.wsUrl, '?types=suggestion,call.ended');
});
afterAll(async () => {
  tap.close();
  await server.close();
  data.remove();
});

describe('knowledge assist on a live call (shipped sample knowledge base)', () => {
  it('suggests the matching article when the customer asks, once per call, and follows a new need', async () => {
    const call = await startCall(server.wsUrl, { callId: 'kb-1', agentId: 'a-1', sampleRate: 8000, encoding: 'mulaw', channels: 2 });
    call.sendUtterance({ channel: 'agent', text: '您好，请问有什么可以帮您？', startMs: 0, endMs: 1500 }); // the agent's words are not a need
    call.sendUtterance({ channel: 'customer', text: '你好，我的卡被取款机吞了', startMs: 1800, endMs: 3500 });
    call.sendUtterance({ channel: 'customer', text: '卡被吞了怎么办啊', startMs: 4000, endMs: 5200 }); // same need: not repeated
    call.sendUtterance({ channel: 'customer', text: '好的，谢谢', startMs: 9000, endMs: 9600 }); // no need
    call.sendUtterance({ channel: 'customer', text: '还有，我的信用卡年费能免吗', startMs: 10000, endMs: 12000 });
    await call.stop();
    await tap.waitFor((e) => e.type === 'call.ended' && e.callId === 'kb-1');
    const suggestions = tap.events.filter((e): e is SuggestionEvent => e.type === 'suggestion' && e.callId === 'kb-1');
    expect(suggestions.map((s) => s.articleId)).toEqual(['atm-card-swallowed', expect.stringMatching(/^fee-/)]);
    const [first] = suggestions;
    expect(first).toMatchObject({ title: expect.stringContaining('吞'), notify: ['agent'], at: 3500 });
    expect(first!.answer.length).toBeGreaterThan(5);
    expect(first!.reason).toContain('吞了');
    expect(first!.matched.length).toBeGreaterThan(0);
    expect(first!.score).toBeGreaterThanOrEqual(35);
    // Stored with the call like every event.
    const stored = (await (await fetch(`${server.url}/v1/calls/kb-1/events?types=suggestion`)).json()) as { events: unknown[] };
    expect(stored.events).toHaveLength(2);
  });
});

describe('knowledge base REST API', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = any;
  const api = (path: string, init?: RequestInit) =>
    fetch(server.url + path, init?.body ? { ...init, headers: { 'content-type': 'application/json' } } : init);

  it('searches with ranked hits, scores and matched terms, hanzi or pinyin', async () => {
    const res: Json = await (await api('/v1/kb/search?q=' + encodeURIComponent('我的卡被吞了') + '&k=3')).json();
    expect(res.hits[0]).toMatchObject({ id: 'atm-card-swallowed', score: expect.any(Number), matched: expect.any(Array) });
    expect(res.hits.length).toBeLessThanOrEqual(3);
    const py: Json = await (await api('/v1/kb/search?q=' + encodeURIComponent('wo de ka bei tun le'))).json();
    expect(py.hits[0].id).toBe('atm-card-swallowed');
    expect((await api('/v1/kb/search')).status).toBe(400);
  });

  it('creates, reads, updates and deletes API articles; file articles are read-only', async () => {
    const body = { id: 'api-test-1', title: '测试：数字人民币钱包开通', category: '测试', answer: '您可以在手机银行开通数字人民币钱包。打开App后选择…', questions: ['怎么开通数字人民币'] };
    expect((await api('/v1/kb/articles', { method: 'POST', body: JSON.stringify(body) })).status).toBe(201);
    expect((await api('/v1/kb/articles', { method: 'POST', body: JSON.stringify(body) })).status).toBe(409);
    expect(await (await api('/v1/kb/articles/api-test-1')).json()).toMatchObject({ id: 'api-test-1', keySentences: ['您可以在手机银行开通数字人民币钱包。'], origin: { kind: 'api' } });
    const found: Json = await (await api('/v1/kb/search?q=' + encodeURIComponent('数字人民币怎么开通'))).json();
    expect(found.hits[0].id).toBe('api-test-1');
    const put = await api('/v1/kb/articles/api-test-1', { method: 'PUT', body: JSON.stringify({ ...body, title: '数字人民币钱包开通' }) });
    expect(await put.json()).toMatchObject({ title: '数字人民币钱包开通' });
    expect((await api('/v1/kb/articles/atm-card-swallowed', { method: 'DELETE' })).status).toBe(409);
    expect((await api('/v1/kb/articles/api-test-1', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/v1/kb/articles/api-test-1')).status).toBe(404);
    const bad = await api('/v1/kb/articles', { method: 'POST', body: JSON.stringify({ id: 'x y', title: '', answer: 'a' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).code).toBe('EARSHOT_ERR_HTTP_BAD_REQUEST');
  });

  it('keeps agents\u2019 feedback per article', async () => {
    for (const verdict of ['useful', 'useful', 'wrong']) {
      const r = await api('/v1/kb/articles/atm-card-swallowed/feedback', { method: 'POST', body: JSON.stringify({ verdict, callId: 'kb-1', agentId: 'a-1' }) });
      expect(r.status).toBe(201);
    }
    expect((await (await api('/v1/kb/articles/atm-card-swallowed/feedback')).json()) as Json).toMatchObject({ useful: 2, wrong: 1, notUseful: 0 });
    expect((await api('/v1/kb/articles/nope/feedback', { method: 'POST', body: JSON.stringify({ verdict: 'useful' }) })).status).toBe(404);
    expect((await api('/v1/kb/articles/atm-card-swallowed/feedback', { method: 'POST', body: JSON.stringify({ verdict: 'meh' }) })).status).toBe(400);
  });
});
