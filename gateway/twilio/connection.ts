import type { Logger } from 'pino';
import { EarshotError, closeReason, toError } from '../../engine/errors.js';
import type { EndReason } from '../../engine/events.js';
import type { CallSession } from '../../engine/session/call-session.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import type { ConnectionLimits, Transport } from '../native/connection.js';
import { createTrackAligner, type AlignerOptions, type TrackAligner } from './aligner.js';
import type { TwilioTrack } from './messages.js';
import { parseTwilioMessage, type TwilioInput } from './parse.js';

export const TWILIO_PROTOCOL = 'twilio-media-streams';

export interface TwilioConnection {
  onText(text: string, bytes: number): void;
  onBinary(frame: Uint8Array): void;
  /** The peer went away: buffered audio is handed on and a live call is ended and stored. */
  onTransportClosed(): void;
  /** Closes the connection on an error found outside a message (e.g. no start in time). */
  abort(err: EarshotError): void;
  readonly awaitingStart: boolean;
  readonly lagMs: number;
}

export interface TwilioConnectionOptions extends ConnectionLimits {
  /** Alignment of two-track streams (aligner.ts); tests shorten the jitter window. */
  aligner?: Partial<AlignerOptions>;
}

/**
 * The call registry this connection opens its call through, once the start message says which key it
 * presented (`customParameters.token`; undefined: none). Throws EarshotError when the key is refused;
 * a connection authenticated at the handshake ignores the argument.
 */
export type RegistryFor = (token: string | undefined) => CallRegistry;

type State = 'awaiting-start' | 'live' | 'closed';

interface Live {
  session: CallSession;
  registry: CallRegistry;
  streamSid: string;
  tracks: TwilioTrack[];
  aligner: TrackAligner;
}

/**
 * One Twilio Media Streams connection (`/v1/twilio`). Like the native protocol, each message is checked in
 * a fixed order (size → parse → envelope → sequence → fields → dispatch) and the first violation closes the
 * connection with its own close code, ends the call as 'protocol-error' and touches no other call. Earshot
 * never writes to a Twilio stream: it plays no audio, so there is nothing to `mark` or `clear`.
 */
export function createTwilioConnection(transport: Transport, registryFor: RegistryFor, options: TwilioConnectionOptions, log: Logger): TwilioConnection {
  let state: State = 'awaiting-start';
  let live: Live | null = null;
  const counts = { dtmf: 0, marks: 0, other: 0 };
  const otherEvents = new Set<string>();

  function close(code: number, reason: string): void {
    state = 'closed';
    transport.close(code, reason);
  }

  /** Hands the aligner's buffered audio to the session: nothing already received is dropped. */
  function flush(l: Live): void {
    for (const frame of l.aligner.flush()) l.session.acceptAudio(frame);
  }

  function finish(l: Live, reason: EndReason, error?: { code: string; message: string }): Promise<unknown> | undefined {
    try {
      if (l.session.state === 'live') flush(l);
    } catch (err) {
      log.error({ err: toError(err) }, 'flushing buffered audio failed');
    }
    const { gapSamples, paddedSamples, lateSamples } = l.aligner.stats;
    log.info({ callId: l.session.callId, endReason: reason, dtmf: counts.dtmf, marks: counts.marks, otherEvents: counts.other, gapSamples, paddedSamples, lateSamples }, 'twilio stream ended');
    return l.registry.end(l.session.callId, reason, error);
  }

  function fail(err: unknown): void {
    const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_INTERNAL', undefined, { cause: toError(err) });
    if (e.code === 'EARSHOT_ERR_INTERNAL') log.error({ err: toError(err) }, 'twilio connection failed');
    else log.info({ code: e.code, callId: live?.session.callId }, 'twilio connection closed on bad input');
    const l = live;
    live = null;
    close(e.spec.wsClose ?? 1011, closeReason(e));
    if (l) finish(l, 'protocol-error', { code: e.code, message: e.message })?.catch((err) => log.error({ err }, 'ending call failed'));
  }

  function checkStream(l: Live, streamSid: string | null): void {
    if (streamSid !== null && streamSid !== l.streamSid) throw new EarshotError('EARSHOT_ERR_TWILIO_STREAM_MISMATCH', `expected ${l.streamSid}`);
  }

  function start(m: Extract<TwilioInput, { event: 'start' }>): void {
    const registry = registryFor(m.token);
    const session = registry.open({ ...m.spec, protocol: TWILIO_PROTOCOL });
    live = { session, registry, streamSid: m.streamSid, tracks: m.tracks, aligner: createTrackAligner({ ...options.aligner, tracks: m.tracks.length as 1 | 2 }) };
    state = 'live';
    log.info({ callId: session.callId, tracks: m.tracks }, 'twilio stream started');
  }

  function media(l: Live, m: Extract<TwilioInput, { event: 'media' }>): void {
    checkStream(l, m.streamSid);
    let index: number;
    if (m.track === null) {
      if (l.tracks.length !== 1) throw new EarshotError('EARSHOT_ERR_TWILIO_UNKNOWN_TRACK', 'media.track is required on a two-track stream');
      index = 0;
    } else {
      index = l.tracks.indexOf(m.track);
      if (index < 0) throw new EarshotError('EARSHOT_ERR_TWILIO_UNKNOWN_TRACK', `${m.track}: the start listed ${l.tracks.join(', ')}`);
    }
    for (const frame of l.aligner.push(index, m.timestampMs, m.payload)) l.session.acceptAudio(frame);
  }

  function stop(l: Live): void {
    live = null;
    state = 'closed'; // nothing more is taken while the call's last audio is analysed
    const ended = finish(l, 'stop');
    if (!ended) {
      transport.close(1000, 'call ended'); // already ended (server shutting down)
      return;
    }
    ended.then(
      () => transport.close(1000, 'call ended'),
      (err) => {
        log.error({ err }, 'ending call failed');
        transport.close(1011, 'EARSHOT_ERR_INTERNAL: internal error');
      },
    );
  }

  function dispatch(m: TwilioInput): void {
    if (m.event === 'connected') return;
    if (m.event === 'other') {
      counts.other++;
      if (!otherEvents.has(m.name) && otherEvents.size < 16) {
        otherEvents.add(m.name);
        log.info({ event: m.name }, 'twilio event not known to this version: ignored');
      }
      return;
    }
    if (m.event === 'start') {
      if (live) throw new EarshotError('EARSHOT_ERR_WS_ALREADY_STARTED', `stream ${live.streamSid} is live`);
      start(m);
      return;
    }
    const l = live;
    if (!l) throw new EarshotError('EARSHOT_ERR_TWILIO_MESSAGE_BEFORE_START', `got ${m.event}`);
    switch (m.event) {
      case 'media':
        media(l, m);
        break;
      case 'mark':
        checkStream(l, m.streamSid);
        counts.marks++;
        log.debug({ callId: l.session.callId }, 'twilio mark');
        break;
      case 'dtmf':
        checkStream(l, m.streamSid);
        counts.dtmf++;
        // Digits are not logged: callers key in card and PIN numbers.
        log.info({ callId: l.session.callId, dtmf: counts.dtmf }, 'twilio dtmf');
        break;
      case 'stop':
        checkStream(l, m.streamSid);
        stop(l);
        break;
    }
  }

  return {
    onText(text, bytes) {
      if (state === 'closed') return;
      try {
        if (bytes > options.maxTextFrameBytes) {
          throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `text frame of ${bytes} bytes, limit ${options.maxTextFrameBytes}`);
        }
        dispatch(parseTwilioMessage(text));
      } catch (err) {
        fail(err);
      }
    },
    onBinary(frame) {
      if (state === 'closed') return;
      fail(new EarshotError('EARSHOT_ERR_TWILIO_BINARY_FRAME', `${frame.length} bytes`));
    },
    abort(err) {
      if (state !== 'closed') fail(err);
    },
    get awaitingStart() {
      return state === 'awaiting-start';
    },
    get lagMs() {
      return live?.session.lagMs ?? 0;
    },
    onTransportClosed() {
      const l = live;
      live = null;
      state = 'closed';
      if (l) finish(l, 'socket-closed')?.catch((err) => log.error({ err }, 'ending call failed'));
    },
  };
}
