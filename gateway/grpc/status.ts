/**
 * The gRPC face of the error catalogue (engine/errors.ts): the status each EARSHOT_ERR_* code gets on a gRPC
 * stream, the status object itself (details `EARSHOT_ERR_…: message`, the code again in the trailer
 * `x-earshot-error-code` so clients never parse messages), and the two things every gRPC adapter reads from
 * a call: the peer address and the API key.
 */
import { isIP } from 'node:net';
import { Metadata, status as Status, type StatusObject } from '@grpc/grpc-js';
import { ERRORS, EarshotError, toError, type ErrorCode, type ErrorSpec } from '../../engine/errors.js';
import { bearer } from '../auth.js';

export { Status };

/** Codes whose gRPC status is not the one their HTTP status or WebSocket close code implies. */
const EXPLICIT: Partial<Record<ErrorCode, Status>> = {
  // Sequence errors: the stream is not in the state the message needs (start first, once).
  EARSHOT_ERR_WS_AUDIO_BEFORE_START: Status.FAILED_PRECONDITION,
  EARSHOT_ERR_WS_MESSAGE_BEFORE_START: Status.FAILED_PRECONDITION,
  EARSHOT_ERR_WS_ALREADY_STARTED: Status.FAILED_PRECONDITION,
  // Limits: what grpc-js itself answers to a message over its size limit.
  EARSHOT_ERR_WS_FRAME_TOO_LARGE: Status.RESOURCE_EXHAUSTED,
  EARSHOT_ERR_CALL_LIMIT: Status.RESOURCE_EXHAUSTED,
  EARSHOT_ERR_EVENTS_SLOW_CONSUMER: Status.RESOURCE_EXHAUSTED,
  EARSHOT_ERR_SHUTTING_DOWN: Status.UNAVAILABLE,
  EARSHOT_ERR_INTERNAL: Status.INTERNAL,
  EARSHOT_ERR_ASR_FAILED: Status.UNAVAILABLE,
  EARSHOT_ERR_ANALYSIS_WORKER_DIED: Status.UNAVAILABLE,
};

const BY_HTTP: Record<number, Status> = {
  400: Status.INVALID_ARGUMENT,
  401: Status.UNAUTHENTICATED,
  403: Status.PERMISSION_DENIED,
  404: Status.NOT_FOUND,
  409: Status.ALREADY_EXISTS,
  429: Status.RESOURCE_EXHAUSTED,
  500: Status.INTERNAL,
  503: Status.UNAVAILABLE,
};

/**
 * The gRPC status of an error code: explicit, else from its HTTP status, else a protocol error of the
 * audio stream (an application WebSocket close code, 4000–4999) is INVALID_ARGUMENT; anything else INTERNAL.
 * Derived rather than listed so that a code added to the catalogue gets a sensible status at once;
 * status.test.ts pins every current code to the table in docs/integrations.md.
 */
export function grpcStatusOf(code: ErrorCode): Status {
  const explicit = EXPLICIT[code];
  if (explicit !== undefined) return explicit;
  const spec: ErrorSpec = ERRORS[code];
  if (spec.httpStatus !== undefined && BY_HTTP[spec.httpStatus] !== undefined) return BY_HTTP[spec.httpStatus]!;
  if (spec.wsClose !== undefined && spec.wsClose >= 4000 && spec.wsClose < 5000) return Status.INVALID_ARGUMENT;
  return Status.INTERNAL;
}

export const ERROR_CODE_TRAILER = 'x-earshot-error-code';

/** The status a refused or broken stream ends with. */
export function statusFor(err: unknown): StatusObject & { earshotCode: ErrorCode } {
  const e = err instanceof EarshotError ? err : new EarshotError('EARSHOT_ERR_INTERNAL', undefined, { cause: toError(err) });
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_TRAILER, e.code);
  return { code: grpcStatusOf(e.code), details: `${e.code}: ${e.message}`, metadata, earshotCode: e.code };
}

/**
 * The client's IP address from `call.getPeer()`: grpc-js gives `127.0.0.1:port`, `::1:port` or
 * `::ffff:127.0.0.1:port`; other stacks `ipv4:127.0.0.1:port` or `ipv6:[::1]:port`. undefined when it is
 * not an IP address (a Unix socket, `unknown`): such a client is not a loopback client.
 */
export function peerAddress(peer: string): string | undefined {
  let p = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(p);
  if (bracketed) p = bracketed[1]!;
  else {
    const withPort = /^(.*):(\d{1,5})$/.exec(p);
    // A port is stripped only when what remains is an address (grpc-js always appends the port).
    if (withPort && isIP(withPort[1]!) !== 0) p = withPort[1]!;
  }
  return isIP(p) !== 0 ? p : undefined;
}

/**
 * The API key a call presents: `x-api-key`, else `x-goog-api-key` (where Google's clients put an API key),
 * else `authorization: Bearer …`. The dedicated headers come first because a Google Speech client may carry
 * its own OAuth token in `authorization`.
 */
export function apiKeyOf(metadata: Metadata): string | undefined {
  const first = (key: string): string | undefined => {
    const v = metadata.get(key)[0];
    return typeof v === 'string' ? v : undefined;
  };
  return bearer(first('x-api-key')) ?? bearer(first('x-goog-api-key')) ?? bearer(first('authorization'));
}
