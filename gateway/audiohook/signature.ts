import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EarshotError } from '../../engine/errors.js';
import {
  isInnerList, parseDictionary, serializeDictionary, serializeInnerList, serializeItem,
  type BareItem, type InnerList, type Member, type Parameters,
} from './structured-fields.js';

/**
 * HTTP message signatures as Genesys Cloud signs an AudioHook connection request (RFC 9421 with HMAC-SHA256
 * keyed by the integration's client secret, the API key as `keyid`): `Signature-Input` names the covered
 * components and the parameters, `Signature` carries the MAC. Verified before the WebSocket upgrade; a
 * failure is an HTTP 401 with its own code (engine/errors.ts).
 */

/** What Genesys covers, and what Earshot insists on: the target, the host, the session's ids and the key. */
export const REQUIRED_COMPONENTS = ['@request-target', '@authority', 'audiohook-organization-id', 'audiohook-session-id', 'audiohook-correlation-id', 'x-api-key'] as const;
/** Clock difference tolerated between Genesys Cloud and this server. */
export const MAX_CLOCK_SKEW_S = 5;
/** A signature older than this is stale, whatever its `expires` says: it signs one connection request. */
export const MAX_SIGNATURE_AGE_S = 60;
const MAX_HEADER_CHARS = 8192;

export type HeaderFields = Record<string, string | string[] | undefined>;

export interface SignedRequest {
  method: string;
  /** Path and query exactly as requested: the `@request-target`. */
  target: string;
  /** Node's lower-cased request headers. */
  headers: HeaderFields;
}

/** Nonces seen within their signature's lifetime: a replayed connection request is refused. */
export interface NonceCache {
  /** false when the nonce was already used and has not expired. */
  use(nonce: string, untilS: number, nowS: number): boolean;
}

export function createNonceCache(max = 100_000): NonceCache {
  const seen = new Map<string, number>();
  return {
    use(nonce, untilS, nowS) {
      const until = seen.get(nonce);
      if (until !== undefined && until >= nowS) return false;
      if (seen.size >= max) {
        for (const [n, u] of seen) if (u < nowS) seen.delete(n);
        // Still full of live nonces (a flood): forget the oldest rather than grow without bound.
        while (seen.size >= max) seen.delete(seen.keys().next().value!);
      }
      seen.delete(nonce);
      seen.set(nonce, untilS);
      return true;
    },
  };
}

function invalid(why: string): never {
  throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SIGNATURE_INVALID', why);
}

/** RFC 9421 §2.1: trimmed, obsolete line folding replaced, several field lines joined with ", ". */
export function canonicalHeader(headers: HeaderFields, name: string): string | null {
  const v = headers[name];
  if (v === undefined) return null;
  const lines = (Array.isArray(v) ? v : [v]).map((x) => x.trim().replace(/[ \t]*\r\n[ \t]+/g, ' '));
  return lines.join(', ');
}

function derived(req: SignedRequest, name: string): string {
  const q = req.target.indexOf('?');
  switch (name) {
    case '@request-target':
      return req.target;
    case '@authority': {
      const host = canonicalHeader(req.headers, 'host');
      return host === null || host === '' ? invalid('no Host header for @authority') : host.toLowerCase();
    }
    case '@method':
      return req.method.toUpperCase();
    case '@path':
      return q < 0 ? req.target : req.target.slice(0, q);
    case '@query':
      return q < 0 ? '?' : req.target.slice(q);
    default:
      return invalid(`derived component ${name} is not supported`);
  }
}

function param(list: InnerList, key: string): BareItem | undefined {
  return list.params.find(([k]) => k === key)?.[1];
}

function dictionary(headers: HeaderFields, name: 'Signature-Input' | 'Signature'): Map<string, Member> | null {
  const raw = canonicalHeader(headers, name.toLowerCase());
  if (raw === null) return null;
  if (raw.length > MAX_HEADER_CHARS) invalid(`${name} header is over ${MAX_HEADER_CHARS} characters`);
  try {
    return parseDictionary(raw);
  } catch (err) {
    return invalid(`${name} header: ${(err as Error).message}`);
  }
}

/** The signature base of RFC 9421 §2.5 for `list`, from the request's component values. */
export function signatureBase(req: SignedRequest, list: InnerList): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const item of list.items) {
    if (typeof item.value !== 'string') invalid('covered components must be strings');
    const name = item.value;
    if (item.params.length > 0) invalid(`component parameters (${serializeItem(item)}) are not supported`);
    if (seen.has(name)) invalid(`component ${name} is listed twice`);
    seen.add(name);
    if (name === '@signature-params') invalid('@signature-params must not be a covered component');
    const value = name.startsWith('@') ? derived(req, name) : canonicalHeader(req.headers, name) ?? invalid(`covered header ${name} is absent`);
    lines.push(`${serializeItem(item)}: ${value}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(list)}`);
  return lines.join('\n');
}

export interface VerifyOptions {
  secret: Uint8Array;
  /** The X-API-KEY the request carries: the signature's `keyid` must name it. */
  apiKey: string;
  nowS: number;
  nonces?: NonceCache;
}

/**
 * Verifies the request's signature; throws EARSHOT_ERR_AUDIOHOOK_SIGNATURE_REQUIRED (unsigned), _INVALID
 * (malformed, a required component not covered, wrong key or MAC, replayed nonce) or _EXPIRED. The MAC is
 * checked before the times, so an expiry is only reported for a signature made with the right secret.
 */
export function verifySignature(req: SignedRequest, opts: VerifyOptions): void {
  const inputs = dictionary(req.headers, 'Signature-Input');
  const sigs = dictionary(req.headers, 'Signature');
  if (!inputs && !sigs) throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SIGNATURE_REQUIRED', 'no Signature-Input and Signature headers');
  if (!inputs || !sigs) invalid(`${inputs ? 'Signature' : 'Signature-Input'} header is missing`);
  const label = [...inputs!.keys()].find((k) => sigs!.has(k)) ?? invalid('no label is in both Signature-Input and Signature');
  const list = inputs!.get(label)!;
  const sig = sigs!.get(label)!;
  if (!isInnerList(list)) return invalid(`Signature-Input ${label} must be an inner list`);
  if (isInnerList(sig) || !(sig.value instanceof Uint8Array)) return invalid(`Signature ${label} must be a byte sequence`);

  const created = param(list, 'created');
  const expires = param(list, 'expires');
  const keyid = param(list, 'keyid');
  const nonce = param(list, 'nonce');
  const alg = param(list, 'alg');
  if (!Number.isSafeInteger(created) || (created as number) < 0) invalid('created must be an integer');
  if (expires !== undefined && (!Number.isSafeInteger(expires) || (expires as number) < 0)) invalid('expires must be an integer');
  if (typeof keyid !== 'string') invalid('keyid must be a string');
  if (typeof nonce !== 'string' || nonce.length < 16 || nonce.length > 256) invalid('nonce must be a string of 16 to 256 characters');
  if (alg !== undefined && alg !== 'hmac-sha256') invalid(`alg ${typeof alg === 'string' ? alg : '?'} is not supported (hmac-sha256)`);
  if (keyid !== opts.apiKey) invalid('keyid does not name the X-API-KEY of the request');
  const covered = new Set(list.items.map((i) => i.value));
  for (const c of REQUIRED_COMPONENTS) if (!covered.has(c)) invalid(`the signature does not cover ${c}`);

  const mac = createHmac('sha256', opts.secret).update(signatureBase(req, list)).digest();
  if (sig.value.length !== mac.length || !timingSafeEqual(sig.value, mac)) invalid('the MAC does not match (wrong client secret, or a covered value changed)');

  const c = created as number;
  if (c > opts.nowS + MAX_CLOCK_SKEW_S) invalid('created is in the future');
  const until = Math.min(expires === undefined ? Infinity : (expires as number), c + MAX_SIGNATURE_AGE_S);
  if (until + MAX_CLOCK_SKEW_S < opts.nowS) {
    throw new EarshotError('EARSHOT_ERR_AUDIOHOOK_SIGNATURE_EXPIRED', `${expires !== undefined && (expires as number) < c + MAX_SIGNATURE_AGE_S ? 'expires' : 'created'} is ${opts.nowS - until} s past`);
  }
  if (opts.nonces && !opts.nonces.use(nonce as string, until + MAX_CLOCK_SKEW_S, opts.nowS)) invalid('nonce already used (replayed request)');
}

export interface SignOptions {
  /** `@request-target`: path and query. */
  target: string;
  /** `@authority`: host[:port]. */
  authority: string;
  organizationId: string;
  sessionId: string;
  correlationId: string;
  apiKey: string;
  secret: Uint8Array;
  createdS?: number;
  /** Lifetime in seconds (Genesys' reference client signs for 30). */
  lifetimeS?: number;
  nonce?: string;
  label?: string;
}

/** The client side (tests, benches, the reference client): Signature-Input and Signature for a connection request. */
export function signRequest(o: SignOptions): { 'signature-input': string; signature: string } {
  const created = Math.floor(o.createdS ?? Date.now() / 1000);
  const params: Parameters = [
    ['keyid', o.apiKey],
    ['nonce', o.nonce ?? randomBytes(18).toString('base64')],
    ['alg', 'hmac-sha256'],
    ['created', created],
    ['expires', created + (o.lifetimeS ?? 30)],
  ];
  const list: InnerList = { items: REQUIRED_COMPONENTS.map((c) => ({ value: c, params: [] })), params };
  const headers: HeaderFields = {
    host: o.authority,
    'audiohook-organization-id': o.organizationId,
    'audiohook-session-id': o.sessionId,
    'audiohook-correlation-id': o.correlationId,
    'x-api-key': o.apiKey,
  };
  const mac = createHmac('sha256', o.secret).update(signatureBase({ method: 'GET', target: o.target, headers }, list)).digest();
  const label = o.label ?? 'sig1';
  return {
    'signature-input': serializeDictionary([[label, list]]),
    signature: serializeDictionary([[label, { value: new Uint8Array(mac), params: [] }]]),
  };
}

