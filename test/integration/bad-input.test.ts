import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { CallEndedEvent } from '../../engine/events.js';
import { closedInfo, openSocket, startCall, type NativeCallClient } from '../../gateway/native/client.js';
import { callWithGap, FRAME_BYTES_16K_STEREO } from '../fixtures/calls.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';
import { frames } from '../fixtures/shared.js';

const MAX_FRAME = 8192;
let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let tap: EventTap;
let good: NativeCallClient;
let goodFrames: Uint8Array[];
let sent = 0;

const start = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'start', callId: `bad-${Math.random().toString(36).slice(2)}`, sampleRate: 8000, encoding: 'pcm16', channels: 2, ...over });

/** Sends the given frames on a fresh /v1/audio socket and returns how the server closed it. */
async function closeFor(send: (ws: WebSocket) => void, path = '/v1/audio'): Promise<{ code: number; reason: string }> {
  const ws = await openSocket(server.wsUrl + path);
  const closed = closedInfo(ws);
  send(ws);
  // Keep the good call streaming while the bad one is refused.
  for (let i = 0; i < 10 && sent < goodFrames.length; i++) good.sendAudio(goodFrames[sent++]!);
  return closed;
}

beforeAll(async () => {
  data = tempDataDir();
  server = await startTestServer(data.dir, { maxFrameBytes: MAX_FRAME });
  tap = await tapEvents(server.wsUrl);
  goodFrames = frames(callWithGap().bytes, FRAME_BYTES_16K_STEREO);
  good = await startCall(server.wsUrl, { callId: 'good-1', sampleRate: 16000, encoding: 'pcm16', channels: 2 });
});
afterAll(async () => {
  tap.close();
  await server.close();
  data.remove();
});

describe('bad input on the audio socket', () => {
  const cases: [string, (ws: WebSocket) => void, number, string][] = [
    ['non-JSON text', (ws) => ws.send('hello'), 4000, 'EARSHOT_ERR_WS_BAD_JSON'],
    ['a JSON array', (ws) => ws.send('[1,2]'), 4000, 'EARSHOT_ERR_WS_BAD_JSON'],
    ['an unknown type', (ws) => ws.send('{"type":"dance"}'), 4001, 'EARSHOT_ERR_WS_UNKNOWN_TYPE'],
    ['no type at all', (ws) => ws.send('{"callId":"x"}'), 4001, 'EARSHOT_ERR_WS_UNKNOWN_TYPE'],
    ['audio before start', (ws) => ws.send(new Uint8Array(320)), 4002, 'EARSHOT_ERR_WS_AUDIO_BEFORE_START'],
    ['a start without callId', (ws) => ws.send(start({ callId: undefined })), 4003, 'EARSHOT_ERR_WS_BAD_START'],
    ['a callId with spaces', (ws) => ws.send(start({ callId: 'a b' })), 4003, 'EARSHOT_ERR_WS_BAD_START'],
    ['an unsupported sample rate', (ws) => ws.send(start({ sampleRate: 44100 })), 4004, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE'],
    ['an unsupported encoding', (ws) => ws.send(start({ encoding: 'opus' })), 4005, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING'],
    ['three channels', (ws) => ws.send(start({ channels: 3 })), 4006, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS'],
    ['roles not matching channels', (ws) => ws.send(start({ channelRoles: ['agent'] })), 4006, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS'],
    ['a frame that is not whole stereo samples', (ws) => (ws.send(start()), ws.send(new Uint8Array(322))), 4007, 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE'],
    ['an odd-length PCM16 mono frame', (ws) => (ws.send(start({ channels: 1 })), ws.send(new Uint8Array(161))), 4007, 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE'],
    ['the callId of a live call', (ws) => ws.send(start({ callId: 'good-1' })), 4008, 'EARSHOT_ERR_CALL_DUPLICATE_ID'],
    ['an oversized audio frame', (ws) => (ws.send(start()), ws.send(new Uint8Array(MAX_FRAME + 4))), 1009, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
    ['an oversized text frame', (ws) => ws.send(JSON.stringify({ type: 'start', pad: 'x'.repeat(70_000) })), 1009, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
    ['an utterance with endMs before startMs', (ws) => (ws.send(start()), ws.send('{"type":"utterance","channel":"customer","text":"喂","startMs":500,"endMs":100}')), 4010, 'EARSHOT_ERR_WS_BAD_UTTERANCE'],
    ['an utterance on an unknown channel', (ws) => (ws.send(start()), ws.send('{"type":"utterance","channel":"bot","text":"喂","startMs":0,"endMs":100}')), 4010, 'EARSHOT_ERR_WS_BAD_UTTERANCE'],
    ['a second start', (ws) => (ws.send(start()), ws.send(start())), 4011, 'EARSHOT_ERR_WS_ALREADY_STARTED'],
    ['an utterance before start', (ws) => ws.send('{"type":"utterance","channel":"agent","text":"您好","startMs":0,"endMs":900}'), 4013, 'EARSHOT_ERR_WS_MESSAGE_BEFORE_START'],
    ['a WAV header that contradicts the start', (ws) => (ws.send(start({ sampleRate: 8000, channels: 2 })), ws.send(wavHeader(16000, 2))), 4012, 'EARSHOT_ERR_AUDIO_BAD_WAV_HEADER'],
  ];

  it.each(cases)('%s gets its own close code and reason', async (_name, send, code, errCode) => {
    const closed = await closeFor(send);
    expect(closed.code).toBe(code);
    expect(closed.reason.startsWith(errCode + ':')).toBe(true);
  });

  it('refuses a callId already stored from an ended call', async () => {
    const first = await startCall(server.wsUrl, { callId: 'stored-1', sampleRate: 8000, encoding: 'alaw', channels: 1 });
    await first.stop();
    const closed = await closeFor((ws) => ws.send(start({ callId: 'stored-1' })));
    expect(closed).toMatchObject({ code: 4009 });
    expect(closed.reason).toMatch(/^EARSHOT_ERR_CALL_ID_TAKEN: .*stored-1/);
  });

  it('stores a refused call as ended by protocol-error, with the error', async () => {
    const closed = await closeFor((ws) => (ws.send(start({ callId: 'broken-1' })), ws.send(new Uint8Array(3))));
    expect(closed.code).toBe(4007);
    const ended = (await tap.waitFor((e) => e.type === 'call.ended' && e.callId === 'broken-1')) as CallEndedEvent;
    expect(ended).toMatchObject({ endReason: 'protocol-error', error: { code: 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE' } });
  });

  it('meanwhile the good call completes with all its events', async () => {
    while (sent < goodFrames.length) good.sendAudio(goodFrames[sent++]!);
    const stopped = await good.stop();
    expect(stopped).toMatchObject({ callId: 'good-1', endReason: 'stop' });
    await tap.waitFor((e) => e.type === 'qa.scored' && e.callId === 'good-1');
    const events = tap.events.filter((e) => e.callId === 'good-1');
    // Dead air only among the alerts: the rule pack's other rules (greeting, disclosure…) judge this call too.
    const core = events.filter((e) => !e.type.startsWith('utterance.') && !(e.type === 'alert' && e.ruleId !== 'dead-air'));
    expect(core.map((e) => e.type)).toEqual([
      'call.started', 'metric', 'metric', 'alert', 'alert', 'call.ended', 'qa.scored',
    ]);
    // Both channels' speech was recognised (the embedded pinyin model).
    const finals = events.filter((e) => e.type === 'utterance.final');
    expect(new Set(finals.map((e) => e.type === 'utterance.final' && e.channel))).toEqual(new Set(['customer', 'agent']));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const res = await fetch(`${server.url}/v1/calls/good-1/events`);
    expect(((await res.json()) as { events: unknown[] }).events).toEqual(events);
  });
});

function wavHeader(sampleRate: number, channels: number): Uint8Array {
  const b = Buffer.alloc(44 + 320);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + 320, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * channels * 2, 28);
  b.writeUInt16LE(channels * 2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(320, 40);
  return b;
}
