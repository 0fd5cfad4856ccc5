import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearer, createAudioAuth, isLoopback, parseTenants } from './auth.js';
import { createRateLimiter } from './rate.js';

const KEY_A = 'key-for-tenant-a-0123456789';
const KEY_B = 'key-for-tenant-b-0123456789';
const tenants = parseTenants(
  JSON.stringify({ tenants: [{ id: 'a', keys: [KEY_A], maxConcurrentCalls: 1 }, { id: 'b', keys: [`sha256:${createHash('sha256').update(KEY_B).digest('hex')}`] }] }),
  'keys.json',
);

describe('audio API keys', () => {
  it('without keys, lets in loopback clients only', () => {
    const auth = createAudioAuth([]);
    expect(auth.mode).toBe('loopback-only');
    expect(auth.authenticate('127.0.0.1', undefined)).toEqual({ tenant: 'local', loopback: true });
    expect(auth.authenticate('::ffff:127.0.0.1', undefined).loopback).toBe(true);
    expect(auth.authenticate('::1', undefined).loopback).toBe(true);
    expect(() => auth.authenticate('10.0.0.7', undefined)).toThrow(expect.objectContaining({ code: 'EARSHOT_ERR_AUTH_LOOPBACK_ONLY' }));
    expect(isLoopback('128.0.0.1')).toBe(false);
  });

  it('with keys, names the tenant of a valid key (clear or sha256) and refuses others, from any address', () => {
    const auth = createAudioAuth(tenants);
    expect(auth.authenticate('10.0.0.7', KEY_A)).toEqual({ tenant: 'a', loopback: false });
    expect(auth.authenticate('127.0.0.1', KEY_B).tenant).toBe('b');
    expect(() => auth.authenticate('127.0.0.1', undefined)).toThrow(expect.objectContaining({ code: 'EARSHOT_ERR_AUTH_REQUIRED' }));
    expect(() => auth.authenticate('127.0.0.1', 'not-a-key-at-all-000000')).toThrow(expect.objectContaining({ code: 'EARSHOT_ERR_AUTH_INVALID' }));
  });

  it('counts live calls per tenant against its limit, and releases them once', () => {
    const auth = createAudioAuth(tenants);
    const p = auth.authenticate(undefined, KEY_A);
    const first = auth.admit(p);
    expect(() => auth.admit(p)).toThrow(expect.objectContaining({ code: 'EARSHOT_ERR_TENANT_CALL_LIMIT' }));
    first.release();
    first.release();
    expect(auth.liveCalls('a')).toBe(0);
    auth.admit(p);
    expect(auth.liveCalls('a')).toBe(1);
  });

  it('reads Bearer tokens and bare keys', () => {
    expect(bearer('Bearer abc')).toBe('abc');
    expect(bearer('bearer   abc ')).toBe('abc');
    expect(bearer(['abc'])).toBe('abc');
    expect(bearer('')).toBeUndefined();
  });

  it('reads an optional AudioHook client secret (base64) per tenant', () => {
    const secret = 'TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=';
    const withSecret = parseTenants(`tenants: [{ id: g, keys: [${KEY_A}], clientSecret: "${secret}" }, { id: h, keys: [${KEY_B}] }]`, 'k.yaml');
    const auth = createAudioAuth(withSecret);
    expect(auth.clientSecret('g')).toEqual(Buffer.from(secret, 'base64'));
    expect(auth.clientSecret('h')).toBeUndefined();
    expect(() => parseTenants(`tenants: [{ id: g, keys: [${KEY_A}], clientSecret: "not base64!" }]`, 'k.yaml')).toThrow(/clientSecret must be base64 of 16 bytes/);
    expect(() => parseTenants(`tenants: [{ id: g, keys: [${KEY_A}], clientSecret: "c2hvcnQ=" }]`, 'k.yaml')).toThrow(/clientSecret/);
  });

  it('rejects bad key files with the field', () => {
    expect(() => parseTenants('tenants: []', 'k.yaml')).toThrow(/non-empty list/);
    expect(() => parseTenants('tenants: [{ id: a, keys: [short] }]', 'k.yaml')).toThrow(/keys\[0\] must be a string of 16 characters or more/);
    expect(() => parseTenants(`tenants: [{ id: a, keys: [${KEY_A}] }, { id: a, keys: [${KEY_B}] }]`, 'k.yaml')).toThrow(/used twice/);
  });
});

describe('message rate', () => {
  it('allows a two-second burst, then the steady rate', () => {
    let t = 0;
    const r = createRateLimiter(10, () => t);
    for (let i = 0; i < 20; i++) r.take();
    expect(() => r.take()).toThrow(expect.objectContaining({ code: 'EARSHOT_ERR_RATE_LIMITED' }));
    t = 100;
    r.take();
    expect(() => r.take()).toThrow();
  });
});
