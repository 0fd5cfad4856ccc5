import { createHash } from 'node:crypto';
import { connectAudioHook, GENESYS_OFFER } from '../../../gateway/audiohook/client.js';
import type { DriverCall, DriverTarget, ProtocolDriver } from './driver.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** The organization the bench's "Genesys Cloud" streams for. */
const BENCH_ORG = '6e1c4b5a-0b8f-4c1e-9d2a-000000be0c4e';

/**
 * The conversation id an AudioHook call of `callId` carries, which is the id Earshot records it under:
 * `callId` itself when it is a UUID, otherwise a UUID derived from it (AudioHook ids are UUIDs).
 */
export function audiohookConversationId(callId: string): string {
  if (UUID.test(callId)) return callId.toLowerCase();
  const h = createHash('sha256').update(`earshot-bench:${callId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Genesys Cloud AudioHook Monitor (`/v1/audiohook`, docs/integrations.md) as Genesys streams a call:
 * the key in `X-API-KEY` (and the request signed when a client secret is given), an open transaction offering
 * stereo PCMU (external = customer, internal = agent) and each 20 ms frame sent as it is; stop runs the close
 * transaction. The call is recorded under `audiohookConversationId(callId)`, returned as `callId`.
 */
export function createAudioHookDriver(options: { clientSecret?: Uint8Array } = {}): ProtocolDriver {
  return {
    protocol: 'genesys-audiohook',
    async open(target: DriverTarget, callId: string): Promise<DriverCall & { callId: string }> {
      const conversationId = audiohookConversationId(callId);
      const c = await connectAudioHook({
        baseUrl: target.wsUrl,
        organizationId: BENCH_ORG,
        ...(target.apiKey ? { apiKey: target.apiKey } : {}),
        ...(target.apiKey && options.clientSecret ? { clientSecret: options.clientSecret } : {}),
      });
      const opened = await c.open({ conversationId, participant: { id: conversationId, ani: '+8613800000000', aniName: 'bench', dnis: '95588' }, media: GENESYS_OFFER });
      if (!opened) {
        const last = c.received[c.received.length - 1];
        c.ws.close();
        throw new Error(`AudioHook open refused: ${last?.type === 'disconnect' ? last.parameters.info ?? last.parameters.reason : 'no opened'}`);
      }
      return {
        callId: conversationId,
        sendFrame(frame) {
          if (c.ws.readyState === c.ws.OPEN) c.sendAudio(frame);
        },
        async stop() {
          await c.close('end');
          if (c.ws.readyState === c.ws.OPEN) c.ws.close();
          await c.closed;
        },
      };
    },
  };
}

export const driver: ProtocolDriver = createAudioHookDriver();
