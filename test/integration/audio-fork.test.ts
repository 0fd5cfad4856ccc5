import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEndedEvent, CallEvent, CallStartedEvent } from '../../engine/events.js';
import { openAudioFork, type AudioForkClient } from '../../gateway/audio-fork/client.js';
import { startCall } from '../../gateway/native/client.js';
import { expectSameAnalysis, mulawCallWithGap, mulawToL16 } from '../fixtures/parity.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';
import { frames } from '../fixtures/shared.js';

const KEY = 'fork-tenant-key-0123456789ab';
const MAX_FRAME = 64 * 1024;
let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let tap: EventTap;

beforeAll(async () => {
  data = tempDataDir();
  const keys = join(data.dir, 'keys.yaml');
  writeFileSync(keys, `tenants:\n  - id: bank-f\n    keys: [${KEY}]\n`);
  server = await startTestServer(data.dir, { apiKeysFile: keys, maxMessageRate: 100_000, maxFrameBytes: MAX_FRAME });
  tap = await tapEvents(server.wsUrl);
});
afterAll(async () => {
  tap.close();
  await server.close();
  data.remove();
});

const eventsOf = (callId: string): CallEvent[] => tap.events.filter((e) => e.callId === callId);
const ended = (callId: string) => tap.waitFor((e) => e.type === 'call.ended' && e.callId === callId, 30_000) as Promise<CallEndedEvent>;
const Q = `?token=${KEY}`;
/** `ms` of L16 silence-ish (a low hum, so frames are not all zero) for `channels` at `rate`, in 20 ms frames. */
function l16Frames(ms: number, rate: number, channels: number): Uint8Array[] {
  const samples = (ms * rate) / 1000;
  const b = Buffer.alloc(samples * channels * 2);
  for (let i = 0; i < samples * channels; i++) b.writeInt16LE(Math.round(30 * Math.sin(i / 7)), i * 2);
  return frames(b, (20 * rate * channels * 2) / 1000);
}
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('mod_audio_fork and jambonz listen at /v1/audio-fork: the specs’ streams', () => {
  const cases: [string, 'audio.drachtio.org' | 'audio.jambonz.org', 'mono' | 'mixed' | 'stereo', 8000 | 16000][] = [
    ['mod_audio_fork stereo 16k', 'audio.drachtio.org', 'stereo', 16000],
    ['mod_audio_fork mono 8k', 'audio.drachtio.org', 'mono', 8000],
    ['mod_audio_fork mixed 16k', 'audio.drachtio.org', 'mixed', 16000],
    ['jambonz stereo 8k', 'audio.jambonz.org', 'stereo', 8000],
    ['jambonz mono 16k', 'audio.jambonz.org', 'mono', 16000],
    ['jambonz mixed 8k', 'audio.jambonz.org', 'mixed', 8000],
  ];

  it.each(cases)('%s: metadata, L16 frames, close → a call of the right format, ended by the client', async (_name, subprotocol, mixType, sampleRate) => {
    const callId = `fork-${subprotocol.split('.')[1]}-${mixType}-${sampleRate}`;
    const channels = mixType === 'stereo' ? 2 : 1;
    // jambonz sends the call's attributes with sampleRate and mixType; a FreeSWITCH dialplan writes its own JSON.
    const metadata = subprotocol === 'audio.jambonz.org'
      ? { callSid: callId, sampleRate, mixType, direction: 'inbound', from: '+8613800000000', to: '95588', callId: `sip-${callId}@10.0.0.1`, agentId: 'a-3' }
      : { uuid: callId, agent: 'a-3', sampleRate, mixType, caller: '1000' };
    const fork = await openAudioFork(server.wsUrl, { subprotocol, query: Q, metadata });
    expect(fork.ws.protocol).toBe(subprotocol);
    for (const f of l16Frames(600, sampleRate, channels)) fork.sendAudio(f);
    expect(await fork.stop()).toMatchObject({ code: 1000 });
    expect(await ended(callId)).toMatchObject({ endReason: 'client-end', durationMs: 600 });
    const started = eventsOf(callId)[0] as CallStartedEvent;
    expect(started).toMatchObject({
      protocol: subprotocol === 'audio.jambonz.org' ? 'jambonz-listen' : 'freeswitch-audio-fork',
      agentId: 'a-3',
      audio: { sampleRate, encoding: 'pcm16', channels, channelRoles: channels === 2 ? ['customer', 'agent'] : ['customer'] },
      metadata: { mixType, tenant: 'bank-f' },
    });
    expect(fork.received).toEqual([]); // nothing is sent back on a good call
  });

  it('takes rate and mix from the URL, the key from Authorization, and ignores text frames after the metadata (send_text, jambonz DTMF)', async () => {
    const fork = await openAudioFork(server.wsUrl, {
      query: '?sampleRate=8k&mixType=stereo&channelRoles=agent,customer', headers: { authorization: `Bearer ${KEY}` }, metadata: { callId: 'fork-url-1' },
    });
    for (const f of l16Frames(200, 8000, 2)) fork.sendAudio(f);
    fork.sendText('{"event":"dtmf","dtmf":"5","duration":"1600"}');
    fork.sendText('anything the dialplan sends with send_text');
    for (const f of l16Frames(200, 8000, 2)) fork.sendAudio(f);
    await fork.stop();
    expect(await ended('fork-url-1')).toMatchObject({ endReason: 'client-end', durationMs: 400 });
    expect(eventsOf('fork-url-1')[0]).toMatchObject({ audio: { sampleRate: 8000, channels: 2, channelRoles: ['agent', 'customer'] } });
  });

  it('accepts jambonz wsAuth (HTTP Basic, the API key as password)', async () => {
    const fork = await openAudioFork(server.wsUrl, { subprotocol: 'audio.jambonz.org', headers: { authorization: basic('earshot', KEY) }, metadata: { callSid: 'fork-basic-1', sampleRate: 8000, mixType: 'mono' } });
    await fork.stop();
    expect(await ended('fork-basic-1')).toMatchObject({ endReason: 'client-end' });
  });

  it('ends the call as socket-closed when the connection drops without a close frame', async () => {
    const fork = await openAudioFork(server.wsUrl, { query: Q, metadata: { callId: 'fork-drop-1', sampleRate: 8000, mixType: 'mono' } });
    for (const f of l16Frames(100, 8000, 1)) fork.sendAudio(f);
    await new Promise((r) => setTimeout(r, 50));
    fork.ws.terminate();
    expect(await ended('fork-drop-1')).toMatchObject({ endReason: 'socket-closed', durationMs: 100 });
  });
});

describe('audio fork handshake', () => {
  const refusal = (err: unknown) => err as { status: number; body: string };

  it('negotiates ours when the client offers several, and refuses a handshake offering neither, or none, with 400', async () => {
    const fork = await openAudioFork(server.wsUrl, { subprotocol: ['chat.example.org', 'audio.jambonz.org'], query: Q });
    expect(fork.ws.protocol).toBe('audio.jambonz.org');
    await fork.stop();
    for (const subprotocol of [[], 'audiostream.drachtio.org']) {
      const err = refusal(await openAudioFork(server.wsUrl, { subprotocol, query: Q }).catch((e: unknown) => e));
      expect(err.status).toBe(400);
      expect(JSON.parse(err.body)).toMatchObject({ code: 'EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL' });
    }
  });

  it('refuses a missing or wrong key before the upgrade', async () => {
    const none = refusal(await openAudioFork(server.wsUrl).catch((e: unknown) => e));
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ code: 'EARSHOT_ERR_AUTH_REQUIRED' });
    const wrong = refusal(await openAudioFork(server.wsUrl, { headers: { authorization: basic('earshot', 'not-the-key-000000') } }).catch((e: unknown) => e));
    expect(JSON.parse(wrong.body)).toMatchObject({ code: 'EARSHOT_ERR_AUTH_INVALID' });
  });
});

describe('bad audio fork input', () => {
  let good: AudioForkClient;
  const goodCall = mulawCallWithGap(2000);
  const goodFrames = frames(mulawToL16(goodCall.interleaved), 640);
  let sent = 0;
  const more = () => {
    for (let i = 0; i < 10 && sent < goodFrames.length; i++) good.sendAudio(goodFrames[sent++]!);
  };
  beforeAll(async () => {
    good = await openAudioFork(server.wsUrl, { subprotocol: 'audio.jambonz.org', query: Q, metadata: { callSid: 'fork-good-1', sampleRate: 8000, mixType: 'stereo' } });
  });

  const meta = (m: Record<string, unknown> = {}) => JSON.stringify({ callId: `fork-bad-${Math.random().toString(36).slice(2)}`, sampleRate: 8000, mixType: 'mono', ...m });
  const cases: [string, (f: AudioForkClient) => void, number, string][] = [
    ['a first frame that is not JSON', (f) => f.sendText('{"callId":"x",'), 4701, 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
    ['metadata without a call id', (f) => f.sendText('{"sampleRate":8000,"mixType":"mono"}'), 4701, 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
    ['metadata without rate and mix (mod_audio_fork)', (f) => f.sendText('{"callId":"fork-x-1"}'), 4701, 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
    ['a sample rate of 24 kHz', (f) => f.sendText(meta({ sampleRate: 24000 })), 4004, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE'],
    ['an unknown mix type', (f) => f.sendText(meta({ mixType: 'quad' })), 4006, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS'],
    ['binary before the metadata', (f) => f.sendAudio(new Uint8Array(320)), 4702, 'EARSHOT_ERR_AUDIO_FORK_AUDIO_BEFORE_METADATA'],
    ['a frame that is not whole stereo samples', (f) => (f.sendText(meta({ mixType: 'stereo' })), f.sendAudio(new Uint8Array(322))), 4007, 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE'],
    ['an odd-length mono frame', (f) => (f.sendText(meta()), f.sendAudio(new Uint8Array(161))), 4007, 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE'],
    ['an oversized audio frame', (f) => (f.sendText(meta()), f.sendAudio(new Uint8Array(MAX_FRAME + 2))), 1009, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
    ['an oversized metadata frame', (f) => f.sendText(meta({ pad: 'x'.repeat(70_000) })), 1009, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
    ['the call id of a live call', (f) => f.sendText(meta({ callId: 'fork-good-1', callSid: 'fork-good-1' })), 4008, 'EARSHOT_ERR_CALL_DUPLICATE_ID'],
  ];

  it.each(cases)('%s: the error as mod_audio_fork’s error message, then its own close code, while another call streams on', async (_name, act, code, errCode) => {
    const fork = await openAudioFork(server.wsUrl, { query: Q });
    act(fork);
    more();
    const closed = await fork.closed;
    expect(closed.code).toBe(code);
    expect(closed.reason.startsWith(`${errCode}:`)).toBe(true);
    expect(fork.received).toEqual([{ type: 'error', data: { code: errCode, message: expect.any(String) } }]);
  });

  it('stores a call broken by bad input as ended by protocol-error', async () => {
    const fork = await openAudioFork(server.wsUrl, { query: Q, metadata: { callId: 'fork-broken-1', sampleRate: 16000, mixType: 'stereo' } });
    fork.sendAudio(new Uint8Array(6));
    expect(await ended('fork-broken-1')).toMatchObject({ endReason: 'protocol-error', error: { code: 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE' } });
  });

  it('meanwhile the good call completes with speech on both channels', async () => {
    while (sent < goodFrames.length) more();
    await good.stop();
    expect(await ended('fork-good-1')).toMatchObject({ endReason: 'client-end', durationMs: goodCall.durationMs });
    const finals = eventsOf('fork-good-1').filter((e) => e.type === 'utterance.final');
    expect(new Set(finals.map((e) => e.type === 'utterance.final' && e.channel))).toEqual(new Set(['customer', 'agent']));
  });
});

describe('a real two-sided call over mod_audio_fork and over the native protocol, on the same server', () => {
  it('gets the same transcripts per channel and the same alerts, within one 20 ms frame', async () => {
    const call = mulawCallWithGap();
    // The fork sends L16: the μ-law call's samples, decoded, so both protocols carry the same audio.
    const l16 = mulawToL16(call.interleaved);
    const native = await startCall(server.wsUrl, { callId: 'fork-parity-native', sampleRate: 8000, encoding: 'mulaw', channels: 2 }, '/v1/audio', { 'x-api-key': KEY });
    const fork = await openAudioFork(server.wsUrl, { query: Q, metadata: { uuid: 'fork-parity-fork', sampleRate: 8000, mixType: 'stereo' } });
    const nativeFrames = frames(call.interleaved, 320);
    const forkFrames = frames(l16, 640);
    for (let i = 0; i < nativeFrames.length; i++) {
      native.sendAudio(nativeFrames[i]!);
      fork.sendAudio(forkFrames[i]!);
    }
    await Promise.all([native.stop(), fork.stop()]);
    await Promise.all([ended('fork-parity-native'), ended('fork-parity-fork')]);
    const viaFork = eventsOf('fork-parity-fork');
    expectSameAnalysis(viaFork, eventsOf('fork-parity-native'));
    expect(viaFork.filter((e) => e.type === 'utterance.final').length).toBeGreaterThanOrEqual(2);
    expect(viaFork.filter((e) => e.type === 'alert' && e.ruleId === 'dead-air').map((e) => e.type === 'alert' && e.status)).toEqual(['raised', 'resolved']);
  });
});
