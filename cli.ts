import { EarshotError } from './engine/errors.js';
import { loadConfig, usage } from './engine/config.js';
import { createLogger } from './engine/log.js';
import { startEarshot } from './earshot.js';

/** `npm start [-- --port 9000 --data-dir /tmp/x]`: run Earshot on embedded defaults and print the console URL. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Usage: npm start -- [options]\n\nOption                       Environment                        Meaning\n${usage()}\n`);
    return;
  }
  const config = loadConfig(argv, process.env);
  const log = createLogger(config.logLevel);
  const earshot = await startEarshot(config, log);
  log.info({ url: earshot.url, dataDir: config.dataDir }, 'earshot started');
  const { recognizer, vad } = earshot.analysis.info;
  const speech = recognizer ? `${recognizer} recogniser, ${vad} VAD` : `text + VAD mode (${vad} VAD, no speech model: npm run models -- fetch)`;
  process.stdout.write(`\nEarshot is running.\n  Console:     ${earshot.url}/  (agent ${earshot.url}/agent/<agentId>, supervisor ${earshot.url}/supervisor, QA ${earshot.url}/qa)\n  Audio (WS):  ${earshot.url.replace('http', 'ws')}/v1/audio\n  Events (WS): ${earshot.url.replace('http', 'ws')}/v1/events\n  gRPC:        ${earshot.grpcPort === null ? 'off' : `${config.host}:${earshot.grpcPort} (StreamCall, Google Speech StreamingRecognize)`}\n  Telephony:   AudioHook /v1/audiohook, Twilio /v1/twilio, audio fork /v1/audio-fork (docs/integrations.md)\n  Data:        ${config.dataDir}\n  Speech:      ${speech}\n\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    earshot.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof EarshotError) process.stderr.write(`earshot: ${err.code}: ${err.message}\n`);
  else process.stderr.write(`earshot: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
