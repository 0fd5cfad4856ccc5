import { EarshotError, type ErrorCode } from '../../engine/errors.js';
import type { AudioFormat, Channel } from '../../engine/events.js';
import type { CallSpec, TextUtterance } from '../../engine/session/call-session.js';

/** A control frame after envelope checks, normalised across the native and LCA dialects. */
export type Control =
  | { kind: 'start'; spec: Omit<CallSpec, 'protocol'>; dialect: 'native' | 'lca' }
  | { kind: 'utterance'; utterance: TextUtterance }
  | { kind: 'stop'; reason: 'stop' | 'client-end' };

export const CALL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;
const MAX_UTTERANCE_CHARS = 10_000;

type Json = Record<string, unknown>;

function fail(code: ErrorCode, detail: string): never {
  throw new EarshotError(code, detail);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function callIdOf(v: unknown, code: ErrorCode): string {
  if (typeof v !== 'string' || !CALL_ID_PATTERN.test(v)) {
    fail(code, 'callId must be 1-128 characters of letters, digits and ._:@+- starting with a letter or digit');
  }
  return v;
}

function optionalId(v: unknown, field: string, code: ErrorCode): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) fail(code, `${field} must be a string of 1-128 characters`);
  return v;
}

function sampleRateOf(v: unknown, field: string): 8000 | 16000 {
  if (typeof v !== 'number') fail('EARSHOT_ERR_WS_BAD_START', `${field} is required and must be a number`);
  if (v !== 8000 && v !== 16000) fail('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE', `${field} ${v}: use 8000 or 16000`);
  return v;
}

function parseNativeStart(msg: Json): Control {
  const callId = callIdOf(msg.callId, 'EARSHOT_ERR_WS_BAD_START');
  const agentId = optionalId(msg.agentId, 'agentId', 'EARSHOT_ERR_WS_BAD_START');
  const sampleRate = sampleRateOf(msg.sampleRate, 'sampleRate');
  const encoding = msg.encoding;
  if (encoding !== 'pcm16' && encoding !== 'mulaw' && encoding !== 'alaw') {
    fail('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING', `encoding ${JSON.stringify(encoding)}: use pcm16, mulaw or alaw`);
  }
  const channels = msg.channels;
  if (channels !== 1 && channels !== 2) fail('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS', `channels ${JSON.stringify(channels)}: use 1 or 2`);
  let roles: Channel[];
  if (msg.channelRoles === undefined) roles = channels === 2 ? ['customer', 'agent'] : ['customer'];
  else {
    const r = msg.channelRoles;
    if (
      !Array.isArray(r) ||
      r.length !== channels ||
      !r.every((x) => x === 'customer' || x === 'agent') ||
      new Set(r).size !== r.length
    ) {
      fail('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS', `channelRoles must list ${channels} distinct roles of "customer" and "agent"`);
    }
    roles = r as Channel[];
  }
  if (msg.metadata !== undefined && !isObject(msg.metadata)) fail('EARSHOT_ERR_WS_BAD_START', 'metadata must be an object');
  const audio: AudioFormat = { sampleRate, encoding, channels, channelRoles: roles };
  return { kind: 'start', dialect: 'native', spec: { callId, agentId, audio, metadata: (msg.metadata as Json | undefined) ?? {} } };
}

function parseLcaStart(msg: Json): Control {
  const callId = callIdOf(msg.callId, 'EARSHOT_ERR_WS_BAD_START');
  const agentId = optionalId(msg.agentId, 'agentId', 'EARSHOT_ERR_WS_BAD_START');
  const sampleRate = sampleRateOf(msg.samplingRate, 'samplingRate');
  // Everything else LCA sends (fromNumber, toNumber, ...) is call metadata: stored, never logged.
  const { callId: _c, agentId: _a, samplingRate: _s, callEvent: _e, ...metadata } = msg;
  return {
    kind: 'start',
    dialect: 'lca',
    spec: { callId, agentId, audio: { sampleRate, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'] }, metadata },
  };
}

function finiteMs(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail('EARSHOT_ERR_WS_BAD_UTTERANCE', `${field} must be a number of ms >= 0`);
  return v;
}

function parseUtterance(msg: Json): Control {
  const channel = msg.channel;
  if (channel !== 'customer' && channel !== 'agent') fail('EARSHOT_ERR_WS_BAD_UTTERANCE', 'channel must be "customer" or "agent"');
  const text = msg.text;
  if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_UTTERANCE_CHARS) {
    fail('EARSHOT_ERR_WS_BAD_UTTERANCE', `text must be a non-empty string of at most ${MAX_UTTERANCE_CHARS} characters`);
  }
  const startMs = finiteMs(msg.startMs, 'startMs');
  const endMs = finiteMs(msg.endMs, 'endMs');
  if (endMs < startMs) fail('EARSHOT_ERR_WS_BAD_UTTERANCE', 'endMs must not be before startMs');
  if (msg.final !== undefined && typeof msg.final !== 'boolean') fail('EARSHOT_ERR_WS_BAD_UTTERANCE', 'final must be a boolean');
  return { kind: 'utterance', utterance: { channel, text, startMs, endMs, final: msg.final !== false } };
}

/** Validates one text frame: parse → envelope → parameters (STYLE.md §2); the sequence is the connection's job. */
export function parseControl(text: string): Control {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    fail('EARSHOT_ERR_WS_BAD_JSON', `could not parse ${Math.min(text.length, 1e9)} characters as JSON`);
  }
  if (!isObject(msg)) fail('EARSHOT_ERR_WS_BAD_JSON', 'a control frame must be a JSON object');
  if (typeof msg.type === 'string') {
    switch (msg.type) {
      case 'start':
        return parseNativeStart(msg);
      case 'utterance':
        return parseUtterance(msg);
      case 'stop':
        return { kind: 'stop', reason: 'stop' };
      default:
        fail('EARSHOT_ERR_WS_UNKNOWN_TYPE', `type ${JSON.stringify(msg.type.slice(0, 40))}: expected start, utterance or stop`);
    }
  }
  if (msg.callEvent === 'START') return parseLcaStart(msg);
  if (msg.callEvent === 'END') return { kind: 'stop', reason: 'client-end' };
  if (typeof msg.callEvent === 'string') fail('EARSHOT_ERR_WS_UNKNOWN_TYPE', `callEvent ${JSON.stringify(msg.callEvent.slice(0, 40))}: expected START or END`);
  fail('EARSHOT_ERR_WS_UNKNOWN_TYPE', 'message has no "type" (or LCA "callEvent") field');
}
