import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEarshot, type Earshot } from '../../earshot.js';
import { loadConfig, type EarshotConfig } from '../../engine/config.js';
import { createLogger } from '../../engine/log.js';

/** Earshot in the bench's own process, as the rules latency run starts it, with the sample KB. */
export interface InProcessServer {
  earshot: Earshot;
  config: EarshotConfig;
  /** http://127.0.0.1:PORT and ws://127.0.0.1:PORT */
  httpUrl: string;
  wsUrl: string;
  /** Server log lines at warn and above so far. */
  logLines(): number;
  close(): Promise<void>;
}

/** The configuration every kb run uses (text + energy-VAD mode, one analysis worker, no file watching). */
export const KB_SERVER_SETUP = 'in this process: model none, vad energy, analysisWorkers 1, kbWatch no, rulesWatch no, log warn, kbDir knowledge/kb (the sample KB, as `npm start` uses)';

export async function startInProcess(root: string, tag: string): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `earshot-bench-${tag}-`));
  let logLines = 0;
  const log = createLogger('warn', { write: (s: string) => void (logLines++, process.stderr.write(`[server] ${s}`)) });
  const config = loadConfig([], {}, {
    host: '127.0.0.1', port: 0, dataDir, logLevel: 'warn', model: 'none', fetchModel: 'no', vad: 'energy', analysisWorkers: 1,
    rulesWatch: 'no', kbWatch: 'no', grpc: 'no', kbDir: join(root, 'knowledge', 'kb'),
  });
  let earshot: Earshot;
  try {
    earshot = await startEarshot(config, log);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let closed: Promise<void> | null = null;
  const httpUrl = `http://127.0.0.1:${earshot.port}`;
  return {
    earshot,
    config,
    httpUrl,
    wsUrl: httpUrl.replace('http', 'ws'),
    logLines: () => logLines,
    close() {
      closed ??= earshot.close().finally(() => rmSync(dataDir, { recursive: true, force: true }));
      return closed;
    },
  };
}
