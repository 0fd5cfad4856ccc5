import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { EventBus } from '../../engine/bus.js';
import { EarshotError } from '../../engine/errors.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import type { AudioAuth } from '../auth.js';
import type { GrpcLimits, LiveRpc, RpcDeps } from './call-rpc.js';
import { serveStreamingRecognize } from './google-stt.js';
import type { Malformed, StreamCallRequest, StreamCallResponse, StreamingRecognizeRequest, StreamingRecognizeResponse } from './messages.js';
import { loadEarshotPackage, loadSpeechPackage, serviceOf } from './protos.js';
import { serveStreamCall } from './stream-call.js';

export interface GrpcGatewayOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  registry: CallRegistry;
  auth: AudioAuth;
  bus: EventBus;
  limits: GrpcLimits;
  log: Logger;
}

export interface GrpcGateway {
  /** The port bound. */
  readonly port: number;
  /**
   * Refuses new streams (UNAVAILABLE, EARSHOT_ERR_SHUTTING_DOWN), ends each live gRPC call as
   * `server-shutdown` (its client gets call.ended, then UNAVAILABLE), then closes the port.
   */
  close(): Promise<void>;
}

/** How long closing waits for clients to take their last responses before cutting connections. */
const CLOSE_GRACE_MS = 2000;

/** `host:port` as gRPC names it; an IPv6 address in brackets. */
function bindAddress(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/**
 * The gRPC audio services on one port (`--grpc-port`, 50051 by default): earshot.v1.Earshot/StreamCall,
 * the native protocol, and google.cloud.speech.v1.Speech/StreamingRecognize (and its v1p1beta1 twin) for
 * telephony modules written for Google's speech API. Plaintext HTTP/2 (h2c), like the WebSocket endpoints: put TLS in front of it
 * (docs/integrations.md).
 */
export async function startGrpcGateway(options: GrpcGatewayOptions): Promise<GrpcGateway> {
  const { limits, log } = options;
  const server = new Server({
    // Our own limits answer first, with their codes (EARSHOT_ERR_WS_FRAME_TOO_LARGE); this is the backstop on memory.
    'grpc.max_receive_message_length': 4 * Math.max(limits.maxFrameBytes, limits.maxTextFrameBytes),
    // A client whose connection dies without a FIN (a cable, a NAT) is found by pings, so its call ends.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
  const live = new Set<LiveRpc>();
  let closing = false;
  const deps = (protocol: string): RpcDeps => ({
    registry: options.registry,
    auth: options.auth,
    bus: options.bus,
    limits,
    log: log.child({ protocol }),
    live,
    closing: () => closing,
  });
  const nativeDeps = deps('native-grpc');
  const googleDeps = deps('google-stt-grpc');
  server.addService(serviceOf(loadEarshotPackage(), 'earshot.v1.Earshot'), {
    StreamCall: (call: ServerDuplexStream<StreamCallRequest | Malformed, StreamCallResponse>) => serveStreamCall(call, nativeDeps),
  });
  const speech = loadSpeechPackage();
  for (const version of ['v1', 'v1p1beta1']) {
    // Recognize and LongRunningRecognize are left to grpc-js: UNIMPLEMENTED.
    server.addService(serviceOf(speech, `google.cloud.speech.${version}.Speech`), {
      StreamingRecognize: (call: ServerDuplexStream<StreamingRecognizeRequest | Malformed, StreamingRecognizeResponse>) => serveStreamingRecognize(call, googleDeps),
    });
  }

  const address = bindAddress(options.host, options.port);
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
  } catch (err) {
    server.forceShutdown();
    throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `gRPC cannot listen on ${address} (--grpc-port, or --grpc no): ${(err as Error).message}`, { cause: err });
  }

  let closed: Promise<void> | null = null;
  return {
    port,
    close() {
      closed ??= (async () => {
        closing = true;
        await Promise.all([...live].map((rpc) => rpc.shutdown()));
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, CLOSE_GRACE_MS);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
      })();
      return closed;
    },
  };
}
