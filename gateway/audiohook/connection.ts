import type { Logger } from 'pino';
import { EarshotError, closeReason, toError } from '../../engine/errors.js';
import type { EndReason } from '../../engine/events.js';
import type { CallSession } from '../../engine/session/call-session.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import type { Transport, ConnectionLimits } from '../native/connection.js';
import type { ClientEnvelope, ClientMessage, ClientMessageType, CloseReason, ServerParameters, ServerMessageType } from './messages.js';
import { AUDIOHOOK_RATE, NULL_UUID, durationSeconds, parseEnvelope, parseParameters, selectMedia, type SelectedMedia } from './parse.js';

/**
 * One Genesys AudioHook session (protocol version 2) on one WebSocket. Every frame is validated in a fixed
 * order (size → parse → envelope → sequence → parameters → state → dispatch); the first violation is
 * answered the protocol's way — `disconnect` with reason `error` (or `unauthorized`) and the Earshot code in
 * `info` — the call is ended as `protocol-error`, and once the client has run its close transaction (or
 * after `closeGraceMs`) the socket closes with the code's close code. No other call is touched.
 *
 * Position: the client reports its stream position (`PT…S`) in every message; it counts audio sent, audio
 * discarded and paused spans. The server keeps the same count (audio received + the `discarded` spans of
 * `discarded` and `resumed`) and refuses a position that goes back or falls behind it. Only audio received
 * is analysed: the call's own time (event `at`, `durationMs`) is the audio Earshot heard.
 */

export type AudioHookState = 'awaiting-open' | 'active' | 'paused' | 'disconnecting' | 'closed';

/** The clock port: one timer, for the wait on the client's close transaction after a `disconnect`. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AudioHookConnectionOptions {
  limits: ConnectionLimits;
  /** `Audiohook-Session-Id` of the upgrade request (null: the first message's `id` is taken). */
  sessionId: string | null;
  /** `Audiohook-Organization-Id` of the upgrade request: `open` must name the same organization. */
  organizationId: string | null;
  correlationId: string | null;
  /** How long a client may take to run its close transaction after a `disconnect` (default 5 s). */
  closeGraceMs?: number;
  timers?: Timers;
}

export interface AudioHookConnection {
  onText(text: string, bytes: number): void;
  onBinary(frame: Uint8Array): void;
  /** The peer went away (or the socket failed): a live call is ended and stored. */
  onTransportClosed(): void;
  /** Ends the session at once (a flooding client): `disconnect`, call ended as protocol-error, socket closed. */
  abort(err: EarshotError): void;
  /** Server-initiated pause / resume (`pause`, `resume`); false outside an open session. */
  pause(): boolean;
  resume(): boolean;
  readonly state: AudioHookState;
  readonly callId: string | null;
  /** Stream position the server has accounted for, in 8 kHz samples: audio received + discarded/paused spans. */
  readonly positionSamples: number;
  readonly lagMs: number;
}

/** Which state takes which client message; anything else is EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE. */
const ALLOWED: { [T in ClientMessageType]: readonly AudioHookState[] } = {
  open: ['awaiting-open'],
  ping: ['awaiting-open', 'active', 'paused'],
  update: ['active', 'paused'],
  paused: ['active', 'paused'],
  resumed: ['active', 'paused'],
  discarded: ['active', 'paused'],
  error: ['awaiting-open', 'active', 'paused'],
  close: ['awaiting-open', 'active', 'paused'],
};

const END_REASON: Record<CloseReason, EndReason> = { end: 'stop', disconnect: 'stop', reconnect: 'client-end', error: 'protocol-error' };

/** Position differences under one 20 ms frame are rounding (a client may write fewer decimals). */
const POSITION_TOLERANCE_SAMPLES = (20 * AUDIOHOOK_RATE) / 1000;
const DEFAULT_CLOSE_GRACE_MS = 5000;
const INFO_MAX_CHARS = 512;

const DEFAULT_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export function createAudioHookConnection(
  transport: Transport,
  registry: CallRegistry,
  options: AudioHookConnectionOptions,
  log: Logger,
): AudioHookConnection {
  const timers = options.timers ?? DEFAULT_TIMERS;
  let state: AudioHookState = 'awaiting-open';
  let sessionId = options.sessionId?.toLowerCase() ?? null;
  let seq = 0;
  let clientseq = 0;
  let session: CallSession | null = null;
  let callId: string | null = null;
  let media: SelectedMedia | null = null;
  let stride = 1;
  let receivedSamples = 0;
  let gapSamples = 0;
  let lastPosition = 0;
  let lastClientError: { code: number; message: string } | null = null;
  let graceTimer: unknown = null;
  let failure: EarshotError | null = null;

  function setState(next: AudioHookState): void {
    if (next === state) return;
    log.debug({ callId, oldState: state, newState: next }, 'audiohook session state');
    state = next;
  }

  function send<T extends ServerMessageType>(type: T, parameters: ServerParameters[T]): void {
    transport.sendText(JSON.stringify({ version: '2', type, id: sessionId ?? NULL_UUID, seq: ++seq, clientseq, parameters }));
  }

  function closeTransport(code: number, reason: string): void {
    if (graceTimer !== null) timers.clearTimeout(graceTimer);
    graceTimer = null;
    setState('closed');
    transport.close(code, reason);
  }

  function endCall(reason: EndReason, error?: { code: string; message: string }): void {
    const s = session;
    session = null;
    if (s) registry.end(s.callId, reason, error)?.catch((err) => log.error({ err, callId: s.callId }, 'ending call failed'));
  }

  function fail(err: unknown): void {
    if (state === 'closed' || state === 'disconnecting') return;
    const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_INTERNAL', undefined, { cause: toError(err) });
    if (e.code === 'EARSHOT_ERR_INTERNAL') log.error({ err: toError(err), callId }, 'audiohook session failed');
    else log.info({ code: e.code, callId }, 'audiohook session refused bad input');
    endCall('protocol-error', { code: e.code, message: e.message });
    failure = e;
    setState('disconnecting');
    const info = `${e.code}: ${e.message}`;
    send('disconnect', {
      reason: e.code === 'EARSHOT_ERR_AUDIOHOOK_ORGANIZATION_MISMATCH' ? 'unauthorized' : 'error',
      info: info.length > INFO_MAX_CHARS ? `${info.slice(0, INFO_MAX_CHARS - 3)}...` : info,
    });
    // The client answers a disconnect with its close transaction; one that does not is closed on.
    graceTimer = timers.setTimeout(() => {
      graceTimer = null;
      if (state === 'disconnecting') closeTransport(e.spec.wsClose ?? 1011, closeReason(e));
    }, options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
  }

  function openCall(p: ClientEnvelope<'open'>['parameters']): void {
    const metadata = {
      conversationId: p.conversationId,
      organizationId: p.organizationId,
      sessionId,
      ...(options.correlationId ? { correlationId: options.correlationId } : {}),
      participantId: p.participant.id,
      ani: p.participant.ani,
      aniName: p.participant.aniName,
      dnis: p.participant.dnis,
      ...(p.language ? { language: p.language } : {}),
    };
    const spec = { agentId: null, protocol: 'genesys-audiohook', audio: media!.audio, metadata };
    // The conversation id names the call (GET /v1/calls/<conversationId>); a second session of the same
    // conversation (another integration, a restarted monitor) is told apart by its session id.
    try {
      session = registry.open({ ...spec, callId: p.conversationId });
    } catch (err) {
      const code = (err as EarshotError).code;
      if (code !== 'EARSHOT_ERR_CALL_DUPLICATE_ID' && code !== 'EARSHOT_ERR_CALL_ID_TAKEN') throw err;
      session = registry.open({ ...spec, callId: `${p.conversationId}:${sessionId}` });
    }
    callId = session.callId;
  }

  const HANDLERS: { [T in ClientMessageType]: (m: ClientEnvelope<T>) => void } = {
    open(m) {
      const p = m.parameters;
      if (options.organizationId && p.organizationId.toLowerCase() !== options.organizationId.toLowerCase()) {
        throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_ORGANIZATION_MISMATCH');
      }
      media = selectMedia(p.media);
      const probe = p.conversationId === NULL_UUID;
      if (!media && !probe) {
        throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_UNSUPPORTED_MEDIA', `offered ${p.media.length} format(s); Earshot takes PCMU or L16 at 8000 Hz`);
      }
      // A connection probe (null conversation id) is answered like any open and opens no call.
      if (!probe) openCall(p);
      if (media) stride = media.audio.channels * (media.audio.encoding === 'pcm16' ? 2 : 1);
      setState('active');
      send('opened', { media: media ? [media.media] : [], startPaused: false });
      log.info({ callId, probe, format: media?.media.format, channels: media?.media.channels.length }, probe ? 'audiohook connection probe answered' : 'audiohook session opened');
    },
    ping: () => send('pong', {}),
    update(m) {
      // Nothing of the call changes with the language (the recogniser is the server's); noted for the logs.
      log.info({ callId, language: m.parameters.language }, 'audiohook session updated');
    },
    paused() {
      if (state === 'active') log.info({ callId }, 'audiohook stream paused');
      setState('paused');
    },
    resumed(m) {
      account(m.parameters.start, m.parameters.discarded, 'resumed');
      setState('active');
    },
    discarded: (m) => account(m.parameters.start, m.parameters.discarded, 'discarded'),
    error(m) {
      lastClientError = { code: m.parameters.code, message: m.parameters.message };
      log.warn({ callId, clientCode: m.parameters.code }, 'audiohook client reported an error');
    },
    close(m) {
      const reason = END_REASON[m.parameters.reason];
      if (reason === 'protocol-error') {
        const e = lastClientError;
        endCall(reason, {
          code: 'EARSHOT_ERR_AUDIOHOOK_CLIENT_ERROR',
          message: e ? `client error ${e.code}: ${e.message.slice(0, 200)}` : 'the client closed with reason "error"',
        });
      } else endCall(reason);
      send('closed', {});
      closeTransport(1000, 'session closed');
    },
  };

  /** A span the client did not stream (paused, or discarded): it moves the position, not the call's audio. */
  function account(start: string, discarded: string, why: string): void {
    const samples = Math.round(durationSeconds(discarded) * AUDIOHOOK_RATE);
    gapSamples += samples;
    if (samples > 0) log.info({ callId, startS: durationSeconds(start), discardedS: samples / AUDIOHOOK_RATE, why }, 'audiohook span not streamed');
  }

  function onDisconnecting(text: string): void {
    // Messages in flight are dropped; the client's close transaction completes the disconnect.
    try {
      const env = parseEnvelope(text);
      if (env.type !== 'close') return;
      clientseq = env.seq;
    } catch {
      return;
    }
    send('closed', {});
    const e = failure!;
    closeTransport(e.spec.wsClose ?? 1011, closeReason(e));
  }

  return {
    onText(text, bytes) {
      if (state === 'closed') return;
      if (state === 'disconnecting') return onDisconnecting(text);
      try {
        if (bytes > options.limits.maxTextFrameBytes) {
          throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `text frame of ${bytes} bytes, limit ${options.limits.maxTextFrameBytes}`);
        }
        const env = parseEnvelope(text);
        if (env.seq !== clientseq + 1) throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SEQUENCE', `seq ${env.seq}, expected ${clientseq + 1}`);
        if (env.serverseq > seq) throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SEQUENCE', `serverseq ${env.serverseq} is past the server's last seq ${seq}`);
        const id = env.id.toLowerCase();
        if (sessionId === null) sessionId = id;
        else if (id !== sessionId) throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SESSION_MISMATCH', `id ${id}, session ${sessionId}`);
        clientseq = env.seq;
        const position = durationSeconds(env.position) * AUDIOHOOK_RATE;
        if (position < lastPosition) throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SEQUENCE', `position ${env.position} went back`);
        if (position < receivedSamples + gapSamples - POSITION_TOLERANCE_SAMPLES) {
          throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SEQUENCE', `position ${env.position} is behind the ${(receivedSamples + gapSamples) / AUDIOHOOK_RATE} s of stream accounted`);
        }
        lastPosition = position;
        const msg: ClientMessage = parseParameters(env);
        if (!ALLOWED[msg.type].includes(state)) throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE', `${msg.type} in state ${state}`);
        (HANDLERS[msg.type] as (m: ClientMessage) => void)(msg);
      } catch (err) {
        fail(err);
      }
    },
    onBinary(frame) {
      if (state === 'closed' || state === 'disconnecting') return;
      try {
        if (frame.length > options.limits.maxFrameBytes) {
          throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `audio frame of ${frame.length} bytes, limit ${options.limits.maxFrameBytes}`);
        }
        if (state === 'awaiting-open') throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED', `${frame.length}-byte frame before the open transaction`);
        if (state === 'paused') throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED', `${frame.length}-byte frame while paused`);
        if (!media) throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED', `${frame.length}-byte frame, but no media was selected`);
        if (frame.length % stride !== 0) {
          throw new EarshotError('EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE', `${frame.length} bytes is not a multiple of ${stride} (${media.media.channels.length} channel(s) of ${media.media.format})`);
        }
        receivedSamples += frame.length / stride;
        session?.acceptAudio(frame);
      } catch (err) {
        fail(err);
      }
    },
    onTransportClosed() {
      if (graceTimer !== null) timers.clearTimeout(graceTimer);
      graceTimer = null;
      endCall('socket-closed');
      setState('closed');
    },
    abort(err) {
      fail(err);
      if (state !== 'closed') closeTransport(err.spec.wsClose ?? 1008, closeReason(err));
    },
    pause() {
      if ((state !== 'active' && state !== 'paused') || !media) return false;
      send('pause', {});
      return true;
    },
    resume() {
      if ((state !== 'active' && state !== 'paused') || !media) return false;
      send('resume', {});
      return true;
    },
    get state() {
      return state;
    },
    get callId() {
      return callId;
    },
    get positionSamples() {
      return receivedSamples + gapSamples;
    },
    get lagMs() {
      return session?.lagMs ?? 0;
    },
  };
}
