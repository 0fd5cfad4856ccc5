import WebSocket from 'ws';
import { closedInfo, type CloseInfo } from '../native/client.js';
import type { Subprotocol } from './parse.js';
import { AUDIO_FORK_PATH } from './routes.js';

/**
 * mod_audio_fork's (or jambonz's) side of a fork, for tests, benches and trying an installation without a
 * switch: opens the socket with the subprotocol, sends the metadata text frame, then binary L16 frames;
 * `stop()` closes with 1000 as the module does.
 */
export interface AudioForkClient {
  readonly ws: WebSocket;
  readonly closed: Promise<CloseInfo>;
  /** Text frames the server sent (mod_audio_fork's `{"type":…}` messages). */
  readonly received: unknown[];
  sendAudio(frame: Uint8Array): void;
  sendText(text: string): void;
  /** Closes the socket with 1000 (what the module does on stop) and resolves once it is closed. */
  stop(): Promise<CloseInfo>;
}

export interface AudioForkOpenOptions {
  subprotocol?: Subprotocol | string | string[];
  /** Appended to the URL as is, e.g. `?token=…&sampleRate=16000&mixType=stereo`. */
  query?: string;
  headers?: Record<string, string>;
  /** The first text frame; an object is JSON-encoded. Omit it to send none. */
  metadata?: object | string;
}

/** Opens the socket; rejects with the HTTP status line if the server refuses the upgrade. */
export function openAudioFork(baseWsUrl: string, options: AudioForkOpenOptions = {}): Promise<AudioForkClient> {
  const subprotocol = options.subprotocol ?? 'audio.drachtio.org';
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseWsUrl}${AUDIO_FORK_PATH}${options.query ?? ''}`, subprotocol, { headers: options.headers ?? {} });
    const received: unknown[] = [];
    ws.on('message', (data, isBinary) => {
      if (!isBinary) received.push(JSON.parse(String(data)));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
    ws.once('open', () => {
      const closed = closedInfo(ws);
      if (options.metadata !== undefined) ws.send(typeof options.metadata === 'string' ? options.metadata : JSON.stringify(options.metadata));
      resolve({
        ws,
        closed,
        received,
        sendAudio: (frame) => ws.send(frame),
        sendText: (text) => ws.send(text),
        async stop() {
          if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'stop');
          return closed;
        },
      });
    });
  });
}
