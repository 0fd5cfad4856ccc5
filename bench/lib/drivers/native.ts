import { startCall } from '../../../gateway/native/client.js';
import type { ProtocolDriver } from './driver.js';

/** The native WebSocket protocol (docs/protocol.md): the baseline every other protocol is compared with. */
export const driver: ProtocolDriver = {
  protocol: 'native-ws',
  async open(target, callId) {
    const headers: Record<string, string> = target.apiKey ? { 'x-api-key': target.apiKey } : {};
    const c = await startCall(target.wsUrl, { callId, agentId: 'bench', sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] }, '/v1/audio', headers);
    return {
      sendFrame: (frame) => {
        if (c.ws.readyState === c.ws.OPEN) c.sendAudio(frame);
      },
      stop: async () => {
        await c.stop();
      },
    };
  },
};
