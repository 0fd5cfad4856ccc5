import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { EarshotError } from '../../engine/errors.js';
import type { CallEndedEvent, EndReason } from '../../engine/events.js';
import type { CallSession, CallSpec } from '../../engine/session/call-session.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import { deinterleave2 } from './client.js';
import { createTwilioConnection } from './connection.js';

/** A registry whose sessions record the audio handed to them, and how they ended. */
function fakeRegistry() {
  const calls: { spec: CallSpec; audio: Uint8Array[]; ended: { reason: EndReason; error?: { code: string } } | null }[] = [];
  const registry: CallRegistry = {
    open(spec) {
      if (calls.some((c) => c.spec.callId === spec.callId)) throw new EarshotError('EARSHOT_ERR_CALL_DUPLICATE_ID', spec.callId);
      const call = { spec, audio: [] as Uint8Array[], ended: null as { reason: EndReason; error?: { code: string } } | null };
      calls.push(call);
      return {
        callId: spec.callId, audio: spec.audio, audioMs: 0, lagMs: 0,
        get state() {
          return call.ended ? 'ended' : 'live';
        },
        acceptAudio: (frame: Uint8Array) => void call.audio.push(frame.slice()),
        acceptUtterance: () => undefined,
        end: async () => ({}) as CallEndedEvent,
      } as CallSession;
    },
    get: () => undefined,
    liveCount: 0,
    end(callId, reason, error) {
      const call = calls.find((c) => c.spec.callId === callId)!;
      call.ended = { reason, ...(error ? { error } : {}) };
      return Promise.resolve({ endReason: reason } as CallEndedEvent);
    },
    endAll: async () => undefined,
    recoverInterrupted: () => 0,
  };
  return { registry, calls };
}

function connect(opts: { jitterMs?: number; token?: (t: string | undefined) => void } = {}) {
  const { registry, calls } = fakeRegistry();
  const closed: { code: number; reason: string }[] = [];
  const sent: string[] = [];
  const c = createTwilioConnection(
    { sendText: (t) => sent.push(t), close: (code, reason) => closed.push({ code, reason }) },
    (token) => {
      opts.token?.(token);
      return registry;
    },
    { maxFrameBytes: 256 * 1024, maxTextFrameBytes: 64 * 1024, aligner: { jitterMs: opts.jitterMs ?? 500 } },
    pino({ level: 'silent' }),
  );
  const send = (m: object | string) => {
    const text = typeof m === 'string' ? m : JSON.stringify(m);
    c.onText(text, Buffer.byteLength(text));
  };
  return { c, send, calls, closed, sent };
}

const start = (tracks: string[], customParameters: Record<string, string> = {}) => ({
  event: 'start', sequenceNumber: '1', streamSid: 'MZ1',
  start: { streamSid: 'MZ1', accountSid: 'AC1', callSid: 'CA1', tracks, customParameters, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
});
const media = (track: string, chunk: number, timestamp: number, value: number) => ({
  event: 'media', streamSid: 'MZ1', media: { track, chunk: String(chunk), timestamp: String(timestamp), payload: Buffer.alloc(160, value).toString('base64') },
});
const flat = (frames: Uint8Array[]) => new Uint8Array(Buffer.concat(frames));
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('a Twilio Media Streams connection', () => {
  it('opens a call on start (with the token of customParameters), aligns both tracks, counts dtmf and mark, and ends on stop', async () => {
    let token: string | undefined;
    const { send, calls, closed, sent } = connect({ token: (t) => (token = t) });
    send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    send(start(['inbound', 'outbound'], { token: 'k-0123456789abcdef', callId: 'tw-1' }));
    expect(token).toBe('k-0123456789abcdef');
    expect(calls[0]!.spec).toMatchObject({ callId: 'tw-1', protocol: 'twilio-media-streams', audio: { channels: 2, encoding: 'mulaw', sampleRate: 8000 } });
    // Outbound lags three chunks behind inbound, each track with its own chunk numbers.
    for (let i = 0; i < 10; i++) {
      send(media('inbound', i + 1, i * 20, i + 1));
      if (i >= 3) send(media('outbound', i - 2, (i - 3) * 20, 100 + i - 3));
    }
    send({ event: 'dtmf', streamSid: 'MZ1', sequenceNumber: '30', dtmf: { track: 'inbound_track', digit: '5' } });
    send({ event: 'mark', streamSid: 'MZ1', sequenceNumber: '31', mark: { name: 'greeting' } });
    for (let i = 7; i < 10; i++) send(media('outbound', i + 1, i * 20, 100 + i));
    send({ event: 'stop', streamSid: 'MZ1', sequenceNumber: '40', stop: { accountSid: 'AC1', callSid: 'CA1' } });
    await tick();
    const [inbound, outbound] = deinterleave2(flat(calls[0]!.audio));
    expect(inbound).toEqual(flat(Array.from({ length: 10 }, (_, i) => new Uint8Array(160).fill(i + 1))));
    expect(outbound).toEqual(flat(Array.from({ length: 10 }, (_, i) => new Uint8Array(160).fill(100 + i))));
    expect(calls[0]!.ended).toEqual({ reason: 'stop' });
    expect(closed).toEqual([{ code: 1000, reason: 'call ended' }]);
    expect(sent).toEqual([]); // Earshot writes nothing to a Twilio stream
  });

  it('hands on buffered audio when the socket closes without stop', () => {
    const { c, send, calls } = connect();
    send(start(['inbound', 'outbound']));
    send(media('inbound', 1, 0, 7));
    expect(calls[0]!.audio).toEqual([]);
    c.onTransportClosed();
    const [inbound, outbound] = deinterleave2(flat(calls[0]!.audio));
    expect(inbound).toEqual(new Uint8Array(160).fill(7));
    expect(outbound).toEqual(new Uint8Array(160).fill(0xff));
    expect(calls[0]!.ended).toEqual({ reason: 'socket-closed' });
  });

  const sequenceCases: [string, (send: (m: object | string) => void, c: ReturnType<typeof connect>['c']) => void, number, string][] = [
    ['media before start', (send) => send(media('inbound', 1, 0, 1)), 4605, 'EARSHOT_ERR_TWILIO_MESSAGE_BEFORE_START'],
    ['stop before start', (send) => send({ event: 'stop', streamSid: 'MZ1' }), 4605, 'EARSHOT_ERR_TWILIO_MESSAGE_BEFORE_START'],
    ['a second start', (send) => (send(start(['inbound'])), send(start(['inbound']))), 4011, 'EARSHOT_ERR_WS_ALREADY_STARTED'],
    ['media of another stream', (send) => (send(start(['inbound'])), send({ ...media('inbound', 1, 0, 1), streamSid: 'MZ2' })), 4606, 'EARSHOT_ERR_TWILIO_STREAM_MISMATCH'],
    ['media on a track not started', (send) => (send(start(['inbound'])), send(media('outbound', 1, 0, 1))), 4607, 'EARSHOT_ERR_TWILIO_UNKNOWN_TRACK'],
    ['a binary frame', (send, c) => (send(start(['inbound'])), c.onBinary(new Uint8Array(160))), 4600, 'EARSHOT_ERR_TWILIO_BINARY_FRAME'],
    ['a text frame over the limit', (send) => (send(start(['inbound'])), send({ event: 'media', pad: 'x'.repeat(70_000) })), 1009, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
  ];

  it.each(sequenceCases)('%s closes with its own code and ends the call as protocol-error', async (_name, act, code, errCode) => {
    const { c, send, calls, closed } = connect();
    act(send, c);
    await tick();
    expect(closed).toHaveLength(1);
    expect(closed[0]!.code).toBe(code);
    expect(closed[0]!.reason.startsWith(`${errCode}:`)).toBe(true);
    if (calls[0]) expect(calls[0].ended).toMatchObject({ reason: 'protocol-error', error: { code: errCode } });
  });

  it('ignores events this version does not know, and a refused key opens no call', () => {
    const { send, calls, closed } = connect();
    send({ event: 'clear', streamSid: 'MZ1' });
    expect(closed).toEqual([]);
    const refused = createTwilioConnection(
      { sendText: () => undefined, close: (code, reason) => closed.push({ code, reason }) },
      () => {
        throw new EarshotError('EARSHOT_ERR_AUTH_INVALID');
      },
      { maxFrameBytes: 1024, maxTextFrameBytes: 64 * 1024 },
      pino({ level: 'silent' }),
    );
    const text = JSON.stringify(start(['inbound']));
    refused.onText(text, text.length);
    expect(closed).toEqual([{ code: 4402, reason: 'EARSHOT_ERR_AUTH_INVALID: the API key is not valid' }]);
    expect(calls).toEqual([]);
  });
});
