import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { closedInfo, type CloseInfo } from '../native/client.js';
import type { ClientMessageType, ClientParameters, MediaParameter, OpenParameters, ServerMessage } from './messages.js';
import { durationOfSamples } from './parse.js';
import { signRequest, type SignOptions } from './signature.js';

/**
 * A Genesys-side AudioHook client: what Genesys Cloud does on the wire, for tests, benches and integrators
 * checking a deployment (headers, request signature, sequence numbers, positions). Not used by the server.
 */
export interface AudioHookClientOptions {
  /** ws://HOST:PORT */
  baseUrl: string;
  /** Path and query (default /v1/audiohook). */
  target?: string;
  apiKey?: string;
  /** The integration's client secret: when given, the request is signed. */
  clientSecret?: Uint8Array;
  organizationId?: string;
  sessionId?: string;
  correlationId?: string;
  /** Signature overrides (tests): creation time, lifetime, nonce. */
  sign?: Partial<Pick<SignOptions, 'createdS' | 'lifetimeS' | 'nonce'>>;
  /** Extra headers, applied after the signature (a test may change a signed value). */
  headers?: Record<string, string>;
}

export interface AudioHookClient {
  readonly ws: WebSocket;
  readonly sessionId: string;
  readonly organizationId: string;
  /** Every server message received so far, in order. */
  readonly received: ServerMessage[];
  /** The next server message not yet taken; null once the socket has closed. */
  next(timeoutMs?: number): Promise<ServerMessage | null>;
  /** Sends a client message with the next seq, the last serverseq and the current position; returns its seq. */
  send<T extends ClientMessageType>(type: T, parameters: ClientParameters[T] | Record<string, unknown>, envelope?: Record<string, unknown>): number;
  sendRaw(data: string | Uint8Array): void;
  /** One binary frame; the position advances by its samples (once media is selected). */
  sendAudio(frame: Uint8Array): void;
  /** Moves the position without sending audio (a paused or discarded span). */
  advance(samples: number): void;
  /** `open` and its `opened` (null if the server answered otherwise; the answer stays in `received`). */
  open(params: Partial<OpenParameters> & { conversationId: string; media: unknown[] }): Promise<Extract<ServerMessage, { type: 'opened' }> | null>;
  /** The close transaction: `close` and its `closed` (null if the socket closed first). */
  close(reason?: 'end' | 'error' | 'disconnect' | 'reconnect'): Promise<Extract<ServerMessage, { type: 'closed' }> | null>;
  /** Position in 8 kHz samples. */
  readonly positionSamples: number;
  readonly closed: Promise<CloseInfo>;
}

export const STEREO_PCMU: MediaParameter = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };

/** The media list Genesys Cloud offers: stereo first, then each party alone. */
export const GENESYS_OFFER: MediaParameter[] = [
  STEREO_PCMU,
  { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 },
  { type: 'audio', format: 'PCMU', channels: ['internal'], rate: 8000 },
];

export function audiohookHeaders(o: AudioHookClientOptions, ids: { organizationId: string; sessionId: string; correlationId: string }): Record<string, string> {
  const target = o.target ?? '/v1/audiohook';
  const headers: Record<string, string> = {
    'Audiohook-Organization-Id': ids.organizationId,
    'Audiohook-Session-Id': ids.sessionId,
    'Audiohook-Correlation-Id': ids.correlationId,
  };
  if (o.apiKey !== undefined) headers['X-API-KEY'] = o.apiKey;
  if (o.apiKey !== undefined && o.clientSecret) {
    const signed = signRequest({ target, authority: new URL(o.baseUrl).host, ...ids, apiKey: o.apiKey, secret: o.clientSecret, ...o.sign });
    headers['Signature-Input'] = signed['signature-input'];
    headers['Signature'] = signed.signature;
  }
  return { ...headers, ...o.headers };
}

export function connectAudioHook(o: AudioHookClientOptions): Promise<AudioHookClient> {
  const ids = { organizationId: o.organizationId ?? randomUUID(), sessionId: o.sessionId ?? randomUUID(), correlationId: o.correlationId ?? randomUUID() };
  const ws = new WebSocket(o.baseUrl + (o.target ?? '/v1/audiohook'), { headers: audiohookHeaders(o, ids), followRedirects: false });
  const closed = closedInfo(ws);
  const received: ServerMessage[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  let seq = 0;
  let serverseq = 0;
  let position = 0;
  let stride = 0;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const msg = JSON.parse(String(data)) as ServerMessage;
    serverseq = msg.seq;
    if (msg.type === 'opened') {
      const m = msg.parameters.media[0];
      stride = m ? m.channels.length * (m.format === 'L16' ? 2 : 1) : 0;
    }
    received.push(msg);
    waiters.splice(0).forEach((w) => w());
  });
  let isClosed = false;
  void closed.then(() => {
    isClosed = true;
    waiters.splice(0).forEach((w) => w());
  });

  const next = async (timeoutMs = 10_000): Promise<ServerMessage | null> => {
    const deadline = Date.now() + timeoutMs;
    while (taken >= received.length) {
      if (isClosed) return null;
      if (Date.now() >= deadline) throw new Error('timed out waiting for an AudioHook server message');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    return received[taken++]!;
  };
  const send: AudioHookClient['send'] = (type, parameters, envelope = {}) => {
    const s = ++seq;
    ws.send(JSON.stringify({ version: '2', id: ids.sessionId, type, seq: s, serverseq, position: durationOfSamples(position), parameters, ...envelope }));
    return s;
  };

  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
    ws.once('open', () => {
      ws.on('error', () => undefined); // a failing socket closes: `closed` reports it
      resolve({
        ws,
        sessionId: ids.sessionId,
        organizationId: ids.organizationId,
        received,
        next,
        send,
        sendRaw: (data) => ws.send(data),
        sendAudio(frame) {
          ws.send(frame);
          if (stride > 0) position += Math.floor(frame.length / stride);
        },
        advance(samples) {
          position += samples;
        },
        async open(params) {
          send('open', {
            organizationId: ids.organizationId,
            participant: { id: randomUUID(), ani: '+8613800000000', aniName: 'customer', dnis: '+8695588' },
            ...params,
          });
          const m = await next();
          return m?.type === 'opened' ? m : null;
        },
        async close(reason = 'end') {
          if (ws.readyState !== WebSocket.OPEN) return null;
          send('close', { reason });
          for (;;) {
            const m = await next();
            if (m === null) return null;
            if (m.type === 'closed') return m;
          }
        },
        get positionSamples() {
          return position;
        },
        closed,
      });
    });
  });
}
