import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import speech from '@google-cloud/speech';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyMetadata, createEarshotClient, startGrpcCall, type EarshotGrpcClient, type GrpcCallClient } from '../../gateway/grpc/client.js';
import type { StreamCallRequest, StreamingRecognizeRequest } from '../../gateway/grpc/messages.js';
import { loadSpeechPackage } from '../../gateway/grpc/protos.js';
import { callWithGap, FRAME_BYTES_16K_STEREO } from '../fixtures/calls.js';
import { startTestServer, tempDataDir } from '../fixtures/server.js';
import { frames } from '../fixtures/shared.js';
import { until } from '../fixtures/until.js';

const { status: Status } = grpc;
const MAX_FRAME = 8192;
type Server = Awaited<ReturnType<typeof startTestServer>>;
type SpeechStub = grpc.Client & { StreamingRecognize(metadata?: grpc.Metadata): grpc.ClientDuplexStream<StreamingRecognizeRequest, unknown> };

/** The status a stream ends with: its code, details and the x-earshot-error-code trailer. */
function ended<Req, Res>(stream: grpc.ClientDuplexStream<Req, Res>): Promise<{ code: number; details: string; trailer: unknown }> {
  stream.on('data', () => undefined);
  stream.on('error', () => undefined);
  return new Promise((resolve) => stream.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details, trailer: s.metadata.get('x-earshot-error-code')[0] })));
}

function speechStub(port: number): SpeechStub {
  const pkg = grpc.loadPackageDefinition(loadSpeechPackage()) as unknown as { google: { cloud: { speech: { v1: { Speech: grpc.ServiceClientConstructor } } } } };
  return new pkg.google.cloud.speech.v1.Speech(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as SpeechStub;
}

/** A deterministic PRNG (mulberry32) for the fuzz loop. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const wavHeader = (rate: number, channels: number) => {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36, 4); h.write('WAVE', 8); h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22); h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate * channels * 2, 28); h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(0, 40);
  return h;
};

describe('bad input on the gRPC services, while a good call streams', () => {
  let server: Server;
  let data: ReturnType<typeof tempDataDir>;
  let client: EarshotGrpcClient;
  let stub: SpeechStub;
  let raw: grpc.Client;
  let good: GrpcCallClient;
  let goodFrames: Uint8Array[];
  let sent = 0;
  const keepStreaming = (n = 10) => {
    for (let i = 0; i < n && sent < goodFrames.length; i++) good.sendAudio(goodFrames[sent++]!);
  };

  beforeAll(async () => {
    data = tempDataDir();
    server = await startTestServer(data.dir, { maxFrameBytes: MAX_FRAME, analysisWorkers: 1 });
    client = createEarshotClient(`127.0.0.1:${server.grpcPort}`);
    stub = speechStub(server.grpcPort!);
    raw = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    goodFrames = frames(callWithGap().bytes, FRAME_BYTES_16K_STEREO);
    good = await startGrpcCall(client, { callId: 'good-grpc', sampleRate: 16000, encoding: 'PCM16', channels: 2, eventTypes: ['call.ended'] });
  });
  afterAll(async () => {
    client?.close();
    stub?.close();
    raw?.close();
    await server?.close();
    data?.remove();
  });

  const start = (over: Record<string, unknown> = {}): StreamCallRequest => ({
    start: { callId: `bad-${Math.random().toString(36).slice(2)}`, sampleRate: 8000, encoding: 'PCM16', channels: 2, ...over },
  });
  const nativeCases: [string, StreamCallRequest[], grpc.status, string][] = [
    ['audio before start', [{ audio: Buffer.alloc(320) }], Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_AUDIO_BEFORE_START'],
    ['an utterance before start', [{ utterance: { channel: 'AGENT', text: '您好', endMs: 900 } }], Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_MESSAGE_BEFORE_START'],
    ['stop before start', [{ stop: {} }], Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_MESSAGE_BEFORE_START'],
    ['no message at all', [], Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_MESSAGE_BEFORE_START'],
    ['a request that sets nothing', [{}], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_UNKNOWN_TYPE'],
    ['a start without callId', [start({ callId: '' })], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_START'],
    ['a callId with spaces', [start({ callId: 'a b' })], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_START'],
    ['an unsupported sample rate', [start({ sampleRate: 44100 })], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE'],
    ['an encoding the proto does not know', [start({ encoding: 9 })], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING'],
    ['no encoding', [start({ encoding: undefined })], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING'],
    ['three channels', [start({ channels: 3 })], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS'],
    ['an unknown event type', [start({ eventTypes: ['gossip'] })], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_START'],
    ['the callId of a live call', [start({ callId: 'good-grpc' })], Status.ALREADY_EXISTS, 'EARSHOT_ERR_CALL_DUPLICATE_ID'],
    ['a second start', [start(), start()], Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_ALREADY_STARTED'],
    ['audio that is not whole stereo samples', [start(), { audio: Buffer.alloc(322) }], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE'],
    ['an oversized audio message', [start(), { audio: Buffer.alloc(MAX_FRAME + 4) }], Status.RESOURCE_EXHAUSTED, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
    ['an utterance with endMs before startMs', [start(), { utterance: { channel: 'CUSTOMER', text: '喂', startMs: 500, endMs: 100 } }], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_UTTERANCE'],
    ['an utterance on no channel', [start(), { utterance: { text: '喂', endMs: 100 } }], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_UTTERANCE'],
    ['a WAV header that contradicts the start', [start(), { audio: wavHeader(16000, 2) }], Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_BAD_WAV_HEADER'],
  ];

  it.each(nativeCases)('StreamCall: %s gets its status and code', async (_name, requests, code, errCode) => {
    const stream = client.StreamCall();
    const status = ended(stream);
    for (const r of requests) stream.write(r);
    stream.end();
    keepStreaming();
    const s = await status;
    expect(s).toMatchObject({ code, trailer: errCode });
    expect(s.details.startsWith(`${errCode}: `)).toBe(true);
    // A call that had started is stored as ended by protocol-error, with the code.
    const callId = requests[0]?.start?.callId;
    if (callId && errCode !== 'EARSHOT_ERR_CALL_DUPLICATE_ID' && requests.length > 1) {
      await until(() => server.store.getCall(callId)?.status === 'ended');
      expect(server.store.getCall(callId)).toMatchObject({ status: 'ended', endReason: 'protocol-error' });
    }
  });

  it('StreamCall: refuses the callId of a stored (ended) call', async () => {
    const first = await startGrpcCall(client, { callId: 'stored-grpc', sampleRate: 8000, encoding: 'ALAW', channels: 1 });
    await first.stop();
    await expect(startGrpcCall(client, { callId: 'stored-grpc', sampleRate: 8000, encoding: 'ALAW', channels: 1 })).rejects.toMatchObject({
      code: Status.ALREADY_EXISTS, details: expect.stringMatching(/^EARSHOT_ERR_CALL_ID_TAKEN: .*stored-grpc/),
    });
  });

  const config = (over: Record<string, unknown> = {}) => ({ streamingConfig: { config: { encoding: 'LINEAR16', sampleRateHertz: 8000, languageCode: 'cmn-Hans-CN', ...over } } });
  const googleCases: [string, StreamingRecognizeRequest[], Record<string, string>, grpc.status, string][] = [
    ['audio before streaming_config', [{ audioContent: Buffer.alloc(320) }], {}, Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_AUDIO_BEFORE_START'],
    ['no message at all', [], {}, Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_MESSAGE_BEFORE_START'],
    ['a request that sets nothing', [{}], {}, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_UNKNOWN_TYPE'],
    ['streaming_config without config', [{ streamingConfig: {} }], {}, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_START'],
    ['FLAC', [config({ encoding: 'FLAC' })], {}, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING'],
    ['OGG_OPUS', [config({ encoding: 'OGG_OPUS', sampleRateHertz: 16000 })], {}, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING'],
    ['44.1 kHz', [config({ sampleRateHertz: 44100 })], {}, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE'],
    ['no sample rate', [config({ sampleRateHertz: 0 })], {}, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_START'],
    ['three channels', [config({ audioChannelCount: 3 })], {}, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS'],
    ['a second streaming_config', [config(), config()], {}, Status.FAILED_PRECONDITION, 'EARSHOT_ERR_WS_ALREADY_STARTED'],
    ['the call id of a live call', [config()], { 'x-earshot-call-id': 'good-grpc' }, Status.ALREADY_EXISTS, 'EARSHOT_ERR_CALL_DUPLICATE_ID'],
    ['a malformed call id', [config()], { 'x-earshot-call-id': 'a b' }, Status.INVALID_ARGUMENT, 'EARSHOT_ERR_WS_BAD_START'],
    ['an oversized audio_content', [config(), { audioContent: Buffer.alloc(MAX_FRAME + 2) }], {}, Status.RESOURCE_EXHAUSTED, 'EARSHOT_ERR_WS_FRAME_TOO_LARGE'],
  ];

  it.each(googleCases)('StreamingRecognize: %s gets its status and code', async (_name, requests, headers, code, errCode) => {
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
    const stream = stub.StreamingRecognize(metadata);
    const status = ended(stream);
    for (const r of requests) stream.write(r);
    stream.end();
    keepStreaming();
    const s = await status;
    expect(s).toMatchObject({ code, trailer: errCode });
    expect(s.details.startsWith(`${errCode}: `)).toBe(true);
  });

  it('StreamingRecognize: Google\'s own client sees the status of a config Earshot cannot take', async () => {
    const google = new speech.v1.SpeechClient({ apiEndpoint: '127.0.0.1', port: server.grpcPort!, sslCreds: grpc.credentials.createInsecure(), grpc: grpc as never, universeDomain: 'googleapis.com' });
    try {
      const stream = google.streamingRecognize({ config: { encoding: 'AMR', sampleRateHertz: 8000, languageCode: 'cmn-Hans-CN' } });
      const err = await new Promise<{ code: number; details: string }>((resolve) => {
        stream.on('error', resolve);
        stream.on('data', () => undefined);
        stream.write(Buffer.alloc(320));
      });
      expect(err.code).toBe(Status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/^EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING: .*AMR/);
    } finally {
      await google.close();
    }
  });

  it('survives a fuzz loop of garbage and wrong-type protobuf on both services: every stream gets an error status with a code', async () => {
    const random = prng(20261123);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    // Field 1 (a message) sent as a varint, a length past the end, a nested field of the wrong wire type, unknown fields only …
    const crafted = [
      Buffer.from([0x08, 0x05]), Buffer.from([0x0a, 0x7f, 0x01]), Buffer.from([0x0a, 0x02, 0x18, 0xff]), Buffer.from([0x0a, 0x03, 0x1a, 0x01, 0x41]),
      Buffer.from([0x12, 0x80, 0x80, 0x80, 0x80, 0x10]), Buffer.from([0x78, 0x01]), Buffer.from([0x0a, 0x04, 0x3a, 0x02, 0x0a, 0x00]),
      Buffer.from([0x1a, 0x02, 0x08, 0x09]), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.alloc(0),
    ];
    const paths = ['/earshot.v1.Earshot/StreamCall', '/google.cloud.speech.v1.Speech/StreamingRecognize', '/google.cloud.speech.v1p1beta1.Speech/StreamingRecognize'];
    const statuses: { code: number; details: string }[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const runs = Array.from({ length: 10 }, (_, i) => {
        const n = batch * 10 + i;
        const stream = raw.makeBidiStreamRequest(paths[n % paths.length]!, (b: Buffer) => b, (b: Buffer) => b, new grpc.Metadata());
        const status = ended(stream);
        const messages = 1 + Math.floor(random() * 3);
        for (let m = 0; m < messages; m++) stream.write(n < crafted.length * 3 && m === 0 ? crafted[n % crafted.length]! : bytes(Math.floor(random() * 64)));
        stream.end();
        return status;
      });
      keepStreaming(5);
      statuses.push(...(await Promise.all(runs)));
    }
    for (const s of statuses) {
      expect([Status.INVALID_ARGUMENT, Status.FAILED_PRECONDITION], s.details).toContain(s.code);
      expect(s.details).toMatch(/^EARSHOT_ERR_[A-Z_]+: /);
    }
    // Undecodable bytes were among them, and got their own code.
    expect(statuses.some((s) => s.details.startsWith('EARSHOT_ERR_GRPC_BAD_MESSAGE: '))).toBe(true);

    // The good call never noticed: it ends normally, and nothing was left live.
    keepStreaming(goodFrames.length);
    expect(await good.stop()).toMatchObject({ callId: 'good-grpc', endReason: 'stop' });
    expect(server.store.getCall('good-grpc')).toMatchObject({ status: 'ended', endReason: 'stop' });
    expect(server.registry.liveCount).toBe(0);
    const again = await startGrpcCall(client, { callId: 'after-fuzz', sampleRate: 8000, encoding: 'MULAW', channels: 1 });
    expect(await again.stop()).toMatchObject({ endReason: 'stop' });
  });
});

describe('gRPC with API keys', () => {
  const KEY = 'tenant-a-key-0123456789abcdef';
  const data = tempDataDir();
  let server: Server;
  let client: EarshotGrpcClient;
  beforeAll(async () => {
    const keys = join(data.dir, 'keys.yaml');
    writeFileSync(keys, `tenants:\n  - id: bank-a\n    keys: [${KEY}]\n    maxConcurrentCalls: 1\n`);
    server = await startTestServer(data.dir, { apiKeysFile: keys, maxMessageRate: 20, model: 'none', vad: 'energy' });
    client = createEarshotClient(`127.0.0.1:${server.grpcPort}`);
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    data.remove();
  });
  const start = (callId: string) => ({ callId, sampleRate: 8000 as const, encoding: 'MULAW' as const, channels: 1 });

  it('refuses a stream without a key, or with a wrong one, before it takes any message', async () => {
    await expect(startGrpcCall(client, start('nokey-1'))).rejects.toMatchObject({ code: Status.UNAUTHENTICATED, details: expect.stringMatching(/^EARSHOT_ERR_AUTH_REQUIRED: /) });
    await expect(startGrpcCall(client, start('nokey-2'), apiKeyMetadata('not-the-key-0000000000'))).rejects.toMatchObject({
      code: Status.UNAUTHENTICATED, details: expect.stringMatching(/^EARSHOT_ERR_AUTH_INVALID: /),
    });
    const google = new speech.v1.SpeechClient({ apiEndpoint: '127.0.0.1', port: server.grpcPort!, sslCreds: grpc.credentials.createInsecure(), grpc: grpc as never, universeDomain: 'googleapis.com' });
    try {
      const stream = google.streamingRecognize({ config: { encoding: 'MULAW', sampleRateHertz: 8000, languageCode: 'cmn-Hans-CN' } });
      const err = await new Promise<{ code: number; details: string }>((resolve) => {
        stream.on('error', resolve);
        stream.write(Buffer.alloc(160));
      });
      expect(err).toMatchObject({ code: Status.UNAUTHENTICATED, details: expect.stringMatching(/^EARSHOT_ERR_AUTH_REQUIRED: /) });
    } finally {
      await google.close();
    }
    expect(server.store.getCall('nokey-1')).toBeUndefined();
  });

  it('takes the key as a bearer token or x-api-key, records the tenant, and holds the tenant to its call limit', async () => {
    const first = await startGrpcCall(client, start('key-1'), apiKeyMetadata(KEY));
    const byHeader = new grpc.Metadata();
    byHeader.set('x-api-key', KEY);
    await expect(startGrpcCall(client, start('key-2'), byHeader)).rejects.toMatchObject({
      code: Status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/^EARSHOT_ERR_TENANT_CALL_LIMIT: /),
    });
    await first.stop();
    const third = await startGrpcCall(client, start('key-3'), byHeader);
    await third.stop();
    expect(server.store.getCall('key-1')!.metadata).toMatchObject({ tenant: 'bank-a' });
    expect(server.store.getCall('key-3')!.metadata).toMatchObject({ tenant: 'bank-a' });
  });

  it('ends a stream that sends past its message rate, and stores its call', async () => {
    const flood = await startGrpcCall(client, start('flood-grpc'), apiKeyMetadata(KEY));
    for (let i = 0; i < 200; i++) flood.sendAudio(new Uint8Array(160));
    const s = await flood.status;
    expect(s).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/^EARSHOT_ERR_RATE_LIMITED: /) });
    while (server.store.getCall('flood-grpc')?.status !== 'ended') await new Promise((r) => setTimeout(r, 20));
    expect(server.store.getCall('flood-grpc')).toMatchObject({ endReason: 'protocol-error' });
    await new Promise((r) => setTimeout(r, 20));
    const calm = await startGrpcCall(client, start('calm-grpc'), apiKeyMetadata(KEY));
    expect(await calm.stop()).toMatchObject({ endReason: 'stop' });
  });
});
