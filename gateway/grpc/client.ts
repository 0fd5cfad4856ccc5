import { credentials, loadPackageDefinition, Metadata, status as Status, type Client, type ClientDuplexStream, type ServiceClientConstructor, type StatusObject } from '@grpc/grpc-js';
import type { CallEvent } from '../../engine/events.js';
import type { StartRequest, StreamCallRequest, UtteranceRequest } from './messages.js';
import { loadEarshotPackage } from './protos.js';

/** A StreamCall response as the client decodes it (the loader options of protos.ts). */
export interface StreamCallReply {
  message?: 'started' | 'event' | 'stopped';
  started?: { callId: string };
  event?: { type: string; seq: number; atMs?: number; json: string };
  stopped?: { callId: string; durationMs?: number; endReason: string };
}

export type EarshotGrpcClient = Client & {
  StreamCall(metadata?: Metadata): ClientDuplexStream<StreamCallRequest, StreamCallReply>;
};

/** A plaintext client of earshot.v1.Earshot, built from the repository's .proto with @grpc/proto-loader. */
export function createEarshotClient(target: string): EarshotGrpcClient {
  const pkg = loadPackageDefinition(loadEarshotPackage()) as unknown as { earshot: { v1: { Earshot: ServiceClientConstructor } } };
  return new pkg.earshot.v1.Earshot(target, credentials.createInsecure()) as unknown as EarshotGrpcClient;
}

export function apiKeyMetadata(apiKey?: string): Metadata {
  const metadata = new Metadata();
  if (apiKey) metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}

/**
 * One call over StreamCall: the reference for integrators, used by tests and the bench driver. Holds every
 * event the server streamed back.
 */
export interface GrpcCallClient {
  readonly callId: string;
  readonly stream: ClientDuplexStream<StreamCallRequest, StreamCallReply>;
  /** The call's events, in order, as they arrive. */
  readonly events: CallEvent[];
  sendAudio(frame: Uint8Array): boolean;
  sendUtterance(u: UtteranceRequest): void;
  /** Sends stop and resolves with `stopped` (null if the stream ended first), once the stream has its status. */
  stop(): Promise<StreamCallReply['stopped'] | null>;
  /** Resolves with the stream's final status (OK, or the error the server ended it with). */
  readonly status: Promise<StatusObject>;
}

/** Opens StreamCall, sends `start` and waits for `started`; rejects with the status if the server refuses. */
export async function startGrpcCall(client: EarshotGrpcClient, start: StartRequest, metadata = new Metadata()): Promise<GrpcCallClient> {
  const stream = client.StreamCall(metadata);
  const events: CallEvent[] = [];
  let stopped: StreamCallReply['stopped'] | null = null;
  const status = new Promise<StatusObject>((resolve) => {
    stream.on('status', resolve);
    // A non-OK status also arrives as 'error'; 'status' carries it too.
    stream.on('error', () => undefined);
  });
  const started = new Promise<string | null>((resolve) => {
    stream.on('data', (reply: StreamCallReply) => {
      if (reply.started) resolve(reply.started.callId);
      else if (reply.event) events.push(JSON.parse(reply.event.json) as CallEvent);
      else if (reply.stopped) stopped = reply.stopped;
    });
    void status.then(() => resolve(null));
  });
  stream.write({ start });
  const callId = await started;
  if (callId === null) {
    const s = await status;
    throw Object.assign(new Error(`call refused: ${Status[s.code]} ${s.details}`), { code: s.code, details: s.details });
  }
  return {
    callId,
    stream,
    events,
    status,
    sendAudio: (frame) => stream.write({ audio: Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength) }),
    sendUtterance: (utterance) => void stream.write({ utterance }),
    async stop() {
      stream.write({ stop: {} });
      stream.end();
      await status;
      return stopped;
    },
  };
}
