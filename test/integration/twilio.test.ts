import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEndedEvent, CallEvent, CallStartedEvent } from '../../engine/events.js';
import { closedInfo, openSocket, startCall } from '../../gateway/native/client.js';
import { openTwilioStream, type TwilioStreamClient } from '../../gateway/twilio/client.js';
import { expectSameAnalysis, mulawCallWithGap } from '../fixtures/parity.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';

const KEY = 'twilio-tenant-key-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let tap: EventTap;

beforeAll(async () => {
  data = tempDataDir();
  const keys = join(data.dir, 'keys.yaml');
  writeFileSync(keys, `tenants:\n  - id: bank-t\n    keys: [${KEY}]\n`);
  // Twilio sends a message per 20 ms per track; the tests send calls faster than real time.
  server = await startTestServer(data.dir, { apiKeysFile: keys, maxMessageRate: 100_000 });
  tap = await tapEvents(server.wsUrl);
});
afterAll(async () => {
  tap.close();
  await server.close();
  data.remove();
});

const eventsOf = (callId: string): CallEvent[] => tap.events.filter((e) => e.callId === callId);
const ended = (callId: string) => tap.waitFor((e) => e.type === 'call.ended' && e.callId === callId, 30_000) as Promise<CallEndedEvent>;
const silence = (ms: number, value = 0xff) => new Uint8Array(ms * 8).fill(value);
/** Sends μ-law in Twilio's 20 ms chunks on one track, from a start time (ms). */
function stream(t: TwilioStreamClient, track: 'inbound' | 'outbound', bytes: Uint8Array, fromMs = 0): void {
  for (let i = 0; i < bytes.length; i += 160) t.media(track, bytes.subarray(i, i + 160), fromMs + i / 8);
}

/** The HTTP status and body a refused handshake got. */
function refused(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('handshake accepted')));
    ws.on('error', () => undefined);
  });
}

describe('Twilio Media Streams at /v1/twilio: the spec’s messages', () => {
  it('takes a one-track stream (connected, start, media, dtmf, mark, stop): a mono call of the customer, ended by stop', async () => {
    const t = await openTwilioStream(server.wsUrl, {
      callSid: 'CA0000000000000000000000000000aa01', tracks: ['inbound'],
      customParameters: { token: KEY, callId: 'tw-mono-1', agentId: 'a-7', queue: 'cards' },
    });
    stream(t, 'inbound', silence(1000));
    t.dtmf('1');
    t.mark('greeting-played');
    expect(await t.stop()).toEqual({ code: 1000, reason: 'call ended' });
    const end = await ended('tw-mono-1');
    expect(end).toMatchObject({ endReason: 'stop', durationMs: 1000 });
    const started = eventsOf('tw-mono-1')[0] as CallStartedEvent;
    expect(started).toMatchObject({
      type: 'call.started', protocol: 'twilio-media-streams', agentId: 'a-7',
      audio: { sampleRate: 8000, encoding: 'mulaw', channels: 1, channelRoles: ['customer'] },
      metadata: { queue: 'cards', tenant: 'bank-t', twilio: { streamSid: t.streamSid, callSid: 'CA0000000000000000000000000000aa01', tracks: ['inbound'] } },
    });
    // The key never reaches the store.
    expect(JSON.stringify(server.store.getCall('tw-mono-1'))).not.toContain(KEY);
  });

  it('names the call by its callSid without a callId parameter, and makes an outbound-only stream the agent', async () => {
    const t = await openTwilioStream(server.wsUrl, { callSid: 'CA0000000000000000000000000000bb02', tracks: ['outbound'], urlToken: KEY });
    stream(t, 'outbound', silence(400));
    await t.stop();
    await ended('CA0000000000000000000000000000bb02');
    expect(eventsOf('CA0000000000000000000000000000bb02')[0]).toMatchObject({ audio: { channels: 1, channelRoles: ['agent'] }, agentId: null });
  });

  it('makes both tracks a stereo call (inbound customer, outbound agent), aligned by timestamp when outbound lags within the window', async () => {
    const t = await openTwilioStream(server.wsUrl, { callSid: 'CA03', tracks: ['inbound', 'outbound'], customParameters: { token: KEY, callId: 'tw-both-1' } });
    // Outbound runs 10 chunks (200 ms) behind inbound all along.
    const inbound = silence(1000);
    for (let i = 0; i < 60; i++) {
      if (i < 50) t.media('inbound', inbound.subarray(i * 160, (i + 1) * 160), i * 20);
      if (i >= 10) t.media('outbound', silence(20), (i - 10) * 20);
    }
    await t.stop();
    expect(await ended('tw-both-1')).toMatchObject({ endReason: 'stop', durationMs: 1000 });
    expect(eventsOf('tw-both-1')[0]).toMatchObject({ audio: { encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] } });
  });

  it('pads a track that lags beyond the jitter window and appends its late audio: none is dropped', async () => {
    const t = await openTwilioStream(server.wsUrl, { callSid: 'CA04', tracks: ['inbound', 'outbound'], customParameters: { token: KEY, callId: 'tw-late-1' } });
    stream(t, 'inbound', silence(1000));
    stream(t, 'outbound', silence(1000)); // all of it after inbound's second: padded to 500 ms, then appended
    await t.stop();
    expect(await ended('tw-late-1')).toMatchObject({ durationMs: 1500 });
  });

  it('hands on what it holds and ends the call when Twilio’s socket closes without stop', async () => {
    const t = await openTwilioStream(server.wsUrl, { callSid: 'CA05', tracks: ['inbound', 'outbound'], customParameters: { token: KEY, callId: 'tw-vanish-1' } });
    stream(t, 'inbound', silence(300));
    t.ws.close();
    expect(await ended('tw-vanish-1')).toMatchObject({ endReason: 'socket-closed', durationMs: 300 });
  });
});

describe('Twilio API keys: in the start message’s customParameters (Twilio drops URL query strings) or ?token=', () => {
  it('refuses a wrong ?token= before the upgrade', async () => {
    const r = await refused(`${server.wsUrl}/v1/twilio?token=not-the-key-0000000`);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'EARSHOT_ERR_AUTH_INVALID' });
  });

  it('closes a stream whose start carries a wrong token, or none, with the auth close codes', async () => {
    const wrong = await openTwilioStream(server.wsUrl, { callSid: 'CA06', customParameters: { token: 'not-the-key-0000000' } });
    expect(await wrong.closed).toMatchObject({ code: 4402, reason: expect.stringMatching(/^EARSHOT_ERR_AUTH_INVALID/) });
    const none = await openTwilioStream(server.wsUrl, { callSid: 'CA07' });
    expect(await none.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/^EARSHOT_ERR_AUTH_REQUIRED/) });
    expect(server.store.hasCall('CA06')).toBe(false);
    expect(server.store.hasCall('CA07')).toBe(false);
  });
});

describe('malformed Twilio messages', () => {
  let good: TwilioStreamClient;
  const goodCall = mulawCallWithGap(2000);
  let sentMs = 0;
  const more = () => {
    for (let i = 0; i < 10 && sentMs * 8 < goodCall.customer.length; i++, sentMs += 20) {
      good.media('inbound', goodCall.customer.subarray(sentMs * 8, sentMs * 8 + 160), sentMs);
      good.media('outbound', goodCall.agent.subarray(sentMs * 8, sentMs * 8 + 160), sentMs);
    }
  };
  beforeAll(async () => {
    good = await openTwilioStream(server.wsUrl, { callSid: 'CA08', tracks: ['inbound', 'outbound'], customParameters: { token: KEY, callId: 'tw-good-1' } });
  });

  const START = (callId: string, start: Record<string, unknown> = {}) => JSON.stringify({
    event: 'start', sequenceNumber: '1', streamSid: 'MZ1',
    start: { streamSid: 'MZ1', accountSid: 'AC1', callSid: 'CA1', tracks: ['inbound'], customParameters: { callId }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, ...start },
  });
  const MEDIA = (media: Record<string, unknown>) => JSON.stringify({ event: 'media', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '//////8=', ...media } });
  const id = () => `tw-bad-${Math.random().toString(36).slice(2)}`;
  const cases: [string, (ws: WebSocket) => void, number, string][] = [
    ['truncated JSON', (ws) => ws.send('{"event":"media","media":{"payl'), 4000, 'EARSHOT_ERR_WS_BAD_JSON'],
    ['a JSON string', (ws) => ws.send('"media"'), 4000, 'EARSHOT_ERR_WS_BAD_JSON'],
    ['event of the wrong type', (ws) => ws.send('{"event":["media"]}'), 4601, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
    ['a binary frame', (ws) => ws.send(new Uint8Array(160)), 4600, 'EARSHOT_ERR_TWILIO_BINARY_FRAME'],
    ['a binary frame after start', (ws) => (ws.send(START(id())), ws.send(new Uint8Array(160))), 4600, 'EARSHOT_ERR_TWILIO_BINARY_FRAME'],
    ['media before start', (ws) => ws.send(MEDIA({})), 4605, 'EARSHOT_ERR_TWILIO_MESSAGE_BEFORE_START'],
    ['a start without callSid', (ws) => ws.send(START(id(), { callSid: undefined, customParameters: {} })), 4602, 'EARSHOT_ERR_TWILIO_BAD_START'],
    ['tracks of the wrong type', (ws) => ws.send(START(id(), { tracks: 'both_tracks' })), 4602, 'EARSHOT_ERR_TWILIO_BAD_START'],
    ['an A-law media format', (ws) => ws.send(START(id(), { mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 } })), 4603, 'EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT'],
    ['a payload that is not base64', (ws) => (ws.send(START(id())), ws.send(MEDIA({ payload: '%%%%' }))), 4604, 'EARSHOT_ERR_TWILIO_BAD_PAYLOAD'],
    ['a payload of the wrong type', (ws) => (ws.send(START(id())), ws.send(MEDIA({ payload: [255, 255] }))), 4601, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
    ['a timestamp that is not a number', (ws) => (ws.send(START(id())), ws.send(MEDIA({ timestamp: 'soon' }))), 4601, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
    ['a timestamp an hour ahead', (ws) => (ws.send(START(id())), ws.send(MEDIA({ timestamp: '3600000' }))), 4608, 'EARSHOT_ERR_TWILIO_TIMESTAMP_JUMP'],
    ['media of another stream', (ws) => (ws.send(START(id())), ws.send(MEDIA({}).replace('"MZ1"', '"MZ9"'))), 4606, 'EARSHOT_ERR_TWILIO_STREAM_MISMATCH'],
    ['media on a track not started', (ws) => (ws.send(START(id())), ws.send(MEDIA({ track: 'outbound' }))), 4607, 'EARSHOT_ERR_TWILIO_UNKNOWN_TRACK'],
    ['a second start', (ws) => (ws.send(START(id())), ws.send(START(id()))), 4011, 'EARSHOT_ERR_WS_ALREADY_STARTED'],
    ['a huge payload', (ws) => (ws.send(START(id())), ws.send(MEDIA({ payload: Buffer.alloc(60_000).toString('base64') }))), 1009, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
    ['the callId of a live call', (ws) => ws.send(START('tw-good-1')), 4008, 'EARSHOT_ERR_CALL_DUPLICATE_ID'],
  ];

  it.each(cases)('%s gets its own close code and reason, while another call streams on', async (_name, send, code, errCode) => {
    const ws = await openSocket(`${server.wsUrl}/v1/twilio?token=${KEY}`);
    const closed = closedInfo(ws);
    send(ws);
    more();
    const info = await closed;
    expect(info.code).toBe(code);
    expect(info.reason.startsWith(`${errCode}:`)).toBe(true);
  });

  it('stores a call broken by bad input as ended by protocol-error', async () => {
    const ws = await openSocket(`${server.wsUrl}/v1/twilio?token=${KEY}`);
    ws.send(START('tw-broken-1'));
    ws.send(MEDIA({ payload: 'not base64' }));
    expect(await ended('tw-broken-1')).toMatchObject({ endReason: 'protocol-error', error: { code: 'EARSHOT_ERR_TWILIO_BAD_PAYLOAD' } });
  });

  it('meanwhile the good call completes with its speech on both channels and its events in order', async () => {
    while (sentMs * 8 < goodCall.customer.length) more();
    expect(await good.stop()).toEqual({ code: 1000, reason: 'call ended' });
    const end = await ended('tw-good-1');
    expect(end).toMatchObject({ endReason: 'stop', durationMs: goodCall.durationMs });
    const events = eventsOf('tw-good-1');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const finals = events.filter((e) => e.type === 'utterance.final');
    expect(new Set(finals.map((e) => e.type === 'utterance.final' && e.channel))).toEqual(new Set(['customer', 'agent']));
  });
});

describe('a real two-sided call over Twilio and over the native protocol, on the same server', () => {
  it('gets the same transcripts per channel and the same alerts, within one 20 ms frame', async () => {
    const call = mulawCallWithGap();
    const native = await startCall(server.wsUrl, { callId: 'parity-native', sampleRate: 8000, encoding: 'mulaw', channels: 2 }, '/v1/audio', { 'x-api-key': KEY });
    const twilio = await openTwilioStream(server.wsUrl, { callSid: 'CA09', tracks: ['inbound', 'outbound'], customParameters: { token: KEY, callId: 'parity-twilio' } });
    // Both at once, in 20 ms frames: native as interleaved stereo, Twilio as a message per track per chunk.
    for (let at = 0; at < call.customer.length; at += 160) {
      native.sendAudio(call.interleaved.subarray(2 * at, 2 * (at + 160)));
      twilio.media('inbound', call.customer.subarray(at, at + 160), at / 8);
      twilio.media('outbound', call.agent.subarray(at, at + 160), at / 8);
    }
    await Promise.all([native.stop(), twilio.stop()]);
    await Promise.all([ended('parity-native'), ended('parity-twilio')]);
    const viaTwilio = eventsOf('parity-twilio');
    const viaNative = eventsOf('parity-native');
    expectSameAnalysis(viaTwilio, viaNative);
    // The comparison is not empty: both sides spoke, and dead air was raised and resolved over the gap.
    expect(viaTwilio.filter((e) => e.type === 'utterance.final').length).toBeGreaterThanOrEqual(2);
    expect(viaTwilio.filter((e) => e.type === 'alert' && e.ruleId === 'dead-air').map((e) => e.type === 'alert' && e.status)).toEqual(['raised', 'resolved']);
  });
});
