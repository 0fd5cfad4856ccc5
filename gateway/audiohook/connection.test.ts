import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { EarshotError } from '../../engine/errors.js';
import type { CallEndedEvent, EndReason } from '../../engine/events.js';
import type { CallSession, CallSpec } from '../../engine/session/call-session.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import { createAudioHookConnection, type Timers } from './connection.js';
import type { ServerMessage } from './messages.js';
import { NULL_UUID } from './parse.js';

const SESSION = 'e160e428-53e2-487c-977d-96989bf5c99d';
const ORG = 'd7934305-0972-4844-938e-9060eef73d05';
const CONV = '090eaa2f-72fa-480a-83e0-8667ff89c0ec';
const STEREO = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };
const PARTICIPANT = { id: '883efee8-3d6c-4537-b500-6d7ca4b92fa0', ani: '+8613800000000', aniName: '张三', dnis: '95588' };

/** A registry that records what the adapter asks of it (the engine has its own tests). */
function fakeRegistry() {
  const opened: CallSpec[] = [];
  const ended: { callId: string; reason: EndReason; error?: { code: string; message: string } }[] = [];
  const audio = new Map<string, number>();
  const taken = new Set<string>();
  const registry: CallRegistry = {
    open(spec) {
      if (taken.has(spec.callId)) throw new EarshotError('EARSHOT_ERR_CALL_ID_TAKEN', spec.callId);
      taken.add(spec.callId);
      opened.push(spec);
      audio.set(spec.callId, 0);
      return {
        callId: spec.callId, state: 'live', audio: spec.audio, audioMs: 0, lagMs: 0,
        acceptAudio: (f: Uint8Array) => audio.set(spec.callId, audio.get(spec.callId)! + f.length),
        acceptUtterance: () => undefined,
        end: () => Promise.resolve({} as CallEndedEvent),
      } as CallSession;
    },
    get: () => undefined,
    liveCount: 0,
    end(callId, reason, error) {
      ended.push({ callId, reason, ...(error ? { error } : {}) });
      return Promise.resolve({} as CallEndedEvent);
    },
    endAll: () => Promise.resolve(),
    recoverInterrupted: () => 0,
  };
  return { registry, opened, ended, audio };
}

function manualTimers(): Timers & { fire(): void; pending: number } {
  const fns = new Map<number, () => void>();
  let n = 0;
  return {
    setTimeout: (fn) => (fns.set(++n, fn), n),
    clearTimeout: (h) => void fns.delete(h as number),
    fire: () => [...fns.values()].forEach((f) => f()),
    get pending() {
      return fns.size;
    },
  };
}

function harness(opts: { organizationId?: string | null; sessionId?: string | null } = {}) {
  const sent: ServerMessage[] = [];
  const closes: { code: number; reason: string }[] = [];
  const reg = fakeRegistry();
  const timers = manualTimers();
  const conn = createAudioHookConnection(
    { sendText: (t) => sent.push(JSON.parse(t) as ServerMessage), close: (code, reason) => closes.push({ code, reason }) },
    reg.registry,
    {
      limits: { maxFrameBytes: 4096, maxTextFrameBytes: 2048 },
      sessionId: opts.sessionId === undefined ? SESSION : opts.sessionId,
      organizationId: opts.organizationId === undefined ? ORG : opts.organizationId,
      correlationId: 'corr-1',
      timers,
    },
    pino({ level: 'silent' }),
  );
  let seq = 0;
  let position = 0;
  const msg = (type: string, parameters: unknown, env: Record<string, unknown> = {}) => {
    const text = JSON.stringify({ version: '2', id: SESSION, type, seq: ++seq, serverseq: sent.length, position: `PT${position / 8000}S`, parameters, ...env });
    conn.onText(text, Buffer.byteLength(text));
  };
  const audio = (samples: number, channels = 2) => {
    for (let left = samples; left > 0; left -= 1600) conn.onBinary(new Uint8Array(Math.min(1600, left) * channels));
    position += samples;
  };
  const open = (conversationId = CONV, media: unknown[] = [STEREO]) => msg('open', { organizationId: ORG, conversationId, participant: PARTICIPANT, media, language: 'zh-CN' });
  return { conn, sent, closes, reg, timers, msg, audio, open, skip: (s: number) => (position += s), last: () => sent[sent.length - 1]! };
}

describe('AudioHook session (in memory)', () => {
  it('answers open with opened at once, and opens the call under the conversation id', () => {
    const h = harness();
    h.open();
    expect(h.sent).toEqual([{ version: '2', type: 'opened', id: SESSION, seq: 1, clientseq: 1, parameters: { media: [STEREO], startPaused: false } }]);
    expect(h.reg.opened).toEqual([{
      callId: CONV, agentId: null, protocol: 'genesys-audiohook',
      audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] },
      metadata: { conversationId: CONV, organizationId: ORG, sessionId: SESSION, correlationId: 'corr-1', participantId: PARTICIPANT.id, ani: PARTICIPANT.ani, aniName: PARTICIPANT.aniName, dnis: PARTICIPANT.dnis, language: 'zh-CN' },
    }]);
    expect(h.conn.callId).toBe(CONV);
  });

  it('echoes clientseq and counts its own seq on every answer', () => {
    const h = harness();
    h.open();
    h.audio(160);
    h.msg('ping', { rtt: 'PT0.02S' });
    h.msg('update', { language: 'en-US' });
    h.msg('ping', {});
    expect(h.sent.map((m) => [m.type, m.seq, m.clientseq])).toEqual([['opened', 1, 1], ['pong', 2, 2], ['pong', 3, 4]]);
  });

  it('runs a server-initiated pause and resume, accounting the paused span in the position only', () => {
    const h = harness();
    h.open();
    h.audio(800);
    expect(h.conn.pause()).toBe(true);
    expect(h.last()).toMatchObject({ type: 'pause', seq: 2, parameters: {} });
    h.audio(160); // in flight before the client paused: still part of the stream
    h.msg('paused', {});
    expect(h.conn.state).toBe('paused');
    h.skip(24000);
    h.msg('ping', {}); // the position moves on while paused
    expect(h.conn.resume()).toBe(true);
    expect(h.last()).toMatchObject({ type: 'resume', seq: 4 });
    h.msg('resumed', { start: 'PT0.12S', discarded: 'PT3S' });
    expect(h.conn.state).toBe('active');
    h.audio(160);
    expect(h.conn.positionSamples).toBe(800 + 160 + 24000 + 160);
    expect(h.reg.audio.get(CONV)).toBe((800 + 160 + 160) * 2); // the paused span was never analysed
    h.msg('close', { reason: 'end' });
    expect(h.last()).toMatchObject({ type: 'closed', seq: 5, clientseq: 5 });
    expect(h.closes).toEqual([{ code: 1000, reason: 'session closed' }]);
    expect(h.reg.ended).toEqual([{ callId: CONV, reason: 'stop' }]);
  });

  it('accounts discarded spans, and refuses a position that goes back or lags the audio', () => {
    const h = harness();
    h.open();
    h.audio(8000);
    h.skip(4000);
    h.msg('discarded', { start: 'PT1S', discarded: 'PT0.5S' });
    expect(h.conn.positionSamples).toBe(12000);
    h.msg('ping', {}, { position: 'PT1S' });
    expect(h.last()).toMatchObject({ type: 'disconnect', parameters: { reason: 'error', info: expect.stringMatching(/^EARSHOT_ERR_AUDIOHOOK_SEQUENCE: .*PT1S went back/) } });
    expect(h.reg.ended[0]).toMatchObject({ reason: 'protocol-error', error: { code: 'EARSHOT_ERR_AUDIOHOOK_SEQUENCE' } });

    const lagging = harness();
    lagging.open();
    lagging.audio(8000);
    lagging.msg('ping', {}, { position: 'PT0.985S' }); // within one 20 ms frame: rounding
    expect(lagging.last().type).toBe('pong');
    lagging.msg('ping', {}, { position: 'PT0.5S' });
    expect(lagging.last()).toMatchObject({ type: 'disconnect', parameters: { info: expect.stringMatching(/SEQUENCE: .*PT0.5S went back/) } });
    const behind = harness();
    behind.open();
    behind.audio(8000);
    behind.msg('ping', {}, { position: 'PT0.5S' });
    expect(behind.last()).toMatchObject({ type: 'disconnect', parameters: { info: expect.stringMatching(/SEQUENCE: .*PT0.5S is behind the 1 s of stream/) } });
  });

  it('answers a disconnect with the close transaction and closes with the code, or closes after the grace period', () => {
    const h = harness();
    h.audio(160); // audio before open: the late open of the conformance suite
    expect(h.last()).toMatchObject({ type: 'disconnect', seq: 1, clientseq: 0, parameters: { reason: 'error', info: expect.stringMatching(/^EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED/) } });
    h.audio(160); // in flight: dropped
    h.msg('ping', {});
    expect(h.sent).toHaveLength(1);
    h.msg('close', { reason: 'disconnect' });
    expect(h.last()).toMatchObject({ type: 'closed', seq: 2, clientseq: 2 });
    expect(h.closes).toEqual([{ code: 4506, reason: expect.stringMatching(/^EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED/) }]);
    expect(h.timers.pending).toBe(0);

    const g = harness();
    g.msg('paused', {});
    expect(g.last()).toMatchObject({ type: 'disconnect', parameters: { info: expect.stringMatching(/^EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE/) } });
    g.timers.fire();
    expect(g.closes).toEqual([{ code: 4505, reason: expect.stringMatching(/^EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE/) }]);
  });

  it('answers a connection probe and opens no call', () => {
    const h = harness();
    h.msg('open', { organizationId: ORG, conversationId: NULL_UUID, participant: { id: NULL_UUID, ani: '', aniName: '', dnis: '' }, media: [STEREO] });
    expect(h.last()).toMatchObject({ type: 'opened', parameters: { media: [STEREO] } });
    h.msg('close', { reason: 'end' });
    expect(h.last().type).toBe('closed');
    expect(h.reg.opened).toEqual([]);
    expect(h.reg.ended).toEqual([]);
  });

  it('tells a second session of the same conversation apart by its session id', () => {
    const first = harness();
    const second = harness({ sessionId: null });
    second.reg.registry.open({ callId: CONV, agentId: null, protocol: 'x', audio: { sampleRate: 8000, encoding: 'mulaw', channels: 1, channelRoles: ['customer'] }, metadata: {} });
    second.open();
    expect(second.conn.callId).toBe(`${CONV}:${SESSION}`);
    first.open();
    expect(first.conn.callId).toBe(CONV);
  });

  it('refuses an open of another organization as unauthorized, and maps a client error to the stored end', () => {
    const h = harness({ organizationId: '11111111-1111-4111-8111-111111111111' });
    h.open();
    expect(h.last()).toMatchObject({ type: 'disconnect', parameters: { reason: 'unauthorized', info: expect.stringMatching(/ORGANIZATION_MISMATCH/) } });
    expect(h.reg.opened).toEqual([]);

    const e = harness();
    e.open();
    e.msg('error', { code: 500, message: 'media source failed' });
    e.msg('close', { reason: 'error' });
    expect(e.reg.ended).toEqual([{ callId: CONV, reason: 'protocol-error', error: { code: 'EARSHOT_ERR_AUDIOHOOK_CLIENT_ERROR', message: 'client error 500: media source failed' } }]);
    expect(e.last().type).toBe('closed');
  });

  it('checks sizes, sample alignment and sequence before anything else', () => {
    const cases: [string, (h: ReturnType<typeof harness>) => void, string, number][] = [
      ['oversized text', (h) => h.conn.onText('x'.repeat(3000), 3000), 'EARSHOT_ERR_WS_FRAME_TOO_LARGE', 1009],
      ['oversized audio', (h) => (h.open(), h.conn.onBinary(new Uint8Array(5000))), 'EARSHOT_ERR_WS_FRAME_TOO_LARGE', 1009],
      ['half a stereo sample', (h) => (h.open(), h.conn.onBinary(new Uint8Array(3))), 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE', 4007],
      ['seq skipped', (h) => h.msg('open', {}, { seq: 2 }), 'EARSHOT_ERR_AUDIOHOOK_SEQUENCE', 4503],
      ['serverseq from the future', (h) => h.msg('ping', {}, { serverseq: 3 }), 'EARSHOT_ERR_AUDIOHOOK_SEQUENCE', 4503],
      ['another session id', (h) => h.msg('ping', {}, { id: '11111111-1111-4111-8111-111111111111' }), 'EARSHOT_ERR_AUDIOHOOK_SESSION_MISMATCH', 4504],
      ['second open', (h) => (h.open(), h.open()), 'EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE', 4505],
      ['audio while paused', (h) => (h.open(), h.msg('paused', {}), h.audio(160)), 'EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED', 4506],
      ['no usable media', (h) => h.open(CONV, [{ type: 'audio', format: 'opus', channels: ['external'], rate: 48000 }]), 'EARSHOT_ERR_AUDIOHOOK_UNSUPPORTED_MEDIA', 4507],
    ];
    for (const [name, act, code, close] of cases) {
      const h = harness();
      act(h);
      expect(h.last(), name).toMatchObject({ type: 'disconnect', parameters: { info: expect.stringMatching(new RegExp(`^${code}`)) } });
      h.timers.fire();
      expect(h.closes, name).toEqual([{ code: close, reason: expect.stringMatching(new RegExp(`^${code}`)) }]);
    }
  });

  it('ends the call when the socket goes away, and on abort closes at once', () => {
    const h = harness();
    h.open();
    h.conn.onTransportClosed();
    expect(h.reg.ended).toEqual([{ callId: CONV, reason: 'socket-closed' }]);
    const a = harness();
    a.open();
    a.conn.abort(new EarshotError('EARSHOT_ERR_RATE_LIMITED'));
    expect(a.closes).toEqual([{ code: 4430, reason: expect.stringMatching(/^EARSHOT_ERR_RATE_LIMITED/) }]);
    expect(a.reg.ended[0]).toMatchObject({ reason: 'protocol-error', error: { code: 'EARSHOT_ERR_RATE_LIMITED' } });
    expect(a.timers.pending).toBe(0);
  });
});
