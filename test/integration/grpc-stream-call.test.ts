import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { status as Status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hanziToSyllables, syllableErrorRate } from '../../engine/asr/pinyin.js';
import type { CallEndedEvent, CallEvent, UtteranceEvent } from '../../engine/events.js';
import { packageRoot } from '../../engine/paths.js';
import { createEarshotClient, startGrpcCall, type EarshotGrpcClient } from '../../gateway/grpc/client.js';
import { driver as googleDriver } from '../../bench/lib/drivers/google-stt.js';
import { driver as grpcDriver } from '../../bench/lib/drivers/grpc.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';
import { concat, frames, interleavePcm16, recording } from '../fixtures/shared.js';
import { until } from '../fixtures/until.js';

/** earshot.v1.Earshot/StreamCall with a client generated from gateway/grpc/earshot.proto by @grpc/proto-loader. */
const RATE = 16000;
const root = packageRoot(import.meta.url);
let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let client: EarshotGrpcClient;
let tap: EventTap;

beforeAll(async () => {
  data = tempDataDir();
  server = await startTestServer(data.dir, { analysisWorkers: 2 });
  client = createEarshotClient(`127.0.0.1:${server.grpcPort}`);
  tap = await tapEvents(server.wsUrl);
});
afterAll(async () => {
  tap?.close();
  client?.close();
  await server?.close();
  data?.remove();
});

describe('native gRPC StreamCall', () => {
  it('streams a stereo call with a real recording on the customer channel and gets started, its events and stopped', async () => {
    const speech = recording('paddlespeech-zh.wav').samples;
    const customer = concat([RATE, speech, RATE]);
    const agent = new Int16Array(customer.length);
    const call = await startGrpcCall(client, {
      callId: 'grpc-1', agentId: 'a-3', sampleRate: RATE, encoding: 'PCM16', channels: 2, channelRoles: ['CUSTOMER', 'AGENT'],
      metadata: { fields: { queue: { kind: 'stringValue', stringValue: 'cards' } } },
    });
    expect(call.callId).toBe('grpc-1');
    for (const f of frames(interleavePcm16([customer, agent]), 1280)) call.sendAudio(f);
    call.sendUtterance({ channel: 'AGENT', text: '好的，我帮您查一下', startMs: 5000, endMs: 6500 });
    const stopped = await call.stop();
    expect(stopped).toMatchObject({ callId: 'grpc-1', endReason: 'stop' });
    expect(Number(stopped!.durationMs)).toBeGreaterThan(6000);
    expect((await call.status).code).toBe(Status.OK);

    const types = call.events.map((e) => e.type);
    expect(types[0]).toBe('call.started');
    expect(types.at(-1)).toBe('call.ended');
    expect(call.events.map((e) => e.seq)).toEqual(call.events.map((_, i) => i + 1));
    expect(call.events[0]).toMatchObject({ protocol: 'native-grpc', agentId: 'a-3', metadata: { queue: 'cards', tenant: 'local' } });
    expect(types).toContain('utterance.partial');
    expect(types).toContain('metric');
    const finals = call.events.filter((e): e is UtteranceEvent => e.type === 'utterance.final');
    const heard = finals.filter((u) => u.source === 'asr' && u.channel === 'customer');
    expect(heard.length).toBeGreaterThanOrEqual(1);
    const ser = syllableErrorRate(hanziToSyllables('我认为跑步最重要的就是给我带来了身体健康').map((s) => s.toneless), heard.flatMap((u) => u.pinyin!.split(' ')));
    expect(ser).toBeLessThan(0.25);
    expect(finals.find((u) => u.source === 'external')).toMatchObject({ channel: 'agent', text: '好的，我帮您查一下' });
    expect((call.events.at(-1) as CallEndedEvent).endReason).toBe('stop');

    // The stream carried exactly what the store and /v1/events have.
    const { events } = (await (await fetch(`${server.url}/v1/calls/grpc-1/events`)).json()) as { events: CallEvent[] };
    expect(events.filter((e) => e.type !== 'qa.scored')).toEqual(call.events);
    await tap.waitFor((e) => e.callId === 'grpc-1' && e.type === 'call.ended');
  });

  it('streams back only the event types asked for, and takes closing the request stream as stop', async () => {
    const call = await startGrpcCall(client, { callId: 'grpc-2', sampleRate: 8000, encoding: 'MULAW', channels: 1, eventTypes: ['utterance.final'] });
    call.sendUtterance({ channel: 'CUSTOMER', text: '我想查一下账单', startMs: 0, endMs: 1500 });
    call.stream.end();
    expect((await call.status).code).toBe(Status.OK);
    expect(call.events.map((e) => e.type)).toEqual(['utterance.final', 'call.ended']);
    expect(server.store.getCall('grpc-2')).toMatchObject({ status: 'ended', endReason: 'stop' });
  });

  it('ends the call as socket-closed when the client vanishes (its process killed)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'fixtures', 'grpc-vanishing-client.ts'), String(server.grpcPort), 'grpc-gone'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('started') && resolve());
        child.once('exit', (code) => reject(new Error(`client exited ${code}`)));
      });
      await until(() => (server.registry.get('grpc-gone')?.audioMs ?? 0) >= 200);
    } finally {
      child.kill('SIGKILL');
    }
    const ended = await tap.waitFor((e) => e.callId === 'grpc-gone' && e.type === 'call.ended');
    expect(ended).toMatchObject({ endReason: 'socket-closed' });
    expect(server.store.getCall('grpc-gone')).toMatchObject({ status: 'ended', endReason: 'socket-closed' });
  });

  it('opens calls the way the bench drivers do (native gRPC and Google StreamingRecognize)', async () => {
    const target = { httpUrl: server.url, wsUrl: server.wsUrl, grpcPort: server.grpcPort! };
    for (const driver of [grpcDriver, googleDriver]) {
      const callId = `driver-${driver.protocol}`;
      const c = await driver.open(target, callId);
      for (let i = 0; i < 50; i++) c.sendFrame(new Uint8Array(320).fill(0xff));
      await c.stop();
      await until(() => server.store.getCall(callId)?.status === 'ended');
      expect(server.store.getCall(callId)).toMatchObject({ protocol: driver.protocol, endReason: 'stop', audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2 } });
      expect(server.store.getCall(callId)!.durationMs).toBe(1000);
    }
  });
});

describe('gRPC responses a client does not read', () => {
  it('end the stream (RESOURCE_EXHAUSTED, EARSHOT_ERR_EVENTS_SLOW_CONSUMER) past --events-max-buffered-bytes, and the call is stored', async () => {
    const d = tempDataDir();
    const s = await startTestServer(d.dir, { model: 'none', vad: 'energy', eventsMaxBufferedBytes: 64 * 1024 });
    const c = createEarshotClient(`127.0.0.1:${s.grpcPort}`);
    try {
      const call = await startGrpcCall(c, { callId: 'grpc-slow', sampleRate: 8000, encoding: 'MULAW', channels: 1 });
      call.stream.pause(); // HTTP/2 flow control stops the server's responses once the window is full
      const text = '请问'.repeat(300);
      for (let i = 0; i < 400; i++) call.sendUtterance({ channel: 'CUSTOMER', text, startMs: i * 10, endMs: i * 10 + 5 });
      await until(() => s.store.getCall('grpc-slow')?.status === 'ended');
      expect(s.store.getCall('grpc-slow')).toMatchObject({ endReason: 'protocol-error' });
      call.stream.resume();
      expect(await call.status).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/^EARSHOT_ERR_EVENTS_SLOW_CONSUMER: /) });
    } finally {
      c.close();
      await s.close();
      d.remove();
    }
  });
});

describe('gRPC at start-up', () => {
  it('says so and starts nothing when the gRPC port is taken; serves no gRPC with --grpc no', async () => {
    const d = tempDataDir();
    try {
      await expect(startTestServer(d.dir, { grpcPort: server.grpcPort! })).rejects.toMatchObject({
        code: 'EARSHOT_ERR_CONFIG_INVALID', message: expect.stringContaining(`127.0.0.1:${server.grpcPort}`),
      });
      const off = await startTestServer(d.dir, { grpc: 'no', model: 'none', vad: 'energy' });
      expect(off.grpcPort).toBeNull();
      await off.close();
    } finally {
      d.remove();
    }
  });
});

describe('gRPC at shutdown', () => {
  it('ends a live gRPC call as server-shutdown: the client gets call.ended, then UNAVAILABLE', async () => {
    const d = tempDataDir();
    const s = await startTestServer(d.dir, { model: 'none', vad: 'energy' });
    const c = createEarshotClient(`127.0.0.1:${s.grpcPort}`);
    try {
      const call = await startGrpcCall(c, { callId: 'grpc-shut', sampleRate: 8000, encoding: 'MULAW', channels: 2 });
      for (let i = 0; i < 25; i++) call.sendAudio(new Uint8Array(320).fill(0xff));
      await until(() => s.registry.get('grpc-shut')!.audioMs >= 500);
      await s.close();
      const status = await call.status;
      expect(status.code).toBe(Status.UNAVAILABLE);
      expect(status.details).toMatch(/^EARSHOT_ERR_SHUTTING_DOWN: /);
      expect(call.events.at(-1)).toMatchObject({ type: 'call.ended', endReason: 'server-shutdown' });
    } finally {
      c.close();
      await s.close();
      d.remove();
    }
  });
});
