import * as grpc from '@grpc/grpc-js';
import speech from '@google-cloud/speech';
import type { ProtocolDriver } from './driver.js';

type SpeechClient = InstanceType<typeof speech.v1.SpeechClient>;
const clients = new Map<number, SpeechClient>();

/** Google's official Node client pointed at Earshot over a plaintext channel, as docs/integrations.md shows. */
export function speechClient(port: number): SpeechClient {
  let client = clients.get(port);
  if (!client) {
    client = new speech.v1.SpeechClient({
      apiEndpoint: '127.0.0.1',
      port,
      sslCreds: grpc.credentials.createInsecure(),
      // The same grpc-js as the server's tests; and no Google universe lookup (no metadata server on-premises).
      grpc: grpc as never,
      universeDomain: 'googleapis.com',
    });
    clients.set(port, client);
  }
  return client;
}

/**
 * Google Cloud Speech v1 StreamingRecognize (gateway/grpc/google-stt.ts) through `@google-cloud/speech`:
 * stereo μ-law with recognition per channel (channel 1 the customer, 2 the agent).
 */
export const driver: ProtocolDriver = {
  protocol: 'google-stt-grpc',
  async open(target, callId) {
    const headers: Record<string, string> = { 'x-earshot-call-id': callId, 'x-earshot-agent-id': 'bench' };
    if (target.apiKey) headers['x-api-key'] = target.apiKey;
    const stream = speechClient(target.grpcPort).streamingRecognize(
      {
        config: { encoding: 'MULAW', sampleRateHertz: 8000, audioChannelCount: 2, enableSeparateRecognitionPerChannel: true, languageCode: 'cmn-Hans-CN' },
        interimResults: false,
      },
      { otherArgs: { headers } },
    );
    let ended = false;
    let failure: Error | null = null;
    const done = new Promise<void>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('end', () => ((ended = true), resolve()));
      stream.on('error', (err: Error) => ((ended = true), (failure = err), resolve()));
    });
    // The client sends streaming_config with the first write; the response headers say the call was opened.
    const accepted = new Promise<void>((resolve) => stream.once('response', () => resolve()));
    stream.write(Buffer.alloc(0));
    await Promise.race([accepted, done]);
    if (failure) throw new Error(`call refused: ${(failure as Error).message}`);
    return {
      sendFrame: (frame) => {
        if (!ended) stream.write(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      },
      stop: async () => {
        if (!ended) stream.end();
        await done;
      },
    };
  },
};
