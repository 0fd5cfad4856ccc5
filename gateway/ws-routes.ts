import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { CallRegistry } from '../engine/session/registry.js';
import { closeReason, type EarshotError } from '../engine/errors.js';
import { bearer, type AudioAuth, type Principal } from './auth.js';
import { createNativeConnection, type ConnectionLimits } from './native/connection.js';
import { createRateLimiter } from './rate.js';
import { tenantRegistry } from './tenant-registry.js';

/** Paths of the native audio protocol; `/api/v1/ws` is where AWS LCA's client connects. */
export const AUDIO_PATHS = ['/v1/audio', '/api/v1/ws'] as const;

export interface GatewayLimits extends ConnectionLimits {
  backpressureLagMs: number;
  /** Messages a second per connection (two seconds' burst). */
  maxMessageRate: number;
}

/**
 * Backpressure: while a call's analysis trails its audio by more than the limit, stop reading its socket,
 * so TCP pushes back on the sender instead of audio piling up in memory (measured at 200 calls on 2 cores
 * without it: RSS 250 MiB → 1 GiB). Reading resumes once the lag is under half the limit.
 */
function watchLag(socket: WebSocket, lagMs: () => number, limitMs: number, log: Logger): () => void {
  let timer: NodeJS.Timeout | null = null;
  return () => {
    if (timer || lagMs() <= limitMs) return;
    socket.pause();
    log.warn({ lagMs: Math.round(lagMs()) }, 'call audio paused: analysis behind');
    timer = setInterval(() => {
      if (lagMs() > limitMs / 2 && socket.readyState === socket.OPEN) return;
      clearInterval(timer!);
      timer = null;
      socket.resume();
    }, 100);
    timer.unref();
  };
}

function bindSocket(socket: WebSocket, registry: CallRegistry, limits: GatewayLimits, log: Logger): void {
  const rate = createRateLimiter(limits.maxMessageRate);
  const connection = createNativeConnection(
    {
      sendText: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text);
      },
      close: (code, reason) => socket.close(code, reason),
    },
    registry,
    limits,
    log,
  );
  const checkLag = watchLag(socket, () => connection.lagMs, limits.backpressureLagMs, log);
  socket.on('message', (data, isBinary) => {
    try {
      rate.take();
    } catch (err) {
      const e = err as EarshotError;
      log.warn({ code: e.code }, 'audio connection over its message rate');
      connection.onTransportClosed();
      socket.close(e.spec.wsClose ?? 1008, closeReason(e));
      return;
    }
    // binaryType is 'nodebuffer': one Buffer per message (fragments are joined by ws).
    const buf = data as Buffer;
    if (isBinary) {
      connection.onBinary(buf);
      checkLag();
    } else connection.onText(buf.toString('utf8'), buf.length);
  });
  socket.on('close', () => connection.onTransportClosed());
  socket.on('error', (err) => log.warn({ err }, 'audio socket error'));
}

/** The API key of a native connection: `Authorization: Bearer`, `X-API-Key`, or LCA's `?authorization=Bearer …`. */
function nativeKey(headers: Record<string, string | string[] | undefined>, query: { authorization?: string }): string | undefined {
  return bearer(headers.authorization) ?? bearer(headers['x-api-key']) ?? bearer(query.authorization);
}

export function registerAudioGateway(app: FastifyInstance, registry: CallRegistry, auth: AudioAuth, limits: GatewayLimits, log: Logger): void {
  for (const url of AUDIO_PATHS) {
    app.get<{ Querystring: { authorization?: string } }>(
      url,
      {
        websocket: true,
        schema: {
          // LCA passes its token as ?authorization=Bearer ….
          querystring: { type: 'object', properties: { authorization: { type: 'string', maxLength: 4096 } } },
        },
        // Refused before the upgrade: a client without a valid key gets an HTTP 401/403 with the reason.
        preValidation: async (req) => {
          const principal = auth.authenticate(req.socket.remoteAddress, nativeKey(req.headers, req.query));
          (req as unknown as { principal: Principal }).principal = principal;
        },
      },
      (socket, req) => {
        const principal = (req as unknown as { principal: Principal }).principal;
        bindSocket(socket, tenantRegistry(registry, auth, principal), limits, log.child({ path: url, tenant: principal.tenant }));
      },
    );
  }
}
