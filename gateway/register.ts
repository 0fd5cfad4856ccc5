import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { EarshotConfig } from '../engine/config.js';
import type { CallRegistry } from '../engine/session/registry.js';
import type { AudioAuth } from './auth.js';
import { registerAudioGateway } from './ws-routes.js';
import { registerAudioHookGateway } from './audiohook/routes.js';
import { registerTwilioGateway } from './twilio/routes.js';
import { registerAudioForkGateway } from './audio-fork/routes.js';

export interface GatewayDeps {
  registry: CallRegistry;
  auth: AudioAuth;
  config: EarshotConfig;
  log: Logger;
}

/**
 * Every WebSocket telephony protocol on the one HTTP server. Each adapter turns its wire format into the same
 * call session (engine/session): it authenticates the connection (auth.ts), opens calls through
 * `tenantRegistry` (per-tenant limits, tenant in the metadata), limits the message rate (rate.ts), and names
 * its protocol in the call spec. docs/integrations.md has the telephony-side configuration of each.
 */
export function registerWebSocketGateways(app: FastifyInstance, deps: GatewayDeps): void {
  registerAudioGateway(app, deps.registry, deps.auth, deps.config, deps.log.child({ protocol: 'native-ws' }));
  // Adapters: one line each.
  registerAudioHookGateway(app, deps.registry, deps.auth, deps.config, deps.log.child({ protocol: 'genesys-audiohook' }));
  registerTwilioGateway(app, deps.registry, deps.auth, deps.config, deps.log.child({ protocol: 'twilio-media-streams' }));
  registerAudioForkGateway(app, deps.registry, deps.auth, deps.config, deps.log.child({ protocol: 'audio-fork' }));
}
