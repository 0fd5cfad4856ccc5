/**
 * The one error catalogue (STYLE.md §5). Codes are stable: a retired code is never reused.
 * Each code maps to the status it gets at each boundary: a WebSocket close code, an HTTP status.
 * docs/errors.md documents every code; engine/errors.test.ts keeps the two in step.
 */
export interface ErrorSpec {
  readonly message: string;
  /** WebSocket close code (RFC 6455 §7.4; 4000–4999 are ours). */
  readonly wsClose?: number;
  readonly httpStatus?: number;
  readonly retryable?: boolean;
}

export const ERRORS = {
  EARSHOT_ERR_CONFIG_INVALID: { message: 'invalid configuration' },

  EARSHOT_ERR_WS_BAD_JSON: { message: 'text frame is not valid JSON', wsClose: 4000 },
  EARSHOT_ERR_WS_UNKNOWN_TYPE: { message: 'unknown message type', wsClose: 4001 },
  EARSHOT_ERR_WS_AUDIO_BEFORE_START: { message: 'audio frame received before the start message', wsClose: 4002 },
  EARSHOT_ERR_WS_BAD_START: { message: 'invalid start message', wsClose: 4003 },
  EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE: { message: 'unsupported sample rate', wsClose: 4004 },
  EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING: { message: 'unsupported audio encoding', wsClose: 4005 },
  EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS: { message: 'unsupported channel count or roles', wsClose: 4006 },
  EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE: { message: 'frame length is not a whole number of samples', wsClose: 4007 },
  EARSHOT_ERR_CALL_DUPLICATE_ID: { message: 'a call with this id is live', wsClose: 4008, httpStatus: 409 },
  EARSHOT_ERR_CALL_ID_TAKEN: { message: 'a call with this id is already stored', wsClose: 4009, httpStatus: 409 },
  EARSHOT_ERR_WS_BAD_UTTERANCE: { message: 'invalid utterance message', wsClose: 4010 },
  EARSHOT_ERR_WS_ALREADY_STARTED: { message: 'start received on a connection whose call already started', wsClose: 4011 },
  EARSHOT_ERR_AUDIO_BAD_WAV_HEADER: { message: 'WAV header does not match the declared audio format', wsClose: 4012 },
  EARSHOT_ERR_WS_MESSAGE_BEFORE_START: { message: 'utterance or stop received before the start message', wsClose: 4013 },
  EARSHOT_ERR_WS_FRAME_TOO_LARGE: { message: 'frame exceeds the size limit', wsClose: 1009 },
  EARSHOT_ERR_CALL_LIMIT: { message: 'too many concurrent calls', wsClose: 1013, httpStatus: 503, retryable: true },
  EARSHOT_ERR_GRPC_BAD_MESSAGE: { message: 'gRPC message is not a valid protobuf of its type', httpStatus: 400 },
  EARSHOT_ERR_AUTH_REQUIRED: { message: 'an API key is required', wsClose: 4401, httpStatus: 401 },
  EARSHOT_ERR_AUTH_INVALID: { message: 'the API key is not valid', wsClose: 4402, httpStatus: 401 },
  EARSHOT_ERR_AUTH_LOOPBACK_ONLY: { message: 'audio is accepted from loopback clients only', wsClose: 4403, httpStatus: 403 },
  EARSHOT_ERR_TENANT_CALL_LIMIT: { message: "too many concurrent calls for this API key's tenant", wsClose: 4431, httpStatus: 429, retryable: true },
  EARSHOT_ERR_RATE_LIMITED: { message: 'message rate limit exceeded', wsClose: 4430, httpStatus: 429, retryable: true },
  EARSHOT_ERR_EVENTS_SLOW_CONSUMER: { message: 'event consumer too slow: buffered events exceed the limit', wsClose: 4429, retryable: true },
  EARSHOT_ERR_SHUTTING_DOWN: { message: 'server is shutting down', wsClose: 1001, httpStatus: 503, retryable: true },
  EARSHOT_ERR_INTERNAL: { message: 'internal error', wsClose: 1011, httpStatus: 500, retryable: true },

  // Twilio Media Streams (/v1/twilio): 4600–4699.
  EARSHOT_ERR_TWILIO_BINARY_FRAME: { message: 'Twilio Media Streams sends JSON text frames only, got a binary frame', wsClose: 4600 },
  EARSHOT_ERR_TWILIO_BAD_MESSAGE: { message: 'Twilio message lacks a field or has one of the wrong type', wsClose: 4601 },
  EARSHOT_ERR_TWILIO_BAD_START: { message: 'invalid Twilio start message', wsClose: 4602 },
  EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT: { message: 'Twilio mediaFormat is not audio/x-mulaw, 8000 Hz, 1 channel', wsClose: 4603 },
  EARSHOT_ERR_TWILIO_BAD_PAYLOAD: { message: 'Twilio media payload is not base64', wsClose: 4604 },
  EARSHOT_ERR_TWILIO_MESSAGE_BEFORE_START: { message: 'Twilio media, mark, dtmf or stop received before start', wsClose: 4605 },
  EARSHOT_ERR_TWILIO_STREAM_MISMATCH: { message: "Twilio message names another stream than the start's streamSid", wsClose: 4606 },
  EARSHOT_ERR_TWILIO_UNKNOWN_TRACK: { message: 'Twilio media on a track the start did not list', wsClose: 4607 },
  EARSHOT_ERR_TWILIO_TIMESTAMP_JUMP: { message: 'Twilio media timestamp jumps too far ahead of its track', wsClose: 4608 },

  // FreeSWITCH mod_audio_fork / jambonz listen (/v1/audio-fork): 4700–4799.
  EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL: { message: 'offer the WebSocket subprotocol audio.drachtio.org or audio.jambonz.org', wsClose: 4700, httpStatus: 400 },
  EARSHOT_ERR_AUDIO_FORK_BAD_METADATA: { message: 'invalid audio fork metadata (the first text frame)', wsClose: 4701 },
  EARSHOT_ERR_AUDIO_FORK_AUDIO_BEFORE_METADATA: { message: 'audio frame received before the metadata text frame', wsClose: 4702 },

  // Genesys Cloud AudioHook (/v1/audiohook): 4500–4599; signature checks are HTTP 401 before the upgrade.
  EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE: { message: 'AudioHook message envelope is invalid', wsClose: 4500 },
  EARSHOT_ERR_AUDIOHOOK_UNKNOWN_TYPE: { message: 'not an AudioHook client message type', wsClose: 4501 },
  EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS: { message: 'AudioHook message parameters are invalid', wsClose: 4502 },
  EARSHOT_ERR_AUDIOHOOK_SEQUENCE: { message: 'AudioHook seq, serverseq or position out of order', wsClose: 4503 },
  EARSHOT_ERR_AUDIOHOOK_SESSION_MISMATCH: { message: 'AudioHook message id is not the session id', wsClose: 4504 },
  EARSHOT_ERR_AUDIOHOOK_UNEXPECTED_MESSAGE: { message: 'AudioHook message not allowed in the session state', wsClose: 4505 },
  EARSHOT_ERR_AUDIOHOOK_AUDIO_NOT_EXPECTED: { message: 'AudioHook audio frame before opened, or while paused', wsClose: 4506 },
  EARSHOT_ERR_AUDIOHOOK_UNSUPPORTED_MEDIA: { message: 'no offered AudioHook media format is supported', wsClose: 4507 },
  EARSHOT_ERR_AUDIOHOOK_ORGANIZATION_MISMATCH: { message: 'open organizationId differs from the Audiohook-Organization-Id header', wsClose: 4508 },
  EARSHOT_ERR_AUDIOHOOK_CLIENT_ERROR: { message: 'the AudioHook client reported an error and closed the session' },
  EARSHOT_ERR_AUDIOHOOK_SIGNATURE_REQUIRED: { message: 'the AudioHook request must carry an HTTP message signature', httpStatus: 401 },
  EARSHOT_ERR_AUDIOHOOK_SIGNATURE_INVALID: { message: 'the AudioHook HTTP message signature is not valid', httpStatus: 401 },
  EARSHOT_ERR_AUDIOHOOK_SIGNATURE_EXPIRED: { message: 'the AudioHook HTTP message signature has expired', httpStatus: 401 },

  EARSHOT_ERR_MODEL_UNKNOWN: { message: 'no model of this name in models/manifest.json' },
  EARSHOT_ERR_MODEL_MISSING: { message: 'model file missing' },
  EARSHOT_ERR_MODEL_CHECKSUM: { message: 'model file does not match its SHA-256 checksum' },
  EARSHOT_ERR_MODEL_FETCH: { message: 'could not fetch the model', retryable: true },
  EARSHOT_ERR_MODEL_LOAD: { message: 'the speech runtime could not load the model' },
  EARSHOT_ERR_KEYWORD_INVALID: { message: 'keyword cannot be spelt in the model\'s tokens' },
  EARSHOT_ERR_ASR_FAILED: { message: 'speech recognition failed', retryable: true },
  EARSHOT_ERR_ANALYSIS_WORKER_DIED: { message: 'an analysis worker died', retryable: true },
  EARSHOT_ERR_CALL_LAGGING: { message: 'call audio is processed later than it arrives' },

  EARSHOT_ERR_HTTP_BAD_REQUEST: { message: 'request failed validation', httpStatus: 400 },
  EARSHOT_ERR_HTTP_ROUTE_NOT_FOUND: { message: 'no such route', httpStatus: 404 },
  EARSHOT_ERR_CALL_NOT_FOUND: { message: 'no call with this id', httpStatus: 404 },

  EARSHOT_ERR_KB_INVALID: { message: 'invalid knowledge-base article', httpStatus: 400 },
  EARSHOT_ERR_KB_NOT_FOUND: { message: 'no knowledge-base article with this id', httpStatus: 404 },
  EARSHOT_ERR_KB_CONFLICT: { message: 'an article with this id exists, or the body id differs from the path', httpStatus: 409 },
  EARSHOT_ERR_KB_READ_ONLY: { message: 'article comes from a knowledge-base file: edit the file', httpStatus: 409 },

  EARSHOT_ERR_RULE_INVALID: { message: 'invalid rule', httpStatus: 400 },
  EARSHOT_ERR_RULES_NOT_FOUND: { message: 'the rules folder cannot be read' },
  EARSHOT_ERR_RULE_NOT_FOUND: { message: 'no rule with this id in the active rule set', httpStatus: 404 },

  EARSHOT_ERR_SCORECARD_INVALID: { message: 'invalid scorecard', httpStatus: 400 },
  EARSHOT_ERR_QA_NOT_FOUND: { message: 'no QA result for this call (not ended, or not scored yet)', httpStatus: 404 },
  EARSHOT_ERR_QA_REVIEW_INVALID: { message: 'invalid review', httpStatus: 400 },
  EARSHOT_ERR_INCIDENT_NOT_FOUND: { message: 'no incident with this id', httpStatus: 404 },
  EARSHOT_ERR_INCIDENT_TRANSITION: { message: 'incident status cannot move this way', httpStatus: 409 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class EarshotError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const base = ERRORS[code].message;
    super(detail ? `${base}: ${detail}` : base, options);
    this.name = 'EarshotError';
    this.code = code;
    this.detail = detail ?? '';
  }
  get spec(): ErrorSpec {
    return ERRORS[this.code];
  }
  get retryable(): boolean {
    return (this.spec as ErrorSpec).retryable === true;
  }
}

/** Normalise anything thrown into an Error (STYLE.md §6). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** WebSocket close reasons are limited to 123 bytes of UTF-8 (RFC 6455 §5.5). */
export function closeReason(err: EarshotError): string {
  const full = `${err.code}: ${err.message}`;
  const bytes = Buffer.from(full, 'utf8');
  if (bytes.length <= 123) return full;
  return bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '') + '...';
}
