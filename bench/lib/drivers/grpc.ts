import { apiKeyMetadata, createEarshotClient, startGrpcCall, type EarshotGrpcClient } from '../../../gateway/grpc/client.js';
import type { ProtocolDriver } from './driver.js';

/** One channel (HTTP/2 connection) per server, shared by its calls, as a telephony gateway would hold it. */
const clients = new Map<number, EarshotGrpcClient>();

/** Earshot's native gRPC protocol (gateway/grpc/earshot.proto, `earshot.v1.Earshot/StreamCall`). */
export const driver: ProtocolDriver = {
  protocol: 'native-grpc',
  async open(target, callId) {
    let client = clients.get(target.grpcPort);
    if (!client) {
      client = createEarshotClient(`127.0.0.1:${target.grpcPort}`);
      clients.set(target.grpcPort, client);
    }
    const call = await startGrpcCall(
      client,
      { callId, agentId: 'bench', sampleRate: 8000, encoding: 'MULAW', channels: 2, channelRoles: ['CUSTOMER', 'AGENT'], eventTypes: ['call.ended'] },
      apiKeyMetadata(target.apiKey),
    );
    let ended = false;
    void call.status.then(() => (ended = true));
    return {
      sendFrame: (frame) => {
        if (!ended) call.sendAudio(frame);
      },
      stop: async () => {
        if (!ended) await call.stop();
      },
    };
  },
};
