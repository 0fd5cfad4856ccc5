import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../engine/events.js';
import { packageRoot } from '../../engine/paths.js';
import { startCall } from '../../gateway/native/client.js';
import { startTestServer, tapEvents, tempDataDir } from '../fixtures/server.js';

const root = packageRoot(import.meta.url);
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
});

/** Runs the real CLI in a child process and resolves with the console URL it prints. */
function startCli(dataDir: string): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli.ts'), '--port', '0', '--grpc-port', '0', '--data-dir', dataDir, '--log-level', 'silent'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child!.stdout!.on('data', (d) => {
      out += String(d);
      const m = /Console:\s+(http:\/\/\S+?)\/\s/.exec(out);
      if (m) resolve(m[1]!);
    });
    child!.stderr!.on('data', (d) => (out += String(d)));
    child!.once('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
  });
}

describe('a server killed mid-call', () => {
  it('loses none of the events it published, and closes the call on the next start', async () => {
    const data = tempDataDir();
    try {
      const url = await startCli(data.dir);
      const wsUrl = url.replace('http', 'ws');
      const tap = await tapEvents(wsUrl, '?callId=crash-1');
      const call = await startCall(wsUrl, { callId: 'crash-1', agentId: 'a-3', sampleRate: 8000, encoding: 'mulaw', channels: 2 });
      call.sendUtterance({ channel: 'customer', text: '我的卡被吞了', startMs: 200, endMs: 1800 });
      call.sendUtterance({ channel: 'agent', text: '请您不要着急', startMs: 2000, endMs: 3100 });
      // 6 s of stereo μ-law silence: a metric event at 5 s.
      for (let i = 0; i < 300; i++) call.sendAudio(new Uint8Array(320).fill(0xff));
      await tap.waitFor((e) => e.type === 'metric');
      const published: CallEvent[] = [...tap.events];
      child!.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      tap.close();

      const server = await startTestServer(data.dir);
      try {
        await server.qa!.idle(); // the recovered call is scored too
        const stored = (await (await fetch(`${server.url}/v1/calls/crash-1/events`)).json()) as { events: CallEvent[] };
        expect(stored.events.slice(0, published.length)).toEqual(published);
        // 我的卡被吞了 gets a knowledge suggestion from the sample knowledge base.
        expect(stored.events.map((e) => e.type)).toEqual(['call.started', 'utterance.final', 'suggestion', 'utterance.final', 'metric', 'call.ended', 'qa.scored']);
        expect(stored.events[5]).toMatchObject({ type: 'call.ended', seq: 6, endReason: 'server-restart', durationMs: 5000 });
        expect(stored.events[6]).toMatchObject({ type: 'qa.scored', seq: 7 });
        const record = await (await fetch(`${server.url}/v1/calls/crash-1`)).json();
        expect(record).toMatchObject({ status: 'ended', endReason: 'server-restart', lastSeq: 7 });
      } finally {
        await server.close();
      }
    } finally {
      data.remove();
    }
  });
});
