import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../engine/events.js';
import { startCall } from '../../gateway/native/client.js';
import { startTestServer, tapEvents, tempDataDir } from '../fixtures/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;

beforeAll(async () => {
  data = tempDataDir();
  server = await startTestServer(data.dir);
  for (const id of ['r-1', 'r-2']) {
    const c = await startCall(server.wsUrl, { callId: id, agentId: id === 'r-1' ? 'a-1' : 'a-2', sampleRate: 8000, encoding: 'mulaw', channels: 1 });
    c.sendUtterance({ channel: 'customer', text: '我要挂失', startMs: 0, endMs: 800 });
    await c.stop();
    await new Promise((r) => setTimeout(r, 5)); // distinct start times
  }
});
afterAll(async () => {
  await server.close();
  data.remove();
});

const get = async (path: string) => {
  const res = await fetch(server.url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('REST API', () => {
  it('lists calls newest first, live ones included, with filters', async () => {
    const live = await startCall(server.wsUrl, { callId: 'r-live', sampleRate: 16000, encoding: 'pcm16', channels: 1 });
    const all = await get('/v1/calls');
    expect((all.body.calls as { callId: string }[]).map((c) => c.callId)).toEqual(['r-live', 'r-2', 'r-1']);
    expect((await get('/v1/calls?status=live')).body.calls).toMatchObject([{ callId: 'r-live', status: 'live' }]);
    expect((await get('/v1/calls?agentId=a-1')).body.calls).toMatchObject([{ callId: 'r-1', status: 'ended', endReason: 'stop' }]);
    const page = await get('/v1/calls?limit=2');
    expect((page.body.calls as unknown[]).length).toBe(2);
    const next = await get(`/v1/calls?limit=2&before=${page.body.next}`);
    expect(next.body.calls).toMatchObject([{ callId: 'r-1' }]);
    await live.stop();
  });

  it('returns one call and its events, filtered by type and position', async () => {
    await server.qa!.idle();
    expect((await get('/v1/calls/r-1')).body).toMatchObject({ callId: 'r-1', agentId: 'a-1', protocol: 'native-ws', audio: { encoding: 'mulaw' } });
    const events = (await get('/v1/calls/r-1/events')).body.events as CallEvent[];
    // 我要挂失 is a need the sample knowledge base answers: a suggestion follows the utterance.
    expect(events.map((e) => e.type)).toEqual(['call.started', 'utterance.final', 'suggestion', 'call.ended', 'qa.scored']);
    expect((await get('/v1/calls/r-1/events?types=utterance.final')).body.events).toMatchObject([{ type: 'utterance.final', text: '我要挂失' }]);
    expect((await get('/v1/calls/r-1/events?afterSeq=3')).body.events).toMatchObject([{ type: 'call.ended', seq: 4 }, { type: 'qa.scored', seq: 5 }]);
  });

  it('answers 404 and 400 with a code and a reason', async () => {
    expect(await get('/v1/calls/nope')).toMatchObject({ status: 404, body: { code: 'EARSHOT_ERR_CALL_NOT_FOUND', message: expect.stringContaining('nope') } });
    expect(await get('/v1/calls/nope/events')).toMatchObject({ status: 404, body: { code: 'EARSHOT_ERR_CALL_NOT_FOUND' } });
    expect(await get('/v1/calls/bad%20id')).toMatchObject({ status: 400, body: { code: 'EARSHOT_ERR_HTTP_BAD_REQUEST', message: expect.stringContaining('params/id') } });
    expect(await get('/v1/calls?limit=0')).toMatchObject({ status: 400, body: { message: expect.stringContaining('limit') } });
    expect(await get('/v1/calls?status=dead')).toMatchObject({ status: 400, body: { message: expect.stringContaining('status') } });
    expect(await get('/v1/calls?colour=red')).toMatchObject({ status: 400 });
    expect(await get('/v1/calls/r-1/events?types=bogus')).toMatchObject({ status: 400, body: { message: expect.stringContaining('types') } });
    expect(await get('/v1/nothing')).toMatchObject({ status: 404, body: { code: 'EARSHOT_ERR_HTTP_ROUTE_NOT_FOUND' } });
  });

  it('serves the console app on every page route, its assets cached, the API still answering JSON', async () => {
    for (const page of ['/', '/agent/a-1', '/supervisor', '/qa', '/qa/calls/x-1', '/qa/reports', '/qa/calibration']) {
      const res = await fetch(server.url + page);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, page).toBeDefined();
      const asset = await fetch(server.url + script);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(html).not.toMatch(/https?:\/\//); // nothing from outside the server
    }
    const api404 = await fetch(server.url + '/v1/no-such-thing');
    expect(api404.status).toBe(404);
    expect(((await api404.json()) as { code: string }).code).toBe('EARSHOT_ERR_HTTP_ROUTE_NOT_FOUND');
  });

  it('pushes only the requested call and types on /v1/events', async () => {
    const tap = await tapEvents(server.wsUrl, '?callId=r-ws&types=utterance.final,call.ended');
    const other = await startCall(server.wsUrl, { callId: 'r-other', sampleRate: 8000, encoding: 'pcm16', channels: 1 });
    const c = await startCall(server.wsUrl, { callId: 'r-ws', sampleRate: 8000, encoding: 'pcm16', channels: 1 });
    other.sendUtterance({ channel: 'agent', text: '您好', startMs: 0, endMs: 500 });
    c.sendUtterance({ channel: 'agent', text: '您好，请问有什么可以帮您', startMs: 0, endMs: 1500 });
    await other.stop();
    await c.stop();
    await tap.waitFor((e) => e.type === 'call.ended');
    expect(tap.events.map((e) => [e.callId, e.type])).toEqual([['r-ws', 'utterance.final'], ['r-ws', 'call.ended']]);
    tap.close();
  });
});
