/**
 * API keys for every audio endpoint, per tenant, and the per-key limit on concurrent calls. Keys come from
 * `--api-keys-file` (JSON or YAML: `tenants: [{ id, keys: [...], maxConcurrentCalls }]`, a key written as
 * `sha256:<hex>` or in clear; an optional `clientSecret`, base64, verifies Genesys AudioHook request
 * signatures). Without keys the embedded default accepts audio only from loopback clients, and says so at
 * start-up. Each protocol hands over the credential where its convention puts it (a header, a
 * query parameter, gRPC metadata); this module only judges it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { EarshotError } from '../engine/errors.js';

export interface Tenant {
  id: string;
  /** SHA-256 digests of the tenant's keys. */
  keyHashes: Buffer[];
  maxConcurrentCalls: number;
  /** Genesys AudioHook client secret (decoded from base64): request signatures are verified with it when set. */
  clientSecret?: Buffer;
}

export interface Principal {
  tenant: string;
  /** true when let in as a loopback client without a key (no keys configured). */
  loopback: boolean;
}

export interface Admission {
  release(): void;
}

export interface AudioAuth {
  readonly mode: 'api-keys' | 'loopback-only';
  /** Judges a connection: its remote address and the key it presented (undefined: none). Throws EarshotError. */
  authenticate(remoteAddress: string | undefined, key: string | undefined): Principal;
  /** One more live call for the tenant; throws EARSHOT_ERR_TENANT_CALL_LIMIT past its limit. */
  admit(principal: Principal): Admission;
  liveCalls(tenant: string): number;
  /** The tenant's AudioHook client secret, when one is configured (gateway/audiohook/signature.ts). */
  clientSecret(tenant: string): Buffer | undefined;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

/** The key from `Authorization: Bearer <key>` (any case) or a bare value. */
export function bearer(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const m = /^\s*bearer\s+(.+?)\s*$/i.exec(v);
  return m ? m[1] : v.trim();
}

export function parseTenants(text: string, file: string): Tenant[] {
  const fail = (why: string): never => {
    throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `${file}: ${why}`);
  };
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return fail(`cannot be parsed: ${(err as Error).message}`);
  }
  const list = (data as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(list) || list.length === 0) fail('must hold "tenants": a non-empty list');
  const seen = new Set<string>();
  return (list as unknown[]).map((t, i) => {
    const o = t as { id?: unknown; keys?: unknown; maxConcurrentCalls?: unknown; clientSecret?: unknown };
    if (typeof o?.id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(o.id)) fail(`tenants[${i}].id must be 1–64 of A-Z a-z 0-9 . _ -`);
    if (seen.has(o.id as string)) fail(`tenants[${i}].id "${o.id}" is used twice`);
    seen.add(o.id as string);
    if (!Array.isArray(o.keys) || o.keys.length === 0) fail(`tenants[${i}].keys must be a non-empty list`);
    const keyHashes = (o.keys as unknown[]).map((k, j) => {
      if (typeof k !== 'string' || k.length < 16) return fail(`tenants[${i}].keys[${j}] must be a string of 16 characters or more`);
      if (k.startsWith('sha256:')) {
        if (!/^sha256:[0-9a-f]{64}$/.test(k)) fail(`tenants[${i}].keys[${j}] must be sha256: and 64 hex digits`);
        return Buffer.from(k.slice(7), 'hex');
      }
      return sha256(k);
    });
    const max = o.maxConcurrentCalls ?? 1000;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) fail(`tenants[${i}].maxConcurrentCalls must be a positive integer`);
    let clientSecret: Buffer | undefined;
    if (o.clientSecret !== undefined) {
      const b64 = o.clientSecret;
      if (typeof b64 !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64) || Buffer.from(b64, 'base64').length < 16) {
        fail(`tenants[${i}].clientSecret must be base64 of 16 bytes or more (the AudioHook integration's client secret)`);
      }
      clientSecret = Buffer.from(b64 as string, 'base64');
    }
    return { id: o.id as string, keyHashes, maxConcurrentCalls: max as number, ...(clientSecret ? { clientSecret } : {}) };
  });
}

export function loadTenants(file: string): Tenant[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `api keys file ${file} cannot be read: ${(err as Error).message}`);
  }
  return parseTenants(text, file);
}

export function createAudioAuth(tenants: readonly Tenant[]): AudioAuth {
  const live = new Map<string, number>();
  const byId = new Map(tenants.map((t) => [t.id, t]));
  return {
    mode: tenants.length > 0 ? 'api-keys' : 'loopback-only',
    authenticate(remoteAddress, key) {
      if (tenants.length === 0) {
        if (!isLoopback(remoteAddress)) {
          throw new EarshotError('EARSHOT_ERR_AUTH_LOOPBACK_ONLY', `no API keys are configured (--api-keys-file), and ${remoteAddress ?? 'this client'} is not a loopback address`);
        }
        return { tenant: 'local', loopback: true };
      }
      if (key === undefined) throw new EarshotError('EARSHOT_ERR_AUTH_REQUIRED');
      const digest = sha256(key);
      // Every key is compared, in constant time, whatever matches first.
      let found: Tenant | undefined;
      for (const t of tenants) for (const h of t.keyHashes) if (timingSafeEqual(h, digest) && !found) found = t;
      if (!found) throw new EarshotError('EARSHOT_ERR_AUTH_INVALID');
      return { tenant: found.id, loopback: false };
    },
    admit(principal) {
      const limit = byId.get(principal.tenant)?.maxConcurrentCalls ?? Infinity;
      const n = live.get(principal.tenant) ?? 0;
      if (n >= limit) throw new EarshotError('EARSHOT_ERR_TENANT_CALL_LIMIT', `tenant "${principal.tenant}" has ${n} live calls (limit ${limit})`);
      live.set(principal.tenant, n + 1);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          live.set(principal.tenant, (live.get(principal.tenant) ?? 1) - 1);
        },
      };
    },
    liveCalls: (tenant) => live.get(tenant) ?? 0,
    clientSecret: (tenant) => byId.get(tenant)?.clientSecret,
  };
}
