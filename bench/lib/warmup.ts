import { startCall, type NativeCallClient } from '../../gateway/native/client.js';
import type { Conversation } from './conversation.js';
import { FRAME_BYTES } from './audio.js';
import { streamFrames } from './pacer.js';
import { wallNow } from './stats.js';

/**
 * Warms a fresh server before a measured level: `calls` calls stream `seconds` of the same kind of
 * conversation at real-time pace, then stop. A fresh process otherwise spends its first seconds compiling
 * (V8 in every analysis worker) and growing ONNX Runtime's buffers, which a long-running server has behind it.
 */
export async function warmUp(wsBase: string, conversation: Conversation, calls: number, seconds: number): Promise<{ calls: number; seconds: number; wallS: number }> {
  const began = wallNow();
  const audio = Array.from({ length: calls }, (_, i) => {
    const full = conversation.build(1000 + i, Math.max(seconds, 10)).mulaw;
    return full.subarray(0, Math.round((seconds * 1000) / 20) * FRAME_BYTES);
  });
  const clients: (NativeCallClient | null)[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const c = await startCall(wsBase, { callId: `warmup-${Date.now()}-${i}`, agentId: 'warmup', sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] }).catch(() => null);
      c?.ws.on('error', () => {});
      clients.push(c);
    }
    const t0 = wallNow() + 20;
    const starts = Float64Array.from({ length: calls }, (_, i) => t0 + (i * 1000) / calls);
    const frames = audio[0]!.length / FRAME_BYTES;
    await streamFrames(clients, audio, starts, Array.from({ length: calls }, () => new Float64Array(frames)));
    await Promise.all(clients.map((c) => c?.stop().catch(() => null)));
  } finally {
    for (const c of clients) c?.ws.terminate();
  }
  return { calls, seconds, wallS: Math.round((wallNow() - began) / 100) / 10 };
}
