import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { CallRegistry } from '../engine/session/registry.js';
import { createNativeConnection, type ConnectionLimits } from './native/connection.js';

/** Paths of the native audio protocol; `/api/v1/ws` is where AWS LCA's client connects. */
export const AUDIO_PATHS = ['/v1/audio', '/api/v1/ws'] as const;

export interface GatewayLimits extends ConnectionLimits {
  backpressureLagMs: number;
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

export function registerAudioGateway(app: FastifyInstance, registry: CallRegistry, limits: GatewayLimits, log: Logger): void {
  for (const url of AUDIO_PATHS) {
    app.get(
      url,
      {
        websocket: true,
        schema: {
          // LCA passes its token as ?authorization=Bearer …; API keys are checked by the telephony issue's auth layer.
          querystring: { type: 'object', properties: { authorization: { type: 'string', maxLength: 4096 } } },
        },
      },
      (socket) => bindSocket(socket, registry, limits, log.child({ path: url })),
    );
  }
}
