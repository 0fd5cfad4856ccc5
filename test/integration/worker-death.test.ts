import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerPool } from '../../engine/analysis/pool.js';
import type { AlertEvent, CallEndedEvent } from '../../engine/events.js';
import { startCall } from '../../gateway/native/client.js';
import { callWithGap, FRAME_BYTES_16K_STEREO } from '../fixtures/calls.js';
import { startTestServer, tapEvents, tempDataDir } from '../fixtures/server.js';
import { frames } from '../fixtures/shared.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('an analysis worker that dies mid-call', () => {
  it('has its streams re-routed with their audio: the call keeps its alerts and ends normally', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const server = await startTestServer(data.dir, { analysisWorkers: 1 });
    cleanups.push(() => server.close());
    const tap = await tapEvents(server.wsUrl, '?callId=die-1');
    cleanups.push(tap.close);
    const pool = server.analysis as WorkerPool;

    const call = callWithGap();
    const all = frames(call.bytes, FRAME_BYTES_16K_STEREO);
    const client = await startCall(server.wsUrl, { callId: 'die-1', sampleRate: 16000, encoding: 'pcm16', channels: 2 });
    const half = Math.floor(all.length / 2); // inside the silent gap
    for (const f of all.slice(0, half)) client.sendAudio(f);
    await tap.waitFor((e) => e.type === 'metric'); // the worker is busy with this call
    await pool.recycleWorker(0);
    for (const f of all.slice(half)) client.sendAudio(f);
    const stopped = await client.stop();
    expect(stopped).toMatchObject({ endReason: 'stop' });

    const ended = (await tap.waitFor((e) => e.type === 'call.ended')) as CallEndedEvent;
    expect(ended.endReason).toBe('stop');
    expect(Math.abs(ended.durationMs - call.durationMs)).toBeLessThanOrEqual(20);
    const alerts = tap.events.filter((e): e is AlertEvent => e.type === 'alert' && e.ruleId === 'dead-air');
    expect(alerts.map((a) => a.status)).toEqual(['raised', 'resolved']);
    expect(Math.abs(alerts[1]!.durationMs - call.gapMs)).toBeLessThanOrEqual(500);
    expect(tap.events.filter((e) => e.type === 'metric')).toHaveLength(Math.floor(call.durationMs / 5000));
    expect(pool.stats()).toEqual([{ worker: 0, streams: 0 }]);
  });
});
