import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { CallRegistry } from '../engine/session/registry.js';
import { bearer, type AudioAuth, type Principal } from './auth.js';
import { createNativeConnection, type ConnectionLimits } from './native/connection.js';
import { bindAudioSocket, socketTransport } from './socket.js';
import { tenantRegistry } from './tenant-registry.js';

/** Paths of the native audio protocol; `/api/v1/ws` is where AWS LCA's client connects. */
export const AUDIO_PATHS = ['/v1/audio', '/api/v1/ws'] as const;

export interface GatewayLimits extends ConnectionLimits {
  backpressureLagMs: number;
  /** Messages a second per connection (two seconds' burst). */
  maxMessageRate: number;
}

function bindSocket(socket: WebSocket, registry: CallRegistry, limits: GatewayLimits, log: Logger): void {
  const connection = createNativeConnection(socketTransport(socket), registry, limits, log);
  bindAudioSocket(socket, connection, { ...limits, name: 'native' }, log);
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
