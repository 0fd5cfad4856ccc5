import WebSocket from 'ws';
import { closedInfo, openSocket, type CloseInfo } from '../native/client.js';
import type { TwilioTrack } from './messages.js';
import { TWILIO_PATH } from './routes.js';

/**
 * Twilio's side of a Media Stream, for tests, benches and trying an installation without a Twilio account:
 * sends `connected` and `start` as Twilio does, then `media` (chunk numbers and timestamps per track),
 * `dtmf`, `mark` and `stop`, with Twilio's string-typed counters.
 */
export interface TwilioStreamOptions {
  callSid: string;
  streamSid?: string;
  accountSid?: string;
  tracks?: TwilioTrack[];
  customParameters?: Record<string, string>;
  /** Put in the URL as `?token=` (Twilio itself drops query strings: use customParameters.token there). */
  urlToken?: string;
}

export interface TwilioStreamClient {
  readonly ws: WebSocket;
  readonly streamSid: string;
  readonly closed: Promise<CloseInfo>;
  /** A raw text frame (an object is JSON-encoded as is). */
  send(message: string | object): void;
  /** One chunk of μ-law on a track; the timestamp defaults to the track's audio sent so far (8 samples a ms). */
  media(track: TwilioTrack, payload: Uint8Array, timestampMs?: number): void;
  dtmf(digit: string): void;
  mark(name: string): void;
  /** Sends stop and resolves when the server closes the socket. */
  stop(): Promise<CloseInfo>;
}

export async function openTwilioStream(baseWsUrl: string, options: TwilioStreamOptions): Promise<TwilioStreamClient> {
  const query = options.urlToken !== undefined ? `?token=${encodeURIComponent(options.urlToken)}` : '';
  const ws = await openSocket(`${baseWsUrl}${TWILIO_PATH}${query}`);
  const closed = closedInfo(ws);
  const streamSid = options.streamSid ?? `MZ${options.callSid.replace(/[^A-Za-z0-9]/g, '').padEnd(32, '0').slice(0, 32)}`;
  const accountSid = options.accountSid ?? 'AC00000000000000000000000000000000';
  const tracks = options.tracks ?? ['inbound'];
  let sequence = 0;
  const chunks: Record<TwilioTrack, number> = { inbound: 0, outbound: 0 };
  const sentSamples: Record<TwilioTrack, number> = { inbound: 0, outbound: 0 };
  const send = (message: string | object): void => ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  const envelope = (event: string): { event: string; sequenceNumber: string; streamSid: string } => ({ event, sequenceNumber: String(++sequence), streamSid });

  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({
    ...envelope('start'),
    start: {
      streamSid, accountSid, callSid: options.callSid, tracks, customParameters: options.customParameters ?? {},
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
  });
  return {
    ws,
    streamSid,
    closed,
    send,
    media(track, payload, timestampMs) {
      const timestamp = timestampMs ?? Math.floor(sentSamples[track] / 8);
      sentSamples[track] = Math.max(sentSamples[track], timestamp * 8) + payload.length;
      send({
        ...envelope('media'),
        media: { track, chunk: String(++chunks[track]), timestamp: String(timestamp), payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64') },
      });
    },
    dtmf(digit) {
      send({ ...envelope('dtmf'), dtmf: { track: 'inbound_track', digit } });
    },
    mark(name) {
      send({ ...envelope('mark'), mark: { name } });
    },
    async stop() {
      if (ws.readyState === WebSocket.OPEN) send({ ...envelope('stop'), stop: { accountSid, callSid: options.callSid } });
      return closed;
    },
  };
}

/** Splits interleaved two-channel μ-law (channel 0, channel 1, …) into one byte array per channel. */
export function deinterleave2(bytes: Uint8Array): [Uint8Array, Uint8Array] {
  const n = Math.floor(bytes.length / 2);
  const a = new Uint8Array(n);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = bytes[2 * i]!;
    b[i] = bytes[2 * i + 1]!;
  }
  return [a, b];
}
