import { EarshotError, type ErrorCode } from '../../engine/errors.js';
import type { AudioFormat, Channel, SampleRate } from '../../engine/events.js';
import type { CallSpec } from '../../engine/session/call-session.js';
import { bearer } from '../auth.js';
import { CALL_ID_PATTERN } from '../native/parse.js';

/**
 * FreeSWITCH mod_audio_fork (drachtio) and jambonz's `listen` verb, which drives the same module: a
 * WebSocket with a subprotocol, one text frame of call metadata, then binary frames of L16 (little-endian
 * PCM16) at the rate and mix the fork was started with.
 */
export const SUBPROTOCOLS = {
  'audio.drachtio.org': 'freeswitch-audio-fork',
  'audio.jambonz.org': 'jambonz-listen',
} as const;
export type Subprotocol = keyof typeof SUBPROTOCOLS;

export type MixType = 'mono' | 'mixed' | 'stereo';

/** `?sampleRate=&mixType=&channelRoles=` of the URL: for mod_audio_fork, whose metadata is whatever the dialplan wrote. */
export interface ForkQuery {
  sampleRate?: string;
  mixType?: string;
  channelRoles?: string;
}

type Json = Record<string, unknown>;

function fail(code: ErrorCode, detail: string): never {
  throw new EarshotError(code, detail);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The subprotocol to answer with: the first of ours the client offers (`Sec-WebSocket-Protocol`, a comma-
 * separated list). Neither offered: EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL, before the upgrade.
 */
export function chooseSubprotocol(header: string | string[] | undefined): Subprotocol {
  const offered = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const ours = offered.find((p): p is Subprotocol => Object.hasOwn(SUBPROTOCOLS, p));
  if (ours) return ours;
  return fail(
    'EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL',
    offered.length === 0 ? 'none offered' : `offered ${offered.slice(0, 4).join(', ').slice(0, 60)}`,
  );
}

/**
 * The API key of an audio fork connection: `?token=`, `Authorization: Bearer <key>`, `Authorization: Basic`
 * (jambonz `wsAuth`: the password is the key; the user name is not checked) or `X-API-Key`.
 */
export function forkApiKey(headers: Record<string, string | string[] | undefined>, query: { token?: string }): string | undefined {
  const auth = Array.isArray(headers.authorization) ? headers.authorization[0] : headers.authorization;
  const basic = auth ? /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon < 0 ? decoded : decoded.slice(colon + 1);
    return password || (colon < 0 ? undefined : decoded.slice(0, colon)) || undefined;
  }
  return bearer(query.token) ?? bearer(auth) ?? bearer(headers['x-api-key']);
}

function sampleRateOf(v: unknown, where: string): SampleRate {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*k?\s*$/i.test(v)) n = /k/i.test(v) ? Math.round(parseFloat(v) * 1000) : Number(v);
  else return fail('EARSHOT_ERR_AUDIO_FORK_BAD_METADATA', `${where} must be a number of Hz (8000, 16000) or "8k"/"16k"`);
  if (n !== 8000 && n !== 16000) fail('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE', `${where} ${JSON.stringify(v).slice(0, 20)}: use 8000 or 16000`);
  return n;
}

function mixTypeOf(v: unknown, where: string): MixType {
  if (v === 'mono' || v === 'mixed' || v === 'stereo') return v;
  if (typeof v !== 'string') return fail('EARSHOT_ERR_AUDIO_FORK_BAD_METADATA', `${where} must be "mono", "mixed" or "stereo"`);
  return fail('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS', `${where} ${JSON.stringify(v.slice(0, 20))}: use mono, mixed or stereo`);
}

function rolesOf(v: unknown, channels: 1 | 2, where: string): Channel[] {
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  if (!Array.isArray(list) || list.length !== channels || !list.every((x) => x === 'customer' || x === 'agent') || new Set(list).size !== list.length) {
    fail('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS', `${where} must list ${channels} distinct roles of "customer" and "agent"`);
  }
  return list as Channel[];
}

/** The first text frame: JSON call metadata, as jambonz sends it or as a mod_audio_fork dialplan wrote it. */
export function parseForkMetadata(text: string, subprotocol: Subprotocol, query: ForkQuery = {}): Omit<CallSpec, 'protocol'> & { mixType: MixType } {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    fail('EARSHOT_ERR_AUDIO_FORK_BAD_METADATA', `the first text frame must be JSON call metadata; could not parse ${text.length} characters`);
  }
  if (!isObject(msg)) fail('EARSHOT_ERR_AUDIO_FORK_BAD_METADATA', 'the first text frame must be a JSON object of call metadata');
  const jambonz = subprotocol === 'audio.jambonz.org';

  // Call id: jambonz's own callSid (its SIP Call-ID may hold characters a callId cannot); for mod_audio_fork, what the dialplan named it.
  const idFields = jambonz ? ['callSid'] : ['callId', 'callid', 'uuid', 'callSid'];
  const idField = idFields.find((f) => msg[f] !== undefined && msg[f] !== null);
  const callId = idField === undefined ? undefined : msg[idField];
  if (typeof callId !== 'string' || !CALL_ID_PATTERN.test(callId)) {
    fail(
      'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA',
      idField === undefined
        ? `the call id is missing: give ${idFields.join(' or ')}`
        : `${idField} must be 1-128 characters of letters, digits and ._:@+- starting with a letter or digit`,
    );
  }

  const agent = msg.agentId ?? msg.agent;
  if (agent !== undefined && agent !== null && (typeof agent !== 'string' || agent.length === 0 || agent.length > 128)) {
    fail('EARSHOT_ERR_AUDIO_FORK_BAD_METADATA', 'agentId must be a string of 1-128 characters');
  }

  // Rate and mix: the metadata's (jambonz always sends them), else the URL's; jambonz's defaults are 8000 and mono.
  const rateFrom = msg.sampleRate !== undefined ? ['sampleRate', msg.sampleRate] : query.sampleRate !== undefined ? ['?sampleRate', query.sampleRate] : null;
  const mixFrom = msg.mixType !== undefined ? ['mixType', msg.mixType] : query.mixType !== undefined ? ['?mixType', query.mixType] : null;
  if (!jambonz && (!rateFrom || !mixFrom)) {
    fail('EARSHOT_ERR_AUDIO_FORK_BAD_METADATA', `say ${[!rateFrom && 'sampleRate', !mixFrom && 'mixType'].filter(Boolean).join(' and ')} in the metadata or the URL (?sampleRate=16000&mixType=stereo)`);
  }
  const sampleRate = rateFrom ? sampleRateOf(rateFrom[1], rateFrom[0] as string) : 8000;
  const mixType = mixFrom ? mixTypeOf(mixFrom[1], mixFrom[0] as string) : 'mono';
  const channels = mixType === 'stereo' ? 2 : 1;
  // Stereo: caller (channel 0) is the customer, callee (channel 1) the agent. Mono carries the caller; mixed, both in one.
  const rolesFrom = msg.channelRoles !== undefined ? ['channelRoles', msg.channelRoles] : query.channelRoles !== undefined ? ['?channelRoles', query.channelRoles] : null;
  const channelRoles: Channel[] = rolesFrom ? rolesOf(rolesFrom[1], channels, rolesFrom[0] as string) : channels === 2 ? ['customer', 'agent'] : ['customer'];

  const { sampleRate: _r, mixType: _m, channelRoles: _c, agentId: _a, agent: _g, token: _t, ...metadata } = msg;
  const audio: AudioFormat = { sampleRate, encoding: 'pcm16', channels, channelRoles };
  return { callId, agentId: (agent as string | undefined) ?? null, audio, metadata: { ...metadata, mixType }, mixType };
}
