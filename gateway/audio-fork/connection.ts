import type { Logger } from 'pino';
import { EarshotError, closeReason, toError } from '../../engine/errors.js';
import type { CallSession } from '../../engine/session/call-session.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import type { ConnectionLimits, Transport } from '../native/connection.js';
import { parseForkMetadata, SUBPROTOCOLS, type ForkQuery, type Subprotocol } from './parse.js';

export interface AudioForkConnection {
  onText(text: string, bytes: number): void;
  onBinary(frame: Uint8Array): void;
  /**
   * The socket closed: a live call ends. The fork closes its socket to stop (`uuid_audio_fork … stop`, the
   * `listen` verb ending): a close with 1000 ends the call as 'client-end', anything else as 'socket-closed'.
   */
  onTransportClosed(code?: number): void;
  readonly lagMs: number;
}

type State = 'awaiting-metadata' | 'live' | 'closed';

/**
 * One audio fork connection: the metadata text frame opens the call, binary L16 frames are its audio, and
 * text frames after it (`uuid_audio_fork … send_text`, jambonz `passDtmf`) are logged and ignored (a jambonz
 * DTMF is counted; its digit is never logged). The first bad frame sends mod_audio_fork's
 * `{"type":"error","data":{…}}` (raised as a `mod_audio_fork::error` event to the application), then closes
 * with the error's close code; the call, if open, is stored as ended by 'protocol-error'.
 */
export function createAudioForkConnection(
  transport: Transport,
  registry: CallRegistry,
  subprotocol: Subprotocol,
  query: ForkQuery,
  limits: ConnectionLimits,
  log: Logger,
): AudioForkConnection {
  let state: State = 'awaiting-metadata';
  let session: CallSession | null = null;
  let dtmf = 0;
  let texts = 0;

  function fail(err: unknown): void {
    const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_INTERNAL', undefined, { cause: toError(err) });
    if (e.code === 'EARSHOT_ERR_INTERNAL') log.error({ err: toError(err) }, 'audio fork connection failed');
    else log.info({ code: e.code, callId: session?.callId }, 'audio fork connection closed on bad input');
    const s = session;
    session = null;
    state = 'closed';
    transport.sendText(JSON.stringify({ type: 'error', data: { code: e.code, message: e.message.slice(0, 500) } }));
    transport.close(e.spec.wsClose ?? 1011, closeReason(e));
    if (s) registry.end(s.callId, 'protocol-error', { code: e.code, message: e.message })?.catch((err) => log.error({ err }, 'ending call failed'));
  }

  function afterMetadata(text: string): void {
    texts++;
    let msg: unknown = null;
    try {
      msg = JSON.parse(text);
    } catch {
      // send_text carries whatever the application wants: not ours to judge.
    }
    if (typeof msg === 'object' && msg !== null && (msg as { event?: unknown }).event === 'dtmf') {
      dtmf++;
      log.info({ callId: session!.callId, dtmf }, 'audio fork dtmf');
    } else log.debug({ callId: session!.callId, chars: text.length }, 'audio fork text frame ignored');
  }

  return {
    onText(text, bytes) {
      if (state === 'closed') return;
      try {
        if (bytes > limits.maxTextFrameBytes) {
          throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `text frame of ${bytes} bytes, limit ${limits.maxTextFrameBytes}`);
        }
        if (state === 'live') {
          afterMetadata(text);
          return;
        }
        const { mixType, ...spec } = parseForkMetadata(text, subprotocol, query);
        session = registry.open({ ...spec, protocol: SUBPROTOCOLS[subprotocol] });
        state = 'live';
        log.info({ callId: session.callId, mixType, sampleRate: spec.audio.sampleRate }, 'audio fork started');
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
        if (!session) throw new EarshotError('EARSHOT_ERR_AUDIO_FORK_AUDIO_BEFORE_METADATA', `${frame.length}-byte frame`);
        session.acceptAudio(frame);
      } catch (err) {
        fail(err);
      }
    },
    get lagMs() {
      return session?.lagMs ?? 0;
    },
    onTransportClosed(code) {
      const s = session;
      session = null;
      state = 'closed';
      if (!s) return;
      const reason = code === 1000 ? 'client-end' : 'socket-closed';
      log.info({ callId: s.callId, endReason: reason, dtmf, textFrames: texts }, 'audio fork ended');
      registry.end(s.callId, reason)?.catch((err) => log.error({ err }, 'ending call failed'));
    },
  };
}
