import { startCall, type NativeCallClient } from '../../gateway/native/client.js';
import { wallNow } from './stats.js';

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

export interface PacedTurn {
  channel: 'agent' | 'customer';
  text: string;
  startMs: number;
  endMs: number;
  /** When to send it, in call time (default: its endMs, when a final would arrive). */
  atMs?: number;
  /** A partial (false) or the final (default). */
  final?: boolean;
}

/**
 * Sends every call's utterances at real-time pace from one 5 ms scheduler loop (absolute schedule, no
 * drift): call i's turn k at starts[i] + its atMs (default endMs), as a final unless it says otherwise. Fills
 * sentAt[i][k] with the wall time it was sent (0: never, its socket closed) and calls `onSent`; resolves with
 * every turn's send lag (ms behind schedule).
 */
const dueMs = (t: PacedTurn): number => t.atMs ?? t.endMs;

export function paceUtterances<T extends PacedTurn>(
  clients: readonly (NativeCallClient | null)[],
  scripts: readonly (readonly T[])[],
  starts: Float64Array,
  sentAt: Float64Array[],
  onSent: (turn: T) => void = () => undefined,
): Promise<number[]> {
  const n = clients.length;
  const next = new Int32Array(n);
  const lags: number[] = [];
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = wallNow();
      let done = 0;
      for (let i = 0; i < n; i++) {
        const c = clients[i];
        const s = scripts[i]!;
        while (c && next[i]! < s.length && starts[i]! + dueMs(s[next[i]!]!) <= now) {
          const t = s[next[i]!]!;
          if (c.ws.readyState !== c.ws.OPEN) {
            next[i] = s.length;
            break;
          }
          c.sendUtterance({ channel: t.channel, text: t.text, startMs: t.startMs, endMs: t.endMs, final: t.final ?? true });
          sentAt[i]![next[i]!] = wallNow();
          lags.push(sentAt[i]![next[i]!]! - (starts[i]! + dueMs(t)));
          onSent(t);
          next[i]!++;
        }
        if (!c || next[i]! >= s.length) done++;
      }
      if (done === n) {
        clearInterval(timer);
        resolve(lags);
      }
    }, 5);
  });
}
