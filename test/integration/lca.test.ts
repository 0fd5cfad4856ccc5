import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEndedEvent, CallStartedEvent } from '../../engine/events.js';
import { closedInfo, openSocket } from '../../gateway/native/client.js';
import { callWithGap } from '../fixtures/calls.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';
import { frames } from '../fixtures/shared.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let tap: EventTap;

beforeAll(async () => {
  data = tempDataDir();
  server = await startTestServer(data.dir);
  tap = await tapEvents(server.wsUrl);
});
afterAll(async () => {
  tap.close();
  await server.close();
  data.remove();
});

/** A WAV file as AWS LCA's client streams it: 44-byte header, then the samples, sent in fixed-size chunks. */
function wavFile(pcm: Uint8Array, sampleRate: number, channels: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

describe('AWS Live Call Analytics client compatibility', () => {
  it('accepts CallMetaData on /api/v1/ws with ?authorization=, skips the WAV header and ends on callEvent END', async () => {
    const call = callWithGap();
    const ws = await openSocket(`${server.wsUrl}/api/v1/ws?authorization=${encodeURIComponent('Bearer eyJhbGciOi.test.token')}`);
    const closed = closedInfo(ws);
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({
      callId: 'lca-1', fromNumber: '+8613800000000', toNumber: '95588', agentId: 'agent-9', samplingRate: 16000, callEvent: 'START',
    }));
    // The header plus 44 bytes of audio fill the first 88-byte chunk; later chunks stay whole stereo samples.
    for (const chunk of frames(wavFile(call.bytes, 16000, 2), 3200 + 44)) ws.send(chunk);
    ws.send(JSON.stringify({ callId: 'lca-1', callEvent: 'END' }));
    expect(await closed).toEqual({ code: 1000, reason: 'call ended' });
    expect(replies).toEqual([
      { type: 'started', callId: 'lca-1' },
      { type: 'stopped', callId: 'lca-1', durationMs: call.durationMs, endReason: 'client-end' },
    ]);

    const started = (await tap.waitFor((e) => e.type === 'call.started' && e.callId === 'lca-1')) as CallStartedEvent;
    expect(started).toMatchObject({
      protocol: 'aws-lca-ws', agentId: 'agent-9',
      audio: { sampleRate: 16000, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'] },
      metadata: { fromNumber: '+8613800000000', toNumber: '95588' },
    });
    const ended = (await tap.waitFor((e) => e.type === 'call.ended' && e.callId === 'lca-1')) as CallEndedEvent;
    expect(ended.endReason).toBe('client-end');
    // The header was not taken for audio: the call is exactly as long as its samples.
    expect(ended.durationMs).toBe(call.durationMs);
    const deadAir = tap.events.filter((e) => e.callId === 'lca-1' && e.type === 'alert' && e.ruleId === 'dead-air');
    expect(deadAir).toHaveLength(2);
  });

  it('rejects an LCA start with an unsupported sampling rate', async () => {
    const ws = await openSocket(`${server.wsUrl}/api/v1/ws`);
    const closed = closedInfo(ws);
    ws.send(JSON.stringify({ callId: 'lca-2', samplingRate: 11025, callEvent: 'START' }));
    expect(await closed).toMatchObject({ code: 4004 });
  });
});
