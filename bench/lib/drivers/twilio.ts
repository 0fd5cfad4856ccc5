import { deinterleave2, openTwilioStream } from '../../../gateway/twilio/client.js';
import type { ProtocolDriver } from './driver.js';

/**
 * Twilio Media Streams (`/v1/twilio`, docs/integrations.md) as Twilio sends a `both_tracks` stream:
 * each 20 ms stereo frame becomes two `media` messages, the customer on the inbound track and the agent on
 * the outbound one, each with its own chunk number and timestamp; the key rides in customParameters.token.
 */
export const driver: ProtocolDriver = {
  protocol: 'twilio-media-streams',
  async open(target, callId) {
    const t = await openTwilioStream(target.wsUrl, {
      callSid: `CA${callId.replace(/[^A-Za-z0-9]/g, '')}`,
      tracks: ['inbound', 'outbound'],
      customParameters: { callId, agentId: 'bench', ...(target.apiKey ? { token: target.apiKey } : {}) },
    });
    return {
      sendFrame(frame) {
        if (t.ws.readyState !== t.ws.OPEN) return;
        const [customer, agent] = deinterleave2(frame);
        t.media('inbound', customer);
        t.media('outbound', agent);
      },
      async stop() {
        await t.stop();
      },
    };
  },
};
