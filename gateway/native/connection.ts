import type { Logger } from 'pino';
import { looksLikeWav } from '../../engine/audio/wav.js';
import { wavHeaderLength } from '../wav-header.js';
import { EarshotError, closeReason, toError } from '../../engine/errors.js';
import type { CallSession } from '../../engine/session/call-session.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import type { ServerMessage } from './messages.js';
import { parseControl, type Control } from './parse.js';

/** The narrow transport a connection needs (STYLE.md §3): ws, a gRPC stream or an in-memory pair in tests. */
export interface Transport {
  sendText(text: string): void;
  close(code: number, reason: string): void;
}

export interface ConnectionLimits {
  maxFrameBytes: number;
  maxTextFrameBytes: number;
}

export interface NativeConnection {
  onText(text: string, bytes: number): void;
  onBinary(frame: Uint8Array): void;
  /** The peer went away (or the socket failed): a live call is ended and stored. */
  onTransportClosed(): void;
  /** How long the live call's oldest unanalysed audio has waited (ms); 0 without a live call. */
  readonly lagMs: number;
}

type State = 'awaiting-start' | 'live' | 'closed';

/**
 * One audio connection of the native protocol. Every frame is validated in a fixed order (size → parse →
 * envelope → sequence → parameters → dispatch); the first violation closes the connection with its own
 * close code, ends the call as 'protocol-error' and touches no other call.
 */
export function createNativeConnection(transport: Transport, registry: CallRegistry, limits: ConnectionLimits, log: Logger): NativeConnection {
  let state: State = 'awaiting-start';
  let session: CallSession | null = null;
  let firstAudio = true;

  function send(msg: ServerMessage): void {
    transport.sendText(JSON.stringify(msg));
  }

  function close(code: number, reason: string): void {
    state = 'closed';
    transport.close(code, reason);
  }

  function fail(err: unknown): void {
    const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_INTERNAL', undefined, { cause: toError(err) });
    if (e.code === 'EARSHOT_ERR_INTERNAL') log.error({ err: toError(err) }, 'audio connection failed');
    else log.info({ code: e.code, callId: session?.callId }, 'audio connection closed on bad input');
    const s = session;
    session = null;
    close(e.spec.wsClose ?? 1011, closeReason(e));
    if (s) registry.end(s.callId, 'protocol-error', { code: e.code, message: e.message })?.catch((err) => log.error({ err }, 'ending call failed'));
  }

  function start(control: Extract<Control, { kind: 'start' }>): void {
    session = registry.open({ ...control.spec, protocol: control.dialect === 'lca' ? 'aws-lca-ws' : 'native-ws' });
    state = 'live';
    send({ type: 'started', callId: session.callId });
  }

  function stop(reason: 'stop' | 'client-end'): void {
    const s = session!;
    session = null;
    state = 'closed'; // no more frames are taken while the call's last audio is analysed
    registry.end(s.callId, reason)?.then(
      (ended) => {
        send({ type: 'stopped', callId: s.callId, durationMs: ended.durationMs, endReason: ended.endReason });
        transport.close(1000, 'call ended');
      },
      (err) => {
        log.error({ err }, 'ending call failed');
        transport.close(1011, 'EARSHOT_ERR_INTERNAL: internal error');
      },
    );
  }

  const onControl: Record<State, (c: Control) => void> = {
    'awaiting-start': (c) => {
      if (c.kind !== 'start') throw new EarshotError('EARSHOT_ERR_WS_MESSAGE_BEFORE_START', `got ${c.kind}`);
      start(c);
    },
    live: (c) => {
      if (c.kind === 'start') throw new EarshotError('EARSHOT_ERR_WS_ALREADY_STARTED', `call ${session!.callId} is live`);
      if (c.kind === 'utterance') session!.acceptUtterance(c.utterance);
      else stop(c.reason);
    },
    closed: () => {},
  };

  return {
    onText(text, bytes) {
      if (state === 'closed') return;
      try {
        if (bytes > limits.maxTextFrameBytes) {
          throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `text frame of ${bytes} bytes, limit ${limits.maxTextFrameBytes}`);
        }
        onControl[state](parseControl(text));
      } catch (err) {
        fail(err);
      }
    },
    onBinary(frame) {
      if (state === 'closed') return;
      try {
        if (frame.length > limits.maxFrameBytes) {
          throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `audio frame of ${frame.length} bytes, limit ${limits.maxFrameBytes}`);
        }
        if (state === 'awaiting-start' || !session) throw new EarshotError('EARSHOT_ERR_WS_AUDIO_BEFORE_START', `${frame.length}-byte frame`);
        let audio = frame;
        if (firstAudio) {
          firstAudio = false;
          // AWS LCA's client streams a WAV file as is: skip its header once, after checking it agrees.
          if (looksLikeWav(frame)) {
            audio = frame.subarray(wavHeaderLength(frame, session.audio));
          }
        }
        session.acceptAudio(audio);
      } catch (err) {
        fail(err);
      }
    },
    get lagMs() {
      return session?.lagMs ?? 0;
    },
    onTransportClosed() {
      if (session) registry.end(session.callId, 'socket-closed')?.catch((err) => log.error({ err }, 'ending call failed'));
      session = null;
      state = 'closed';
    },
  };
}

