import type { NativeCallClient } from '../../gateway/native/client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops every call (10 s limit each); counts those that ended with `stop` and those that timed out. */
export async function stopCalls(clients: (NativeCallClient | null)[]): Promise<{ endedNormally: number; stopTimeouts: number }> {
  let stopTimeouts = 0;
  const stopOne = async (c: NativeCallClient): Promise<string | null> => {
    const r = await Promise.race([c.stop().catch(() => null), sleep(10_000).then(() => 'timeout' as const)]);
    if (r === 'timeout') stopTimeouts++;
    return r === 'timeout' ? null : (r?.endReason ?? null);
  };
  const endReasons = await Promise.all(clients.map((c) => (c ? stopOne(c) : null)));
  return { endedNormally: endReasons.filter((r) => r === 'stop').length, stopTimeouts };
}
