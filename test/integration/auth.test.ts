import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedInfo, openSocket, startCall } from '../../gateway/native/client.js';
import { startTestServer, tempDataDir } from '../fixtures/server.js';

const KEY = 'tenant-a-key-0123456789abcdef';
const start = (callId: string) => JSON.stringify({ type: 'start', callId, agentId: 'a-1', sampleRate: 8000, encoding: 'mulaw', channels: 1 });

/** The HTTP status and body a refused WebSocket handshake got. */
function refused(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('handshake accepted')));
    ws.on('error', () => undefined);
  });
}

describe('audio endpoints with API keys', () => {
  const data = tempDataDir();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    const keys = join(data.dir, 'keys.yaml');
    writeFileSync(keys, `tenants:\n  - id: bank-a\n    keys: [${KEY}]\n    maxConcurrentCalls: 1\n`);
    server = await startTestServer(data.dir, { apiKeysFile: keys, maxMessageRate: 20 });
  });
  afterAll(async () => {
    await server.close();
    data.remove();
  });

  it('refuses a handshake without a key, or with a wrong one, before the upgrade', async () => {
    const none = await refused(`${server.wsUrl}/v1/audio`);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ code: 'EARSHOT_ERR_AUTH_REQUIRED' });
    const wrong = await refused(`${server.wsUrl}/v1/audio`, { authorization: 'Bearer not-the-key-000000000' });
    expect(JSON.parse(wrong.body)).toMatchObject({ code: 'EARSHOT_ERR_AUTH_INVALID' });
  });

  it('takes a call with the key in a header or in LCA’s query, records the tenant, and holds the tenant to its call limit', async () => {
    const first = await startCall(server.wsUrl, { callId: 'k-1', agentId: 'a-1', sampleRate: 8000, encoding: 'mulaw', channels: 1 }, '/v1/audio', { 'x-api-key': KEY });
    const second = await openSocket(`${server.wsUrl}/api/v1/ws?authorization=${encodeURIComponent(`Bearer ${KEY}`)}`);
    const closed = closedInfo(second);
    second.send(start('k-2'));
    expect(await closed).toMatchObject({ code: 4431, reason: expect.stringContaining('EARSHOT_ERR_TENANT_CALL_LIMIT') });
    await first.stop();
    const third = await startCall(server.wsUrl, { callId: 'k-3', agentId: 'a-1', sampleRate: 8000, encoding: 'mulaw', channels: 1 }, '/v1/audio', { authorization: `Bearer ${KEY}` });
    await third.stop();
    expect(server.store.getCall('k-3')!.metadata).toMatchObject({ tenant: 'bank-a' });
  });

  it('closes a connection that sends past its message rate, and keeps serving others', async () => {
    const flood = await openSocket(`${server.wsUrl}/v1/audio`, { 'x-api-key': KEY });
    const closed = closedInfo(flood);
    flood.send(start('flood-1'));
    for (let i = 0; i < 200; i++) flood.send(new Uint8Array(160));
    expect(await closed).toMatchObject({ code: 4430, reason: expect.stringContaining('EARSHOT_ERR_RATE_LIMITED') });
    // The flooding call is ended and stored like any other, and frees its place under the tenant's limit.
    while (server.store.getCall('flood-1')?.status !== 'ended') await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 20));
    const calm = await startCall(server.wsUrl, { callId: 'calm-1', agentId: 'a-1', sampleRate: 8000, encoding: 'mulaw', channels: 1 }, '/v1/audio', { 'x-api-key': KEY });
    expect(await calm.stop()).toMatchObject({ type: 'stopped', callId: 'calm-1' });
  });
});

describe('audio endpoints without API keys', () => {
  it('accept loopback clients (and only those: see gateway/auth.test.ts)', async () => {
    const data = tempDataDir();
    const server = await startTestServer(data.dir);
    try {
      const c = await startCall(server.wsUrl, { callId: 'local-1', agentId: 'a-1', sampleRate: 8000, encoding: 'mulaw', channels: 1 });
      await c.stop();
      expect(server.store.getCall('local-1')!.metadata).toMatchObject({ tenant: 'local' });
    } finally {
      await server.close();
      data.remove();
    }
  });
});
