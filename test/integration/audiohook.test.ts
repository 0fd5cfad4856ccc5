import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMulawBuffer } from '../../engine/audio/g711.js';
import type { AlertEvent, CallEndedEvent, CallEvent, UtteranceEvent } from '../../engine/events.js';
import { audiohookHeaders, connectAudioHook, GENESYS_OFFER, type AudioHookClient, type AudioHookClientOptions } from '../../gateway/audiohook/client.js';
import type { ServerMessage } from '../../gateway/audiohook/messages.js';
import { NULL_UUID } from '../../gateway/audiohook/parse.js';
import { audiohookConversationId, createAudioHookDriver } from '../../bench/lib/drivers/audiohook.js';
import { startCall } from '../../gateway/native/client.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';
import { concat, frames, recording } from '../fixtures/shared.js';
import { decimate16to8 } from '../fixtures/telephone.js';

/**
 * Conformance of /v1/audiohook with the public Genesys AudioHook protocol (version 2), black-box: a real
 * server on loopback, driven the way Genesys Cloud drives it (gateway/audiohook/client.ts).
 */

// The documentation's sample API key and client secret, for the tenant that signs; another tenant does not.
const KEY = 'SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh';
const SECRET = Buffer.from('TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=', 'base64');
const PLAIN_KEY = 'plain-tenant-key-0123456789abcdef';
const ORG = 'd7934305-0972-4844-938e-9060eef73d05';
/** 20 ms of stereo 8 kHz μ-law. */
const FRAME = 320;

let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let tap: EventTap;

beforeAll(async () => {
  data = tempDataDir();
  const keys = join(data.dir, 'keys.yaml');
  writeFileSync(keys, `tenants:\n  - id: genesys\n    keys: [${KEY}]\n    clientSecret: "${SECRET.toString('base64')}"\n  - id: plain\n    keys: [${PLAIN_KEY}]\n`);
  server = await startTestServer(data.dir, { apiKeysFile: keys, maxMessageRate: 5000 });
  tap = await tapEvents(server.wsUrl);
});
afterAll(async () => {
  tap?.close();
  await server?.close();
  data?.remove();
});

const connect = (o: Partial<AudioHookClientOptions> = {}): Promise<AudioHookClient> =>
  connectAudioHook({ baseUrl: server.wsUrl, apiKey: KEY, clientSecret: SECRET, organizationId: ORG, ...o });
const ended = (callId: string) => tap.waitFor((e) => e.type === 'call.ended' && e.callId === callId, 60_000) as Promise<CallEndedEvent>;
const noise = (samples: number, channels = 2): Uint8Array => {
  let seed = 7;
  return Uint8Array.from({ length: samples * channels }, () => 0xf0 + ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 28));
};
const sendNoise = (c: AudioHookClient, samples: number): void => {
  for (const f of frames(noise(samples), FRAME)) c.sendAudio(f);
};

/** The HTTP status and body of a refused handshake. */
function refused(headers: Record<string, string>): Promise<{ status: number; body: { code?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsUrl}/v1/audiohook`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as { code?: string } }));
    });
    ws.on('open', () => reject(new Error('handshake accepted')));
    ws.on('error', () => undefined);
  });
}

/** Takes server messages until one of `type` (the ones before it are returned too). */
async function until(c: AudioHookClient, type: ServerMessage['type']): Promise<ServerMessage> {
  for (;;) {
    const m = await c.next();
    if (m === null) throw new Error(`socket closed before ${type}`);
    if (m.type === type) return m;
  }
}

describe('AudioHook conformance (protocol version 2)', () => {
  it('answers a connection probe with opened, opens no call, and closes cleanly', async () => {
    const before = server.registry.liveCount;
    const c = await connect();
    const t0 = performance.now();
    const opened = await c.open({ conversationId: NULL_UUID, participant: { id: NULL_UUID, ani: '', aniName: '', dnis: '' }, media: GENESYS_OFFER });
    expect(performance.now() - t0).toBeLessThan(1000); // Genesys gives up on an open after 5 s
    expect(opened).toEqual({ version: '2', type: 'opened', id: c.sessionId, seq: 1, clientseq: 1, parameters: { media: [GENESYS_OFFER[0]], startPaused: false } });
    expect(server.registry.liveCount).toBe(before);
    expect(await c.close()).toEqual({ version: '2', type: 'closed', id: c.sessionId, seq: 2, clientseq: 2, parameters: {} });
    expect((await c.closed).code).toBe(1000);
    expect(server.store.getCall(NULL_UUID)).toBeUndefined();
  });

  it('runs a session through every client message type, with seq/clientseq and position bookkeeping', async () => {
    const conversationId = randomUUID();
    const c = await connect();
    const t0 = performance.now();
    const opened = await c.open({ conversationId, participant: { id: randomUUID(), ani: '+8613912345678', aniName: '李四', dnis: '95588' }, media: GENESYS_OFFER, language: 'zh-CN' });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(opened?.parameters.media).toEqual([{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }]);

    sendNoise(c, 8000); // 1 s streamed
    const ping = c.send('ping', { rtt: 'PT0.015S' });
    expect(await c.next()).toMatchObject({ type: 'pong', seq: 2, clientseq: ping, parameters: {} });
    c.send('update', { language: 'en-US' }); // no answer: the next message answers the next ping
    c.advance(4000); // half a second the client discarded (e.g. its buffer overflowed)
    c.send('discarded', { start: 'PT1S', discarded: 'PT0.5S' });
    // A client-initiated (secure) pause: no audio while paused, the position still runs.
    c.send('paused', {});
    c.advance(3 * 8000);
    const pausedPing = c.send('ping', {});
    expect(await c.next()).toMatchObject({ type: 'pong', seq: 3, clientseq: pausedPing });
    c.send('resumed', { start: 'PT1.5S', discarded: 'PT3S' });
    sendNoise(c, 4000); // 0.5 s more
    const closed = await c.close('end');
    expect(closed).toMatchObject({ type: 'closed', seq: 4, clientseq: 8, id: c.sessionId });
    expect((await c.closed).code).toBe(1000);

    const end = await ended(conversationId);
    expect(end).toMatchObject({ endReason: 'stop' });
    // Only what was streamed is analysed: 1.5 s, not the 5 s of stream position.
    expect(end.durationMs).toBe(1500);
    expect(server.store.getCall(conversationId)).toMatchObject({
      protocol: 'genesys-audiohook', status: 'ended', endReason: 'stop', agentId: null,
      audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] },
      metadata: { conversationId, organizationId: ORG, sessionId: c.sessionId, ani: '+8613912345678', aniName: '李四', dnis: '95588', language: 'zh-CN', tenant: 'genesys' },
    });
  });

  it('negotiates L16 mono for the agent alone when that is all the client offers', async () => {
    const conversationId = randomUUID();
    const c = await connect({ apiKey: PLAIN_KEY, clientSecret: undefined });
    const opened = await c.open({ conversationId, media: [{ type: 'audio', format: 'L16', channels: ['internal'], rate: 8000 }] });
    expect(opened?.parameters.media).toEqual([{ type: 'audio', format: 'L16', channels: ['internal'], rate: 8000 }]);
    for (const f of frames(new Uint8Array(3200), 320)) c.sendAudio(f); // 200 ms of 16-bit silence
    await c.close();
    expect(await ended(conversationId)).toMatchObject({ endReason: 'stop', durationMs: 200 });
    expect(server.store.getCall(conversationId)).toMatchObject({ audio: { encoding: 'pcm16', channels: 1, channelRoles: ['agent'] }, metadata: { tenant: 'plain' } });
  });

  it('answers a late open (audio first) with disconnect, then the close transaction and the close code', async () => {
    const c = await connect();
    c.sendAudio(noise(160));
    const d = await c.next();
    expect(d).toMatchObject({ type: 'disconnect', seq: 1, clientseq: 0, parameters: { reason: 'error', info: expect.stringMatching(/^EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED: .*before the open transaction/) } });
    expect(await c.close('disconnect')).toMatchObject({ type: 'closed', seq: 2 });
    expect(await c.closed).toMatchObject({ code: 4506, reason: expect.stringMatching(/^EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED/) });
  });

  it('stores a session the client ends with error as a protocol error with the client’s code', async () => {
    const conversationId = randomUUID();
    const c = await connect();
    await c.open({ conversationId, media: GENESYS_OFFER });
    sendNoise(c, 1600);
    c.send('error', { code: 500, message: 'media source failed' });
    expect(await c.close('error')).toMatchObject({ type: 'closed' });
    expect(await ended(conversationId)).toMatchObject({
      endReason: 'protocol-error', error: { code: 'EARSHOT_ERR_AUDIOHOOK_CLIENT_ERROR', message: 'client error 500: media source failed' },
    });
  });

  it('keeps a call whose socket drops without a close transaction, as socket-closed', async () => {
    const conversationId = randomUUID();
    const c = await connect();
    await c.open({ conversationId, media: GENESYS_OFFER });
    sendNoise(c, 800);
    c.ws.terminate();
    expect(await ended(conversationId)).toMatchObject({ endReason: 'socket-closed', durationMs: 100 });
  });
});

describe('the AudioHook bench driver', () => {
  it('streams a call the way Genesys does, recorded under the conversation id it derives', async () => {
    const d = createAudioHookDriver({ clientSecret: SECRET });
    const target = { httpUrl: server.url, wsUrl: server.wsUrl, grpcPort: 0, apiKey: KEY };
    const call = await d.open(target, 'bench-call-1');
    for (const f of frames(noise(1600), FRAME)) call.sendFrame(f);
    await call.stop();
    const callId = audiohookConversationId('bench-call-1');
    expect((call as unknown as { callId: string }).callId).toBe(callId);
    expect(await ended(callId)).toMatchObject({ endReason: 'stop', durationMs: 200 });
    expect(server.store.getCall(callId)?.protocol).toBe(d.protocol);
  });
});

describe('AudioHook connection request: API key and HTTP message signature (before the upgrade)', () => {
  const ids = { 'Audiohook-Organization-Id': ORG, 'Audiohook-Session-Id': randomUUID(), 'Audiohook-Correlation-Id': randomUUID() };
  const signedHeaders = async (o: Partial<AudioHookClientOptions>) => {
    return audiohookHeaders({ baseUrl: server.wsUrl, apiKey: KEY, clientSecret: SECRET, ...o }, {
      organizationId: ids['Audiohook-Organization-Id'], sessionId: ids['Audiohook-Session-Id'], correlationId: ids['Audiohook-Correlation-Id'],
    });
  };

  it('refuses a missing or unknown X-API-KEY with 401', async () => {
    expect(await refused(ids)).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUTH_REQUIRED' } });
    expect(await refused({ ...ids, 'X-API-KEY': 'not-a-key-of-this-server-000' })).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUTH_INVALID' } });
  });

  it('refuses an unsigned request of a tenant with a client secret, a bad signature and an expired one with 401', async () => {
    expect(await refused({ ...ids, 'X-API-KEY': KEY })).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUDIOHOOK_SIGNATURE_REQUIRED' } });
    const wrongSecret = await signedHeaders({ clientSecret: Buffer.from('a-secret-that-is-not-the-tenants') });
    expect(await refused(wrongSecret)).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUDIOHOOK_SIGNATURE_INVALID', message: expect.stringMatching(/MAC does not match/) } });
    const tampered = { ...(await signedHeaders({})), 'Audiohook-Session-Id': randomUUID() };
    expect(await refused(tampered)).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUDIOHOOK_SIGNATURE_INVALID' } });
    const old = await signedHeaders({ sign: { createdS: Math.floor(Date.now() / 1000) - 120, lifetimeS: 30 } });
    expect(await refused(old)).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUDIOHOOK_SIGNATURE_EXPIRED' } });
    const garbled = { ...(await signedHeaders({})), Signature: 'sig1=:not base64!:' };
    expect(await refused(garbled)).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUDIOHOOK_SIGNATURE_INVALID' } });
  });

  it('accepts a valid signature once, and refuses the same request replayed', async () => {
    const headers = await signedHeaders({ sign: { nonce: `replay-${randomUUID()}` } });
    const ws = new WebSocket(`${server.wsUrl}/v1/audiohook`, { headers });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.close();
    expect(await refused(headers)).toMatchObject({ status: 401, body: { code: 'EARSHOT_ERR_AUDIOHOOK_SIGNATURE_INVALID', message: expect.stringMatching(/nonce already used/) } });
  });

  it('accepts an unsigned request of a tenant without a client secret', async () => {
    const c = await connect({ apiKey: PLAIN_KEY, clientSecret: undefined });
    expect(await c.open({ conversationId: NULL_UUID, media: GENESYS_OFFER })).toMatchObject({ type: 'opened' });
    await c.close();
  });
});

describe('AudioHook fuzz: malformed input is refused with its own code, and other calls go on', () => {
  it('answers each malformed message with disconnect and closes with the code, while a live call keeps streaming', async () => {
    const liveId = randomUUID();
    const live = await connect();
    await live.open({ conversationId: liveId, media: GENESYS_OFFER });
    sendNoise(live, 4000);

    const openMsg = (conversationId: string, media: unknown = GENESYS_OFFER, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ version: '2', type: 'open', seq: 1, serverseq: 0, position: 'PT0S', parameters: { organizationId: ORG, conversationId, participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' }, media }, ...extra });
    type Case = { name: string; act: (c: AudioHookClient) => void | Promise<void>; code: string; close: number; call?: boolean };
    const withId = (c: AudioHookClient, text: string) => text.replace('"version":"2"', `"version":"2","id":"${c.sessionId}"`);
    const cases: Case[] = [
      { name: 'truncated JSON', act: (c) => c.sendRaw('{"version":"2","type":"op'), code: 'EARSHOT_ERR_WS_BAD_JSON', close: 4000 },
      { name: 'audio bytes in a text frame', act: (c) => c.sendRaw(Buffer.from(noise(80)).toString('latin1')), code: 'EARSHOT_ERR_WS_BAD_JSON', close: 4000 },
      { name: 'wrong version type', act: (c) => c.send('ping', {}, { version: 2 }), code: 'EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', close: 4500 },
      { name: 'seq as a string', act: (c) => c.send('ping', {}, { seq: '1' }), code: 'EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', close: 4500 },
      { name: 'position not a duration', act: (c) => c.send('ping', {}, { position: 1.5 }), code: 'EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', close: 4500 },
      { name: 'unknown type', act: (c) => c.send('launch' as 'ping', {}), code: 'EARSHOT_ERR_AUDIOHOOK_UNKNOWN_TYPE', close: 4501 },
      { name: 'open with media as a string', act: (c) => c.sendRaw(withId(c, openMsg(randomUUID(), 'PCMU'))), code: 'EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', close: 4502 },
      { name: 'open without participant', act: (c) => c.send('open', { organizationId: ORG, conversationId: randomUUID(), media: GENESYS_OFFER } as never), code: 'EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', close: 4502 },
      { name: 'close with an unknown reason', act: (c) => c.send('close', { reason: 'bye' }), code: 'EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', close: 4502 },
      { name: 'seq skipped', act: (c) => c.send('ping', {}, { seq: 5 }), code: 'EARSHOT_ERR_AUDIOHOOK_SEQUENCE', close: 4503 },
      { name: 'serverseq ahead of the server', act: (c) => c.send('ping', {}, { serverseq: 9 }), code: 'EARSHOT_ERR_AUDIOHOOK_SEQUENCE', close: 4503 },
      { name: 'another session id', act: (c) => c.send('ping', {}, { id: randomUUID() }), code: 'EARSHOT_ERR_AUDIOHOOK_SESSION_MISMATCH', close: 4504 },
      { name: 'resumed before open', act: (c) => c.send('resumed', { start: 'PT0S', discarded: 'PT0S' }), code: 'EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE', close: 4505 },
      { name: 'binary before open', act: (c) => c.sendAudio(noise(160)), code: 'EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED', close: 4506 },
      { name: 'only 16 kHz offered', act: (c) => c.sendRaw(withId(c, openMsg(randomUUID(), [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 16000 }]))), code: 'EARSHOT_ERR_AUDIOHOOK_UNSUPPORTED_MEDIA', close: 4507 },
      { name: 'open for another organization', act: (c) => c.sendRaw(withId(c, openMsg(randomUUID()).replace(ORG, randomUUID()))), code: 'EARSHOT_ERR_AUDIOHOOK_ORGANIZATION_MISMATCH', close: 4508 },
      { name: 'text over the frame limit', act: (c) => c.sendRaw(JSON.stringify({ pad: 'x'.repeat(70 * 1024) })), code: 'EARSHOT_ERR_WS_FRAME_TOO_LARGE', close: 1009 },
      // After a good open: the call is stored as ended by protocol-error with the code.
      { name: 'audio over the frame limit', act: (c) => c.sendAudio(new Uint8Array(300 * 1024)), code: 'EARSHOT_ERR_WS_FRAME_TOO_LARGE', close: 1009, call: true },
      { name: 'half a stereo sample', act: (c) => c.sendAudio(new Uint8Array(321)), code: 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE', close: 4007, call: true },
      { name: 'a second open', act: (c) => void c.send('open', { organizationId: ORG, conversationId: randomUUID(), participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' }, media: GENESYS_OFFER }), code: 'EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE', close: 4505, call: true },
      { name: 'audio while paused', act: (c) => (c.send('paused', {}), c.sendAudio(noise(160))), code: 'EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED', close: 4506, call: true },
      { name: 'position behind the audio sent', act: (c) => void c.send('ping', {}, { position: 'PT0S' }), code: 'EARSHOT_ERR_AUDIOHOOK_SEQUENCE', close: 4503, call: true },
    ];
    for (const k of cases) {
      const c = await connect();
      const conversationId = randomUUID();
      if (k.call) {
        expect(await c.open({ conversationId, media: GENESYS_OFFER }), k.name).toMatchObject({ type: 'opened' });
        sendNoise(c, 800);
      }
      await k.act(c);
      const d = await until(c, 'disconnect');
      expect(d.parameters, k.name).toMatchObject({ reason: k.code.endsWith('ORGANIZATION_MISMATCH') ? 'unauthorized' : 'error', info: expect.stringMatching(new RegExp(`^${k.code}: `)) });
      // Genesys answers a disconnect with its close transaction; the socket then closes with the code.
      c.send('close', { reason: 'disconnect' });
      expect(await c.closed, k.name).toMatchObject({ code: k.close, reason: expect.stringMatching(new RegExp(`^${k.code}`)) });
      if (k.call) expect(await ended(conversationId), k.name).toMatchObject({ endReason: 'protocol-error', error: { code: k.code } });
      // Meanwhile the live call keeps streaming.
      sendNoise(live, 800);
    }
    expect(await live.close()).toMatchObject({ type: 'closed' });
    expect(await ended(liveId)).toMatchObject({ endReason: 'stop', durationMs: 500 + cases.length * 100 });
  });
});

/** 16 kHz mono → the 8 kHz the telephone carries. */
const to8k = (pcm: Int16Array): Int16Array => decimate16to8(pcm);

describe('AudioHook and the native protocol give the same analysis of the same call', () => {
  it('streams a real stereo 8 kHz μ-law call over both and gets the same transcripts and alerts, within one 20 ms frame', async () => {
    const customerSpeech = recording('paddlespeech-zh.wav').samples; // 我认为跑步最重要的就是给我带来了身体健康
    const agentSpeech = recording('BAC009S0764W0121.wav').samples; // 甚至出现交易几乎停滞的情况
    const agentAgain = recording('TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav').samples;
    const R = 16000;
    // customer speaks, the agent answers, 9 s of silence (dead air), the agent speaks again.
    const customer = concat([R, customerSpeech, R / 2 + agentSpeech.length + 9 * R + agentAgain.length + R / 2]);
    const agent = concat([R + customerSpeech.length + R / 2, agentSpeech, 9 * R, agentAgain, R / 2]);
    const left = encodeMulawBuffer(to8k(customer));
    const right = encodeMulawBuffer(to8k(agent));
    const stereo = new Uint8Array(left.length * 2);
    for (let i = 0; i < left.length; i++) {
      stereo[2 * i] = left[i]!;
      stereo[2 * i + 1] = right[i]!;
    }

    const native = await startCall(server.wsUrl, { callId: `native-${randomUUID()}`, sampleRate: 8000, encoding: 'mulaw', channels: 2 }, '/v1/audio', { 'x-api-key': PLAIN_KEY });
    for (const f of frames(stereo, FRAME)) native.sendAudio(f);
    await native.stop();
    const nativeEnd = await ended(native.callId);

    const conversationId = randomUUID();
    const ah = await connect();
    await ah.open({ conversationId, media: GENESYS_OFFER });
    for (const f of frames(stereo, FRAME)) ah.sendAudio(f);
    expect(await ah.close()).toMatchObject({ type: 'closed' });
    const ahEnd = await ended(conversationId);
    expect(ahEnd.durationMs).toBe(nativeEnd.durationMs);

    const of = (callId: string) => tap.events.filter((e) => e.callId === callId);
    const finals = (events: CallEvent[]) => events.filter((e): e is UtteranceEvent => e.type === 'utterance.final');
    // System alerts (the lag warning) depend on the machine's load, not on the call.
    const alerts = (events: CallEvent[]) => events.filter((e): e is AlertEvent => e.type === 'alert' && e.kind !== 'system');
    const [nf, af] = [finals(of(native.callId)), finals(of(conversationId))];
    const [na, aa] = [alerts(of(native.callId)), alerts(of(conversationId))];

    for (const channel of ['customer', 'agent'] as const) {
      expect(af.filter((u) => u.channel === channel).map((u) => u.text), channel).toEqual(nf.filter((u) => u.channel === channel).map((u) => u.text));
    }
    expect(nf.filter((u) => u.channel === 'customer').length).toBeGreaterThanOrEqual(1);
    expect(nf.filter((u) => u.channel === 'agent').length).toBeGreaterThanOrEqual(2);
    expect(aa.map((a) => [a.ruleId, a.status, a.channel])).toEqual(na.map((a) => [a.ruleId, a.status, a.channel]));
    expect(na.map((a) => a.ruleId)).toContain('dead-air');
    const close = (x: number, y: number | null | undefined) => expect(Math.abs(x - (y ?? NaN))).toBeLessThanOrEqual(20);
    nf.forEach((u, i) => (close(u.startMs, af[i]?.startMs), close(u.endMs, af[i]?.endMs)));
    na.forEach((a, i) => (close(a.startMs, aa[i]?.startMs), close(a.endMs ?? 0, aa[i]?.endMs ?? 0)));
  });
});
