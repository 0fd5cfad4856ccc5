import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { EarshotError, closeReason } from '../../engine/errors.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import type { AudioAuth, Principal } from '../auth.js';
import { bindAudioSocket, socketTransport } from '../socket.js';
import { tenantRegistry } from '../tenant-registry.js';
import type { GatewayLimits } from '../ws-routes.js';
import { createAudioForkConnection } from './connection.js';
import { chooseSubprotocol, forkApiKey, type ForkQuery, type Subprotocol } from './parse.js';

export const AUDIO_FORK_PATH = '/v1/audio-fork';

function bindSocket(socket: WebSocket, registry: CallRegistry, subprotocol: Subprotocol, query: ForkQuery, limits: GatewayLimits, log: Logger): void {
  if (socket.protocol !== subprotocol) {
    // Only if the upgrade picked another subprotocol than the one chosen before it (it should not).
    const e = new EarshotError('EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL', `negotiated ${JSON.stringify(socket.protocol).slice(0, 40)}`);
    socket.close(e.spec.wsClose ?? 1002, closeReason(e));
    return;
  }
  const connection = createAudioForkConnection(socketTransport(socket), registry, subprotocol, query, limits, log);
  bindAudioSocket(socket, connection, { ...limits, name: 'audio fork' }, log);
}

interface ForkRequest {
  Querystring: ForkQuery & { token?: string };
}

/**
 * FreeSWITCH mod_audio_fork and jambonz `listen` at `/v1/audio-fork`. Before the upgrade: the API key
 * (`?token=`, `Authorization: Bearer` or `Basic` — jambonz `wsAuth` — or `X-API-Key`; 401/403 as on every
 * audio endpoint) and the subprotocol (`audio.drachtio.org` or `audio.jambonz.org`; anything else: 400
 * EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL). The call records `freeswitch-audio-fork` or `jambonz-listen`.
 */
export function registerAudioForkGateway(app: FastifyInstance, registry: CallRegistry, auth: AudioAuth, limits: GatewayLimits, log: Logger): void {
  app.get<ForkRequest>(
    AUDIO_FORK_PATH,
    {
      websocket: true,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            token: { type: 'string', maxLength: 4096 },
            sampleRate: { type: 'string', maxLength: 16 },
            mixType: { type: 'string', maxLength: 16 },
            channelRoles: { type: 'string', maxLength: 32 },
          },
        },
      },
      preValidation: async (req) => {
        const principal = auth.authenticate(req.socket.remoteAddress, forkApiKey(req.headers, req.query));
        const subprotocol = chooseSubprotocol(req.headers['sec-websocket-protocol']);
        // The upgrade answers with the first subprotocol the request lists: leave it only ours.
        req.raw.headers['sec-websocket-protocol'] = subprotocol;
        Object.assign(req, { principal, subprotocol });
      },
    },
    (socket, req) => {
      const { principal, subprotocol } = req as unknown as { principal: Principal; subprotocol: Subprotocol };
      const { token: _token, ...query } = req.query;
      bindSocket(socket, tenantRegistry(registry, auth, principal), subprotocol, query, limits, log.child({ path: AUDIO_FORK_PATH, subprotocol, tenant: principal.tenant }));
    },
  );
}
