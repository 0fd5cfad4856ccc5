import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { EarshotError } from '../../engine/errors.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import { bearer, type AudioAuth, type Principal } from '../auth.js';
import { bindAudioSocket, socketTransport } from '../socket.js';
import { tenantRegistry } from '../tenant-registry.js';
import type { GatewayLimits } from '../ws-routes.js';
import { createAudioHookConnection, type AudioHookConnection } from './connection.js';
import { canonicalHeader, createNonceCache, verifySignature, type NonceCache } from './signature.js';

/** Where Genesys Cloud's AudioHook Monitor integration connects (its "Connection URI": wss://HOST/v1/audiohook). */
export const AUDIOHOOK_PATH = '/v1/audiohook';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface Admitted {
  principal: Principal;
  sessionId: string | null;
  organizationId: string | null;
  correlationId: string | null;
}

function uuidHeader(req: FastifyRequest, name: string): string | null {
  const v = canonicalHeader(req.headers, name);
  if (v === null) return null;
  if (!UUID.test(v)) throw new EarshotError('EARSHOT_ERR_HTTP_BAD_REQUEST', `${name} must be a UUID`);
  return v;
}

/**
 * The connection request, judged before the upgrade (a refusal is an HTTP status the Genesys integration
 * shows): the `X-API-KEY` names a tenant (auth.ts); when that tenant has a client secret, the request's
 * HTTP message signature must verify with it (signature.ts).
 */
function admit(req: FastifyRequest, auth: AudioAuth, nonces: NonceCache): Admitted {
  const apiKey = bearer(req.headers['x-api-key']);
  const principal = auth.authenticate(req.socket.remoteAddress, apiKey);
  const secret = apiKey === undefined ? undefined : auth.clientSecret(principal.tenant);
  if (secret) verifySignature({ method: req.method, target: req.url, headers: req.headers }, { secret, apiKey: apiKey!, nowS: Date.now() / 1000, nonces });
  return {
    principal,
    sessionId: uuidHeader(req, 'audiohook-session-id'),
    organizationId: uuidHeader(req, 'audiohook-organization-id'),
    correlationId: canonicalHeader(req.headers, 'audiohook-correlation-id')?.slice(0, 128) ?? null,
  };
}

function bindSocket(socket: WebSocket, registry: CallRegistry, admitted: Admitted, limits: GatewayLimits, log: Logger): AudioHookConnection {
  const connection = createAudioHookConnection(
    socketTransport(socket),
    registry,
    { limits, sessionId: admitted.sessionId, organizationId: admitted.organizationId, correlationId: admitted.correlationId },
    log,
  );
  bindAudioSocket(socket, connection, { ...limits, name: 'audiohook' }, log);
  return connection;
}

export function registerAudioHookGateway(app: FastifyInstance, registry: CallRegistry, auth: AudioAuth, limits: GatewayLimits, log: Logger): void {
  const nonces = createNonceCache();
  app.get(
    AUDIOHOOK_PATH,
    {
      websocket: true,
      preValidation: async (req) => {
        (req as unknown as { audiohook: Admitted }).audiohook = admit(req, auth, nonces);
      },
    },
    (socket, req) => {
      const admitted = (req as unknown as { audiohook: Admitted }).audiohook;
      const child = log.child({ path: AUDIOHOOK_PATH, tenant: admitted.principal.tenant, sessionId: admitted.sessionId });
      bindSocket(socket, tenantRegistry(registry, auth, admitted.principal), admitted, limits, child);
    },
  );
}
