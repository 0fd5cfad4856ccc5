import WebSocket from 'ws';
import type { ServerMessage, StartMessage, UtteranceMessage } from './messages.js';

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A client of the native audio protocol: the reference for integrators, used by the demo, tests and benches. */
export interface NativeCallClient {
  readonly ws: WebSocket;
  readonly callId: string;
  sendAudio(frame: Uint8Array): void;
  sendUtterance(u: Omit<UtteranceMessage, 'type'>): void;
  /** Sends stop and resolves with the server's `stopped` message (null if the socket closed first). */
  stop(): Promise<Extract<ServerMessage, { type: 'stopped' }> | null>;
  /** Resolves when the socket closes, with the server's close code and reason. */
  readonly closed: Promise<CloseInfo>;
}

export function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export function closedInfo(ws: WebSocket): Promise<CloseInfo> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
}

/** Opens `/v1/audio`, sends start and waits for `started`; rejects with the close reason if the server refuses. */
export async function startCall(baseWsUrl: string, start: Omit<StartMessage, 'type'>, path = '/v1/audio', headers: Record<string, string> = {}): Promise<NativeCallClient> {
  const ws = await openSocket(baseWsUrl + path, headers);
  const closed = closedInfo(ws);
  const messages: ServerMessage[] = [];
  const waiters: ((m: ServerMessage) => void)[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const msg = JSON.parse(String(data)) as ServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(msg);
    else messages.push(msg);
  });
  const next = (): Promise<ServerMessage | null> =>
    messages.length > 0
      ? Promise.resolve(messages.shift()!)
      : Promise.race([new Promise<ServerMessage>((r) => waiters.push(r)), closed.then(() => null)]);

  ws.send(JSON.stringify({ type: 'start', ...start }));
  const started = await next();
  if (!started || started.type !== 'started') {
    const info = await closed;
    throw new Error(`call refused: ${info.code} ${info.reason}`);
  }
  return {
    ws,
    callId: start.callId,
    closed,
    sendAudio: (frame) => ws.send(frame),
    sendUtterance: (u) => ws.send(JSON.stringify({ type: 'utterance', ...u })),
    async stop() {
      if (ws.readyState !== WebSocket.OPEN) return null;
      ws.send(JSON.stringify({ type: 'stop' }));
      const msg = await next();
      return msg && msg.type === 'stopped' ? msg : null;
    },
  };
}
