import { EarshotError, type ErrorCode } from '../../engine/errors.js';
import type { AudioFormat, Channel } from '../../engine/events.js';
import type { ClientMessage, ClientMessageType, ClientParameters, CloseReason, MediaChannel, MediaParameter } from './messages.js';

/**
 * Validation of AudioHook text frames in the order STYLE.md §2 sets: parse → envelope → (sequence: the
 * connection's job, it holds the counters) → parameters, through a validator table keyed by message type.
 * Media negotiation and durations live here too: they are pure functions of the wire values.
 */

export const NULL_UUID = '00000000-0000-0000-0000-000000000000';
/** Any RFC 4122 layout; Genesys sends version-4 ids and the null UUID for probes. */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DURATION = /^PT(\d{1,9}(?:\.\d{0,9})?|\.\d{1,9})S$/;
/** AudioHook streams are 8 kHz: positions are counted in samples at this rate. */
export const AUDIOHOOK_RATE = 8000;

type Json = Record<string, unknown>;

function fail(code: ErrorCode, detail: string): never {
  throw new EarshotError(code, detail);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
export const isDuration = (v: unknown): v is string => typeof v === 'string' && DURATION.test(v);

/** Seconds of an ISO 8601 `PT…S` duration (the only form AudioHook uses); NaN when it is not one. */
export function durationSeconds(v: string): number {
  const m = DURATION.exec(v);
  return m ? Number(m[1]) : NaN;
}

/** `PT…S` for a count of 8 kHz samples, with no more digits than it needs. */
export function durationOfSamples(samples: number): string {
  return `PT${Number((samples / AUDIOHOOK_RATE).toFixed(6))}S`;
}

function uuidField(p: Json, field: string, where: string): string {
  if (!isUuid(p[field])) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', `${where}.${field} must be a UUID`);
  return p[field] as string;
}

function stringField(p: Json, field: string, where: string, max = 256): string {
  const v = p[field];
  if (typeof v !== 'string' || v.length > max) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', `${where}.${field} must be a string of at most ${max} characters`);
  return v;
}

function optionalString(p: Json, field: string, where: string, max = 256): string | undefined {
  return p[field] === undefined ? undefined : stringField(p, field, where, max);
}

function durationField(p: Json, field: string, where: string): string {
  if (!isDuration(p[field])) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', `${where}.${field} must be an ISO 8601 duration like PT1.5S`);
  return p[field] as string;
}

const MAX_MEDIA_OFFERS = 32;
const CLOSE_REASONS: readonly CloseReason[] = ['end', 'error', 'disconnect', 'reconnect'];

/** One validator per client message type: a new type without one fails `tsc` (STYLE.md §1). */
const PARAMETERS: { [T in ClientMessageType]: (p: Json) => ClientParameters[T] } = {
  open(p) {
    const organizationId = uuidField(p, 'organizationId', 'open');
    const conversationId = uuidField(p, 'conversationId', 'open');
    const part = p.participant;
    if (!isObject(part)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', 'open.participant must be an object');
    const participant = {
      id: uuidField(part, 'id', 'open.participant'),
      ani: stringField(part, 'ani', 'open.participant'),
      aniName: stringField(part, 'aniName', 'open.participant'),
      dnis: stringField(part, 'dnis', 'open.participant'),
    };
    const media = p.media;
    if (!Array.isArray(media) || media.length > MAX_MEDIA_OFFERS) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', `open.media must be a list of at most ${MAX_MEDIA_OFFERS} formats`);
    media.forEach((m, i) => {
      // Types are checked strictly; values Earshot cannot take (another rate, a new format) are only not selected.
      if (!isObject(m) || typeof m.type !== 'string' || typeof m.format !== 'string' || typeof m.rate !== 'number' ||
        !Array.isArray(m.channels) || !m.channels.every((c) => typeof c === 'string')) {
        fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', `open.media[${i}] must have string type and format, number rate and a list of channel names`);
      }
    });
    const language = optionalString(p, 'language', 'open', 64);
    if (p.customConfig !== undefined && !isObject(p.customConfig)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', 'open.customConfig must be an object');
    return { organizationId, conversationId, participant, media, ...(language !== undefined ? { language } : {}) };
  },
  ping(p) {
    if (p.rtt !== undefined) durationField(p, 'rtt', 'ping');
    return p.rtt !== undefined ? { rtt: p.rtt as string } : {};
  },
  update(p) {
    const language = optionalString(p, 'language', 'update', 64);
    return language !== undefined ? { language } : {};
  },
  paused: () => ({}),
  resumed: (p) => ({ start: durationField(p, 'start', 'resumed'), discarded: durationField(p, 'discarded', 'resumed') }),
  discarded: (p) => ({ start: durationField(p, 'start', 'discarded'), discarded: durationField(p, 'discarded', 'discarded') }),
  error(p) {
    if (!Number.isSafeInteger(p.code)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', 'error.code must be an integer');
    const message = stringField(p, 'message', 'error', 4096);
    if (p.retryAfter !== undefined) durationField(p, 'retryAfter', 'error');
    return { code: p.code as number, message, ...(p.retryAfter !== undefined ? { retryAfter: p.retryAfter as string } : {}) };
  },
  close(p) {
    if (!CLOSE_REASONS.includes(p.reason as CloseReason)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS', `close.reason must be one of ${CLOSE_REASONS.join(', ')}`);
    return { reason: p.reason as CloseReason };
  },
};

const isClientType = (t: string): t is ClientMessageType => Object.prototype.hasOwnProperty.call(PARAMETERS, t);

/** Parse and envelope: a JSON object with version "2", a UUID id, seq/serverseq, position and parameters. */
export function parseEnvelope(text: string): Json & { id: string; type: string; seq: number; serverseq: number; position: string; parameters: Json } {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    fail('EARSHOT_ERR_WS_BAD_JSON', `could not parse ${text.length} characters as JSON`);
  }
  if (!isObject(msg)) fail('EARSHOT_ERR_WS_BAD_JSON', 'a message must be a JSON object');
  if (msg.version !== '2') fail('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', 'version must be "2"');
  if (!isUuid(msg.id)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', 'id must be a UUID');
  if (typeof msg.type !== 'string' || msg.type.length === 0 || msg.type.length > 64) fail('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', 'type must be a string');
  if (!isSeq(msg.seq)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', 'seq must be a non-negative integer');
  if (!isSeq(msg.serverseq)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', 'serverseq must be a non-negative integer');
  if (!isDuration(msg.position)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', 'position must be an ISO 8601 duration like PT1.5S');
  if (!isObject(msg.parameters)) fail('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE', 'parameters must be an object');
  return msg as ReturnType<typeof parseEnvelope>;
}

/** Parameters of an envelope that passed the sequence checks: a known client type with valid parameters. */
export function parseParameters(envelope: ReturnType<typeof parseEnvelope>): ClientMessage {
  const { type } = envelope;
  if (!isClientType(type)) fail('EARSHOT_ERR_AUDIOHOOK_UNKNOWN_TYPE', `"${type.slice(0, 40)}" is not an AudioHook client message`);
  const parameters = PARAMETERS[type](envelope.parameters);
  return {
    version: '2', id: envelope.id, type, seq: envelope.seq, serverseq: envelope.serverseq, position: envelope.position, parameters,
  } as ClientMessage;
}

/** Both steps at once, for tests and tools that hold no sequence state. */
export function parseClientMessage(text: string): ClientMessage {
  return parseParameters(parseEnvelope(text));
}

const ROLE: Record<MediaChannel, Channel> = { external: 'customer', internal: 'agent' };

export interface SelectedMedia {
  /** The offer as Earshot echoes it in `opened`. */
  media: MediaParameter;
  /** The call's wire format: PCMU is G.711 μ-law, L16 is 16-bit linear PCM (little-endian, as Genesys' reference implementation reads it). */
  audio: AudioFormat;
}

function acceptable(m: unknown): m is MediaParameter {
  if (!isObject(m) || m.type !== 'audio' || (m.format !== 'PCMU' && m.format !== 'L16') || m.rate !== AUDIOHOOK_RATE) return false;
  const ch = m.channels;
  return Array.isArray(ch) && (ch.length === 1 || ch.length === 2) && ch.every((c) => c === 'external' || c === 'internal') && new Set(ch).size === ch.length;
}

/**
 * Picks one offered format: both parties (stereo) before one, PCMU before L16 (half the bytes, and what
 * Genesys Cloud offers), then the client's order. `external` is the customer, `internal` the agent, in the
 * order the offer interleaves them. Null when nothing offered is 8 kHz PCMU/L16 with 1–2 known channels.
 */
export function selectMedia(offers: readonly unknown[]): SelectedMedia | null {
  const ok = offers.filter(acceptable);
  const score = (m: MediaParameter): number => (m.channels.length === 2 ? 0 : 2) + (m.format === 'PCMU' ? 0 : 1);
  const best = ok.reduce<MediaParameter | null>((b, m) => (b === null || score(m) < score(b) ? m : b), null);
  if (!best) return null;
  const media: MediaParameter = { type: 'audio', format: best.format, channels: [...best.channels], rate: AUDIOHOOK_RATE };
  return {
    media,
    audio: {
      sampleRate: AUDIOHOOK_RATE,
      encoding: best.format === 'PCMU' ? 'mulaw' : 'pcm16',
      channels: best.channels.length as 1 | 2,
      channelRoles: best.channels.map((c) => ROLE[c]),
    },
  };
}
