import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent, CallEndedEvent, CallEvent } from '../../engine/events.js';
import { startCall } from '../../gateway/native/client.js';
import { callWithGap, FRAME_BYTES_16K_STEREO } from '../fixtures/calls.js';
import { startTestServer, tapEvents, tempDataDir } from '../fixtures/server.js';
import { frames } from '../fixtures/shared.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a live call through the native WebSocket gateway', () => {
  it('raises and resolves dead air over a 10 s gap, ends, and keeps its events across a restart', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    let server = await startTestServer(data.dir);
    cleanups.push(() => server.close());
    const tap = await tapEvents(server.wsUrl);
    cleanups.push(tap.close);

    const call = callWithGap();
    const client = await startCall(server.wsUrl, {
      callId: 'flow-1', agentId: 'a-7', sampleRate: 16000, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'],
      metadata: { queue: 'cards' },
    });
    for (const frame of frames(call.bytes, FRAME_BYTES_16K_STEREO)) client.sendAudio(frame);
    // The platform's own transcript of the first turn, sent after its audio as a platform does (in a call with
    // audio the VAD, not the transcript's span, decides who is speaking).
    client.sendUtterance({ channel: 'customer', text: '你好，我想查一下信用卡账单', startMs: 500, endMs: 4100, final: true });
    const stopped = await client.stop();
    expect(stopped).toMatchObject({ type: 'stopped', callId: 'flow-1', endReason: 'stop' });
    expect(await client.closed).toEqual({ code: 1000, reason: 'call ended' });

    const ended = (await tap.waitFor((e) => e.type === 'call.ended' && e.callId === 'flow-1')) as CallEndedEvent;
    const events = tap.events.filter((e) => e.callId === 'flow-1');
    expect(events[0]).toMatchObject({ type: 'call.started', seq: 1, at: 0, agentId: 'a-7', protocol: 'native-ws', metadata: { queue: 'cards' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const e of events) expect(e).toMatchObject({ v: 1, callId: 'flow-1', at: expect.any(Number), emittedAt: expect.any(Number) });

    const alerts = events.filter((e): e is AlertEvent => e.type === 'alert' && e.ruleId === 'dead-air');
    expect(alerts.map((a) => [a.ruleId, a.status])).toEqual([['dead-air', 'raised'], ['dead-air', 'resolved']]);
    const [raised, resolved] = alerts as [AlertEvent, AlertEvent];
    expect(raised.alertId).toBe(resolved.alertId);
    expect(Math.abs(raised.startMs - call.gapStartMs)).toBeLessThanOrEqual(500);
    expect(Math.abs(raised.at - (raised.startMs + 8000))).toBeLessThanOrEqual(40); // raised when 8 s of silence pass
    expect(Math.abs(resolved.startMs - call.gapStartMs)).toBeLessThanOrEqual(500);
    expect(Math.abs(resolved.durationMs - call.gapMs)).toBeLessThanOrEqual(500);
    expect(resolved.channel).toBe('both');

    expect(events.some((e) => e.type === 'utterance.final' && e.text.includes('信用卡'))).toBe(true);
    const metrics = events.filter((e) => e.type === 'metric');
    expect(metrics.length).toBe(Math.floor(call.durationMs / 5000));
    expect(ended.endReason).toBe('stop');
    expect(Math.abs(ended.durationMs - call.durationMs)).toBeLessThanOrEqual(20);
    // Speech: customer ~0.5–3.0 s, agent from 13.0 s to the end (1.3 s).
    expect(ended.channels.customer!.talkMs).toBeGreaterThan(2000);
    expect(ended.channels.customer!.talkMs).toBeLessThanOrEqual(3000);
    expect(ended.channels.agent!.talkMs).toBeGreaterThan(1000);
    expect(ended.channels.agent!.talkMs).toBeLessThanOrEqual(1300);
    expect(ended.channels.customer!.silenceRatio).toBeGreaterThan(0.6);

    // Restart on the same data file: the same events come back over REST.
    await server.close();
    server = await startTestServer(data.dir);
    const res = await fetch(`${server.url}/v1/calls/flow-1/events`);
    expect(res.status).toBe(200);
    const stored = ((await res.json()) as { events: CallEvent[] }).events;
    expect(stored).toEqual(events);
    const callRes = await fetch(`${server.url}/v1/calls/flow-1`);
    expect(await callRes.json()).toMatchObject({ callId: 'flow-1', status: 'ended', endReason: 'stop', agentId: 'a-7', lastSeq: events.length });
  });

  it('stores a call whose client vanishes, marked socket-closed', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const server = await startTestServer(data.dir);
    cleanups.push(() => server.close());
    const tap = await tapEvents(server.wsUrl, '?callId=vanish-1');
    cleanups.push(tap.close);
    const client = await startCall(server.wsUrl, { callId: 'vanish-1', sampleRate: 8000, encoding: 'mulaw', channels: 1 });
    client.sendAudio(new Uint8Array(1600).fill(0xff));
    client.ws.terminate();
    const ended = (await tap.waitFor((e) => e.type === 'call.ended')) as CallEndedEvent;
    expect(ended).toMatchObject({ endReason: 'socket-closed', durationMs: 200 });
    const call = await (await fetch(`${server.url}/v1/calls/vanish-1`)).json();
    expect(call).toMatchObject({ status: 'ended', endReason: 'socket-closed' });
  });
});
