import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { EarshotError, closeReason } from '../../engine/errors.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import { bearer, type AudioAuth, type Principal } from '../auth.js';
import { bindAudioSocket, socketTransport } from '../socket.js';
import { tenantRegistry } from '../tenant-registry.js';
import type { GatewayLimits } from '../ws-routes.js';
import { createTwilioConnection, type RegistryFor } from './connection.js';

export const TWILIO_PATH = '/v1/twilio';
/** A connection whose key is to come in the start message gets this long to send it. */
export const TWILIO_START_TIMEOUT_MS = 10_000;

function bindSocket(socket: WebSocket, registryFor: RegistryFor, deferredAuth: boolean, limits: GatewayLimits, log: Logger): void {
  const connection = createTwilioConnection(socketTransport(socket), registryFor, limits, log);
  if (deferredAuth) {
    const timer = setTimeout(() => {
      if (connection.awaitingStart) {
        connection.abort(new EarshotError('EARSHOT_ERR_AUTH_REQUIRED', `no start message with customParameters.token within ${TWILIO_START_TIMEOUT_MS / 1000} s`));
      }
    }, TWILIO_START_TIMEOUT_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
  // Twilio's media arrives in JSON text frames. A rate overflow closes the socket with its code (not the
  // connection's abort, which would wait for a stop).
  bindAudioSocket(socket, { onBinary: (b) => connection.onBinary(b), onText: (t, n) => connection.onText(t, n), onTransportClosed: () => connection.onTransportClosed(), get lagMs() { return connection.lagMs; } }, { ...limits, audioIn: 'text', name: 'twilio' }, log);
}

interface TwilioRequest {
  Querystring: { token?: string };
}

/**
 * Twilio Media Streams at `/v1/twilio`. The API key: Twilio sends no header one can set, and drops a query
 * string from the `<Stream url>`; so the key comes as the `<Parameter name="token">` of the `<Stream>`
 * (`customParameters.token` of the start message) — or, where the platform keeps it (SignalWire, a proxy,
 * tests), as `?token=` in the URL, checked before the upgrade. Without API keys configured, loopback clients
 * only, as on every audio endpoint. The X-Twilio-Signature header is not checked (docs/integrations.md).
 */
export function registerTwilioGateway(app: FastifyInstance, registry: CallRegistry, auth: AudioAuth, limits: GatewayLimits, log: Logger): void {
  app.get<TwilioRequest>(
    TWILIO_PATH,
    {
      websocket: true,
      schema: { querystring: { type: 'object', properties: { token: { type: 'string', maxLength: 4096 } } } },
      preValidation: async (req) => {
        const token = bearer(req.query.token);
        // A key in the URL is judged now (401/403 before the upgrade); none: judged at `start`, from customParameters.
        const principal = auth.mode === 'loopback-only' || token !== undefined ? auth.authenticate(req.socket.remoteAddress, token) : null;
        (req as unknown as { principal: Principal | null }).principal = principal;
      },
    },
    (socket, req) => {
      const principal = (req as unknown as { principal: Principal | null }).principal;
      const remote = req.socket.remoteAddress;
      const registryFor: RegistryFor = principal
        ? () => tenantRegistry(registry, auth, principal)
        : (token) => tenantRegistry(registry, auth, auth.authenticate(remote, token));
      bindSocket(socket, registryFor, principal === null, limits, log.child({ path: TWILIO_PATH, ...(principal ? { tenant: principal.tenant } : {}) }));
    },
  );
}
