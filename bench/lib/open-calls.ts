import { startCall, type NativeCallClient } from '../../gateway/native/client.js';

/**
 * Opens `clients.length` native stereo calls (8 kHz μ-law, customer/agent) 25 at a time into `clients`,
 * ids `<runId>-<i>`. A refused call leaves null and an error line; a socket that closes before `stopping()`
 * counts as an unexpected close.
 */
export async function openCalls(wsUrl: string, runId: string, clients: (NativeCallClient | null)[], stopping: () => boolean): Promise<{ connectErrors: string[]; unexpectedCloses(): number }> {
  const connectErrors: string[] = [];
  let unexpected = 0;
  const n = clients.length;
  for (let b = 0; b < n; b += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, n - b) }, async (_, k) => {
        const i = b + k;
        try {
          const c = await startCall(wsUrl, { callId: `${runId}-${i}`, agentId: `agent-${i}`, sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] });
          c.ws.on('error', () => {});
          void c.closed.then(() => void (stopping() || unexpected++));
          clients[i] = c;
        } catch (err) {
          connectErrors.push(`call ${i}: ${(err as Error).message}`);
        }
      }),
    );
  }
  return { connectErrors, unexpectedCloses: () => unexpected };
}
