import { PassThrough } from 'node:stream';
import { Metadata, type ServerDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../engine/bus.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import { createAudioAuth } from '../auth.js';
import { serveCallRpc, type RpcDeps } from './call-rpc.js';
import { Status } from './status.js';

/** A server stream as grpc-js hands it to a handler, from a peer address of our choosing. */
function fakeCall(peer: string, metadata = new Metadata()) {
  const stream = new PassThrough({ objectMode: true });
  let status: StatusObject | null = null;
  stream.on('error', (s: StatusObject) => (status = s));
  const call = Object.assign(stream, { getPeer: () => peer, metadata, sendMetadata: () => undefined, cancelled: false });
  return { call: call as unknown as ServerDuplexStream<object, object>, status: () => status };
}

function deps(over: Partial<RpcDeps> = {}): RpcDeps {
  const log = pino({ level: 'silent' });
  const registry = {
    open: () => {
      throw new Error('not reached');
    },
  } as unknown as CallRegistry;
  return {
    registry, auth: createAudioAuth([]), bus: createInProcessBus(log), log, live: new Set(), closing: () => false,
    limits: { maxFrameBytes: 8192, maxTextFrameBytes: 65536, maxMessageRate: 50, backpressureLagMs: 10_000, eventsMaxBufferedBytes: 1 << 20 },
    ...over,
  };
}

const never = () => ({ onRequest: () => undefined, onHalfClose: () => undefined, onEvent: () => undefined });

describe('a gRPC stream before any message', () => {
  it('is refused PERMISSION_DENIED from a non-loopback address when no API keys are configured', () => {
    for (const peer of ['10.0.0.7:40000', 'ipv6:[fd00::7]:40000', 'unknown']) {
      const { call, status } = fakeCall(peer);
      serveCallRpc(call, deps(), 'test', never);
      expect(status()).toMatchObject({ code: Status.PERMISSION_DENIED, details: expect.stringMatching(/^EARSHOT_ERR_AUTH_LOOPBACK_ONLY: /) });
    }
    const { call, status } = fakeCall('::ffff:127.0.0.1:40000');
    serveCallRpc(call, deps(), 'test', never);
    expect(status()).toBeNull();
  });

  it('is refused UNAVAILABLE while the server shuts down', () => {
    const { call, status } = fakeCall('127.0.0.1:40000');
    const d = deps({ closing: () => true });
    serveCallRpc(call, d, 'test', never);
    expect(status()).toMatchObject({ code: Status.UNAVAILABLE, details: expect.stringMatching(/^EARSHOT_ERR_SHUTTING_DOWN: /) });
    expect(d.live.size).toBe(0);
  });
});
