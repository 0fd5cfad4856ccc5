import { EarshotError, type ErrorCode } from '../../engine/errors.js';
import type { Channel } from '../../engine/events.js';
import type { CallSpec } from '../../engine/session/call-session.js';
import { CALL_ID_PATTERN } from '../native/parse.js';
import type { TwilioTrack } from './messages.js';

/** One Twilio message after envelope and field checks. */
export type TwilioInput =
  | { event: 'connected' }
  | {
      event: 'start';
      streamSid: string;
      /** The stream's tracks in channel order: channel 0 is the first. */
      tracks: TwilioTrack[];
      spec: Omit<CallSpec, 'protocol'>;
      /** `customParameters.token`: the API key when the `<Stream>` URL could not carry one. */
      token: string | undefined;
    }
  | { event: 'media'; streamSid: string | null; track: TwilioTrack | null; chunk: number | null; timestampMs: number; payload: Uint8Array }
  | { event: 'mark'; streamSid: string | null; name: string }
  | { event: 'dtmf'; streamSid: string | null; digit: string }
  | { event: 'stop'; streamSid: string | null }
  /** An event this version does not know: ignored (Twilio may add some), but counted. */
  | { event: 'other'; name: string };

type Json = Record<string, unknown>;

/** Custom parameters Earshot reads itself; they are not stored with the call's metadata. */
const RESERVED_PARAMETERS = new Set(['token', 'callId', 'agentId', 'inboundRole']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fail(code: ErrorCode, detail: string): never {
  throw new EarshotError(code, detail);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectField(msg: Json, field: string, code: ErrorCode): Json {
  const v = msg[field];
  if (!isObject(v)) fail(code, `${field} must be an object`);
  return v;
}

/** Twilio writes counters and times as strings of digits; numbers are accepted too. */
function nonNegativeInt(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return fail('EARSHOT_ERR_TWILIO_BAD_MESSAGE', `${field} must be a non-negative integer (a string of digits)`);
}

function sid(v: unknown, field: string, code: ErrorCode): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) fail(code, `${field} must be a string of 1-128 characters`);
  return v;
}

function optionalSid(v: unknown, field: string, code: ErrorCode): string | null {
  return v === undefined || v === null ? null : sid(v, field, code);
}

export function trackOf(v: unknown): TwilioTrack | null {
  if (v === 'inbound' || v === 'inbound_track') return 'inbound';
  if (v === 'outbound' || v === 'outbound_track') return 'outbound';
  return null;
}

function parseTracks(v: unknown): TwilioTrack[] {
  // Twilio's default stream is the inbound track alone.
  if (v === undefined) return ['inbound'];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.length > 2) fail('EARSHOT_ERR_TWILIO_BAD_START', 'tracks must list "inbound", "outbound" or both');
  const tracks = list.map((t) => trackOf(t) ?? fail('EARSHOT_ERR_TWILIO_BAD_START', `track ${JSON.stringify(t).slice(0, 40)}: expected inbound or outbound`));
  if (new Set(tracks).size !== tracks.length) fail('EARSHOT_ERR_TWILIO_BAD_START', 'tracks lists a track twice');
  // Channel order is fixed whatever order Twilio lists them in: inbound first.
  return tracks.sort((a, b) => (a === b ? 0 : a === 'inbound' ? -1 : 1));
}

function checkMediaFormat(v: unknown): void {
  if (v === undefined) return;
  if (!isObject(v)) fail('EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT', 'mediaFormat must be an object');
  const encoding = typeof v.encoding === 'string' ? v.encoding.toLowerCase() : v.encoding;
  const channels = v.channels ?? 1;
  if (encoding !== 'audio/x-mulaw' || v.sampleRate !== 8000 || channels !== 1) {
    fail(
      'EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT',
      `got ${JSON.stringify(v.encoding)?.slice(0, 40)} ${JSON.stringify(v.sampleRate)?.slice(0, 12)} Hz ${JSON.stringify(channels)?.slice(0, 12)} ch`,
    );
  }
}

function optionalString(params: Json, field: string, max: number): string | undefined {
  const v = params[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) fail('EARSHOT_ERR_TWILIO_BAD_START', `customParameters.${field} must be a string of 1-${max} characters`);
  return v;
}

function parseStart(msg: Json): TwilioInput {
  const start = objectField(msg, 'start', 'EARSHOT_ERR_TWILIO_BAD_START');
  const streamSid = sid(start.streamSid ?? msg.streamSid, 'start.streamSid', 'EARSHOT_ERR_TWILIO_BAD_START');
  if (msg.streamSid !== undefined && msg.streamSid !== streamSid) fail('EARSHOT_ERR_TWILIO_STREAM_MISMATCH', 'streamSid differs from start.streamSid');
  const callSid = optionalSid(start.callSid, 'start.callSid', 'EARSHOT_ERR_TWILIO_BAD_START');
  const accountSid = optionalSid(start.accountSid, 'start.accountSid', 'EARSHOT_ERR_TWILIO_BAD_START');
  const tracks = parseTracks(start.tracks);
  checkMediaFormat(start.mediaFormat);
  const params = start.customParameters ?? {};
  if (!isObject(params)) fail('EARSHOT_ERR_TWILIO_BAD_START', 'customParameters must be an object');

  const token = optionalString(params, 'token', 4096);
  const callId = optionalString(params, 'callId', 128) ?? callSid;
  if (callId === null) fail('EARSHOT_ERR_TWILIO_BAD_START', 'start.callSid (or the custom parameter callId) is required');
  if (!CALL_ID_PATTERN.test(callId)) {
    fail('EARSHOT_ERR_TWILIO_BAD_START', 'callId must be 1-128 characters of letters, digits and ._:@+- starting with a letter or digit');
  }
  const agentId = optionalString(params, 'agentId', 128) ?? null;
  const inboundRole = optionalString(params, 'inboundRole', 16) ?? 'customer';
  if (inboundRole !== 'customer' && inboundRole !== 'agent') fail('EARSHOT_ERR_TWILIO_BAD_START', 'customParameters.inboundRole must be "customer" or "agent"');
  const roleOf = (t: TwilioTrack): Channel => (t === 'inbound' ? inboundRole : inboundRole === 'customer' ? 'agent' : 'customer');

  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => !RESERVED_PARAMETERS.has(k)));
  return {
    event: 'start',
    streamSid,
    tracks,
    token,
    spec: {
      callId,
      agentId,
      audio: { sampleRate: 8000, encoding: 'mulaw', channels: tracks.length as 1 | 2, channelRoles: tracks.map(roleOf) },
      metadata: { ...rest, twilio: { streamSid, callSid, accountSid, tracks } },
    },
  };
}

function parseMedia(msg: Json): TwilioInput {
  const media = objectField(msg, 'media', 'EARSHOT_ERR_TWILIO_BAD_MESSAGE');
  let track: TwilioTrack | null = null;
  if (media.track !== undefined) {
    if (typeof media.track !== 'string') fail('EARSHOT_ERR_TWILIO_BAD_MESSAGE', 'media.track must be a string');
    track = trackOf(media.track);
    if (!track) fail('EARSHOT_ERR_TWILIO_UNKNOWN_TRACK', `media.track ${JSON.stringify(media.track).slice(0, 40)}: expected inbound or outbound`);
  }
  const chunk = media.chunk === undefined ? null : nonNegativeInt(media.chunk, 'media.chunk');
  const timestampMs = nonNegativeInt(media.timestamp, 'media.timestamp');
  const payload = media.payload;
  if (typeof payload !== 'string') fail('EARSHOT_ERR_TWILIO_BAD_MESSAGE', 'media.payload must be a base64 string');
  if (!BASE64.test(payload)) fail('EARSHOT_ERR_TWILIO_BAD_PAYLOAD', `${payload.length} characters that are not padded base64`);
  return {
    event: 'media',
    streamSid: optionalSid(msg.streamSid, 'streamSid', 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'),
    track,
    chunk,
    timestampMs,
    payload: Buffer.from(payload, 'base64'),
  };
}

/** Validates one text frame: parse → envelope → fields. Sequence (start first, one stream) is the connection's job. */
export function parseTwilioMessage(text: string): TwilioInput {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    fail('EARSHOT_ERR_WS_BAD_JSON', `could not parse ${text.length} characters as JSON`);
  }
  if (!isObject(msg)) fail('EARSHOT_ERR_WS_BAD_JSON', 'a Twilio message must be a JSON object');
  if (typeof msg.event !== 'string') fail('EARSHOT_ERR_TWILIO_BAD_MESSAGE', 'event must be a string');
  const streamSid = (): string | null => optionalSid(msg.streamSid, 'streamSid', 'EARSHOT_ERR_TWILIO_BAD_MESSAGE');
  switch (msg.event) {
    case 'connected':
      return { event: 'connected' };
    case 'start':
      return parseStart(msg);
    case 'media':
      return parseMedia(msg);
    case 'mark': {
      const mark = objectField(msg, 'mark', 'EARSHOT_ERR_TWILIO_BAD_MESSAGE');
      if (typeof mark.name !== 'string') fail('EARSHOT_ERR_TWILIO_BAD_MESSAGE', 'mark.name must be a string');
      return { event: 'mark', streamSid: streamSid(), name: mark.name };
    }
    case 'dtmf': {
      const dtmf = objectField(msg, 'dtmf', 'EARSHOT_ERR_TWILIO_BAD_MESSAGE');
      if (typeof dtmf.digit !== 'string' || dtmf.digit.length === 0 || dtmf.digit.length > 16) fail('EARSHOT_ERR_TWILIO_BAD_MESSAGE', 'dtmf.digit must be a short string');
      return { event: 'dtmf', streamSid: streamSid(), digit: dtmf.digit };
    }
    case 'stop':
      if (msg.stop !== undefined && !isObject(msg.stop)) fail('EARSHOT_ERR_TWILIO_BAD_MESSAGE', 'stop must be an object');
      return { event: 'stop', streamSid: streamSid() };
    default:
      return { event: 'other', name: msg.event.slice(0, 40) };
  }
}
