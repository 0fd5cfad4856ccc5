import type { Metadata, ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { EventBus } from '../../engine/bus.js';
import { EarshotError, toError } from '../../engine/errors.js';
import type { CallEvent } from '../../engine/events.js';
import type { CallSession, CallSpec } from '../../engine/session/call-session.js';
import type { CallRegistry } from '../../engine/session/registry.js';
import type { AudioAuth } from '../auth.js';
import { createRateLimiter } from '../rate.js';
import { tenantRegistry } from '../tenant-registry.js';
import type { Malformed } from './messages.js';
import { isMalformed } from './protos.js';
import { apiKeyOf, peerAddress, statusFor } from './status.js';

/** How long the end of a client's requests waits to be taken as its end of the call (see the 'end' handler). */
const HALF_CLOSE_GRACE_MS = 50;

export interface GrpcLimits {
  /** Largest audio message (--max-frame-bytes). */
  maxFrameBytes: number;
  /** Largest start or utterance (--max-text-frame-bytes). */
  maxTextFrameBytes: number;
  /** Messages a second per stream (two seconds' burst). */
  maxMessageRate: number;
  /** Analysis lag that stops reading the stream (HTTP/2 flow control pushes back on the sender). */
  backpressureLagMs: number;
  /** Responses a client leaves unread past this many bytes end its stream (EARSHOT_ERR_EVENTS_SLOW_CONSUMER). */
  eventsMaxBufferedBytes: number;
}

/** An RPC the gateway ends at shutdown: its call as `server-shutdown`, then the stream with UNAVAILABLE. */
export interface LiveRpc {
  shutdown(): Promise<void>;
}

export interface RpcDeps {
  registry: CallRegistry;
  auth: AudioAuth;
  bus: EventBus;
  limits: GrpcLimits;
  log: Logger;
  live: Set<LiveRpc>;
  closing(): boolean;
}

/**
 * awaiting-start: no call yet; live: the call takes messages; ending: the call is being ended (stop,
 * half-close, shutdown) and later messages are ignored until call.ended; done: the stream has its status.
 */
export type RpcState = 'awaiting-start' | 'live' | 'ending' | 'done';

/** What one protocol does with its stream; the core (below) does everything the protocols share. */
export interface RpcProtocol<Req> {
  /** A decoded request within the rate limit. Throws EarshotError on bad input. */
  onRequest(req: Req): void;
  /** The client closed its side of the stream. Throws EarshotError when that is an error. */
  onHalfClose(): void;
  /** Each event of the call in order, call.ended last; the stream ends right after call.ended. */
  onEvent(event: CallEvent): void;
}

export interface CallRpc<Res> {
  readonly state: RpcState;
  readonly session: CallSession | null;
  readonly metadata: Metadata;
  readonly log: Logger;
  /**
   * Opens the call through the tenant's registry and subscribes to its events. `opened` runs before any
   * event is handed to the protocol (call.started is published while the call opens).
   */
  open(spec: Omit<CallSpec, 'protocol'>, opened: (session: CallSession) => void): void;
  /** Response headers, before the first response. */
  sendMetadata(metadata: Metadata): void;
  /** One response; `bytes` approximates its size for the unread-responses limit. */
  send(response: Res, bytes: number): void;
  /** After audio is accepted: stop reading the stream while the call's analysis lags. */
  checkLag(): void;
  /** Ends the call as the client asked (`stop`); the stream ends once call.ended is delivered. */
  stop(): void;
  /** Ends the stream with the error's status and the call, if any, as `protocol-error`. */
  fail(err: unknown): void;
}

/**
 * Serves one call over a bidirectional gRPC stream with the given protocol: authentication (auth.ts, from
 * the peer address and the metadata key), the tenant's registry, the message rate, bad-message statuses,
 * the call's events from the bus, backpressure, a client that vanishes (`socket-closed`) and shutdown.
 * Validation order per message (STYLE.md §2): rate → decode → the protocol's size → envelope → sequence →
 * parameters → dispatch.
 */
export function serveCallRpc<Req extends object, Res>(
  call: ServerDuplexStream<Req | Malformed, Res>,
  deps: RpcDeps,
  protocolName: string,
  makeProtocol: (rpc: CallRpc<Res>) => RpcProtocol<Req>,
): void {
  let log = deps.log;
  let state: RpcState = 'awaiting-start';
  let session: CallSession | null = null;
  let unsubscribe: (() => void) | null = null;
  let lagTimer: NodeJS.Timeout | null = null;
  let unreadBytes = 0;
  /** Registered with the gateway for shutdown once the stream is admitted. */
  let handle: LiveRpc | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  function finish(): void {
    state = 'done';
    unsubscribe?.();
    unsubscribe = null;
    if (lagTimer) clearInterval(lagTimer);
    lagTimer = null;
    if (handle) deps.live.delete(handle);
    resolveDone();
  }

  function endWithError(err: unknown): void {
    const status = statusFor(err);
    finish();
    if (!call.destroyed) call.emit('error', status);
  }

  if (deps.closing()) {
    endWithError(new EarshotError('EARSHOT_ERR_SHUTTING_DOWN'));
    return;
  }
  let registry: CallRegistry;
  try {
    const principal = deps.auth.authenticate(peerAddress(call.getPeer()), apiKeyOf(call.metadata));
    registry = tenantRegistry(deps.registry, deps.auth, principal);
    log = log.child({ tenant: principal.tenant });
  } catch (err) {
    log.info({ code: (err as EarshotError).code }, 'gRPC stream refused');
    endWithError(err);
    return;
  }
  const rate = createRateLimiter(deps.limits.maxMessageRate);

  const rpc: CallRpc<Res> = {
    get state() {
      return state;
    },
    get session() {
      return session;
    },
    metadata: call.metadata,
    get log() {
      return log;
    },
    open(spec, opened) {
      const early: CallEvent[] = [];
      let opening = true;
      unsubscribe = deps.bus.subscribe({ callId: spec.callId }, (event) => {
        if (opening) early.push(event);
        else onEvent(event);
      });
      try {
        session = registry.open({ ...spec, protocol: protocolName });
      } catch (err) {
        unsubscribe();
        unsubscribe = null;
        throw err;
      }
      state = 'live';
      log = log.child({ callId: spec.callId });
      opening = false;
      opened(session);
      for (const event of early) onEvent(event);
    },
    sendMetadata(metadata) {
      if (state !== 'done' && !call.destroyed) call.sendMetadata(metadata);
    },
    send(response, bytes) {
      if (state === 'done' || call.destroyed) return;
      unreadBytes += bytes;
      call.write(response, () => {
        unreadBytes -= bytes;
      });
      if (unreadBytes > deps.limits.eventsMaxBufferedBytes) {
        rpc.fail(new EarshotError('EARSHOT_ERR_EVENTS_SLOW_CONSUMER', `${unreadBytes} bytes of responses unread, limit ${deps.limits.eventsMaxBufferedBytes}`));
      }
    },
    checkLag() {
      const limitMs = deps.limits.backpressureLagMs;
      if (lagTimer || !session || session.lagMs <= limitMs) return;
      call.pause();
      log.warn({ lagMs: Math.round(session.lagMs) }, 'call audio paused: analysis behind');
      lagTimer = setInterval(() => {
        if (session && session.lagMs > limitMs / 2 && state === 'live') return;
        clearInterval(lagTimer!);
        lagTimer = null;
        if (state !== 'done') call.resume();
      }, 100);
      lagTimer.unref();
    },
    stop() {
      if (!session || state !== 'live') return;
      state = 'ending';
      registry.end(session.callId, 'stop')?.catch((err) => rpc.fail(err));
    },
    fail(err) {
      if (state === 'done') return;
      const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_INTERNAL', undefined, { cause: toError(err) });
      if (e.code === 'EARSHOT_ERR_INTERNAL') log.error({ err: toError(err) }, 'gRPC stream failed');
      else log.info({ code: e.code }, 'gRPC stream ended on bad input');
      const s = session;
      endWithError(e);
      if (s) registry.end(s.callId, 'protocol-error', { code: e.code, message: e.message })?.catch((err2) => log.error({ err: err2 }, 'ending call failed'));
    },
  };
  const protocol = makeProtocol(rpc);

  function onEvent(event: CallEvent): void {
    if (state === 'done') return;
    try {
      protocol.onEvent(event);
    } catch (err) {
      rpc.fail(err);
      return;
    }
    // The protocol may have failed the stream meanwhile (state is re-read: tsc cannot see the call changing it).
    if (event.type !== 'call.ended' || (state as RpcState) === 'done') return;
    if (event.endReason === 'server-shutdown') endWithError(new EarshotError('EARSHOT_ERR_SHUTTING_DOWN'));
    else {
      finish();
      call.end();
    }
  }

  handle = {
    shutdown() {
      if (state === 'done') return done;
      if (!session) endWithError(new EarshotError('EARSHOT_ERR_SHUTTING_DOWN'));
      else {
        state = 'ending';
        // Undefined when the call is already ending (stop): its call.ended still finishes the stream.
        registry.end(session.callId, 'server-shutdown')?.catch((err) => rpc.fail(err));
      }
      return done;
    },
  };
  deps.live.add(handle);

  call.on('data', (req: Req | Malformed) => {
    if (state === 'done' || state === 'ending') return;
    try {
      rate.take();
      if (isMalformed(req)) throw new EarshotError('EARSHOT_ERR_GRPC_BAD_MESSAGE', `the message is not a valid protobuf of its type (${req.malformed.slice(0, 80)})`);
      protocol.onRequest(req);
    } catch (err) {
      rpc.fail(err);
    }
  });
  call.on('end', () => {
    if (state !== 'awaiting-start' && state !== 'live') return;
    // A client that cancels, or whose connection drops, also ends its request stream, and its cancellation
    // follows within milliseconds (measured: 4 ms on loopback). Waiting a moment, and then for pending I/O
    // (setImmediate runs after the poll phase), lets such a call end as socket-closed rather than stop.
    setTimeout(() => {
      setImmediate(() => {
        if (state !== 'awaiting-start' && state !== 'live') return;
        try {
          protocol.onHalfClose();
        } catch (err) {
          rpc.fail(err);
        }
      });
    }, HALF_CLOSE_GRACE_MS).unref();
  });
  // The client cancelled, or its connection dropped (keepalive pings find dead peers: server.ts).
  call.on('cancelled', () => {
    if (state === 'done') return;
    const s = session;
    finish();
    if (s) {
      log.info('gRPC client went away');
      registry.end(s.callId, 'socket-closed')?.catch((err) => log.error({ err }, 'ending call failed'));
    }
  });
}
