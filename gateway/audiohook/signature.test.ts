import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EarshotError } from '../../engine/errors.js';
import { createNonceCache, signRequest, verifySignature, type HeaderFields } from './signature.js';
import { parseDictionary, serializeDictionary, Token } from './structured-fields.js';

// The sample credentials of the AudioHook documentation ("Hello, I am the API key!" and its client secret).
const API_KEY = 'SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh';
const SECRET = Buffer.from('TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=', 'base64');
const ORG = 'd7934305-0972-4844-938e-9060eef73d05';
const SESSION = 'e160e428-53e2-487c-977d-96989bf5c99d';
const CORRELATION = '30b0e395-84d3-4570-ac13-9a62d8f514c0';
const CREATED = 1641013200;
const NONCE = 'VGhpc0lzQVVuaXF1ZU5vbmNl';

/** The signature base written out by hand from RFC 9421 §2.5, as Genesys covers an AudioHook request. */
const BASE = [
  '"@request-target": /v1/audiohook?tenant=bank-a',
  '"@authority": audiohook.example.com',
  `"audiohook-organization-id": ${ORG}`,
  `"audiohook-session-id": ${SESSION}`,
  `"audiohook-correlation-id": ${CORRELATION}`,
  `"x-api-key": ${API_KEY}`,
  `"@signature-params": ("@request-target" "@authority" "audiohook-organization-id" "audiohook-session-id" "audiohook-correlation-id" "x-api-key");keyid="${API_KEY}";nonce="${NONCE}";alg="hmac-sha256";created=${CREATED};expires=${CREATED + 30}`,
].join('\n');
const MAC = createHmac('sha256', SECRET).update(BASE).digest('base64');

const request = (sig: Record<string, string>, extra: HeaderFields = {}) => ({
  method: 'GET',
  target: '/v1/audiohook?tenant=bank-a',
  headers: {
    host: 'audiohook.example.com',
    'audiohook-organization-id': ORG,
    'audiohook-session-id': SESSION,
    'audiohook-correlation-id': CORRELATION,
    'x-api-key': API_KEY,
    ...sig,
    ...extra,
  } as HeaderFields,
});
const signed = (o: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({ target: '/v1/audiohook?tenant=bank-a', authority: 'audiohook.example.com', organizationId: ORG, sessionId: SESSION, correlationId: CORRELATION, apiKey: API_KEY, secret: SECRET, createdS: CREATED, nonce: NONCE, ...o });
const verdict = (req: ReturnType<typeof request>, nowS = CREATED + 1, secret: Uint8Array = SECRET): string => {
  try {
    verifySignature(req, { secret, apiKey: API_KEY, nowS });
  } catch (err) {
    return `${(err as EarshotError).code}: ${(err as EarshotError).detail}`;
  }
  return 'verified';
};

describe('AudioHook request signatures (RFC 9421, HMAC-SHA256)', () => {
  it('signs the documented components into the hand-written base (golden vector)', () => {
    const s = signed();
    expect(s['signature-input']).toBe(`sig1=${BASE.split('"@signature-params": ')[1]}`);
    expect(s.signature).toBe(`sig1=:${MAC}:`);
    expect(verdict(request(s))).toBe('verified');
  });

  it('verifies a signature with the headers written differently', () => {
    const input = `other=("x-api-key");created=1;keyid="x";nonce="zzzzzzzzzzzzzzzz",  sig1=${BASE.split('"@signature-params": ')[1]}`;
    expect(verdict(request({ 'signature-input': input, signature: `sig1=:${MAC}:` }))).toBe('verified');
    // A header sent twice is one value joined by ", " (RFC 9421 §2.1).
    expect(verdict(request(signed(), { 'audiohook-correlation-id': [CORRELATION, 'x'] }))).toMatch(/SIGNATURE_INVALID: the MAC does not match/);
  });

  it('refuses a wrong secret, a changed value, another key or a signature that covers too little', () => {
    expect(verdict(request(signed()), CREATED + 1, Buffer.from('another secret of the bank'))).toMatch(/^EARSHOT_ERR_AUDIOHOOK_SIGNATURE_INVALID: the MAC does not match/);
    expect(verdict(request(signed(), { 'audiohook-session-id': '11111111-1111-4111-8111-111111111111' }))).toMatch(/SIGNATURE_INVALID: the MAC/);
    expect(verdict(request(signed(), { host: 'evil.example.com' }))).toMatch(/SIGNATURE_INVALID: the MAC/);
    expect(verdict(request(signed({ apiKey: 'another-key-0123456789' })))).toMatch(/SIGNATURE_INVALID: keyid does not name the X-API-KEY/);
    const partial = `sig1=("@request-target" "x-api-key");keyid="${API_KEY}";nonce="${NONCE}";created=${CREATED}`;
    expect(verdict(request({ 'signature-input': partial, signature: `sig1=:${MAC}:` }))).toMatch(/does not cover @authority/);
    const rsa = `sig1=("@request-target");keyid="${API_KEY}";nonce="${NONCE}";alg="rsa-pss-sha512";created=${CREATED}`;
    expect(verdict(request({ 'signature-input': rsa, signature: `sig1=:${MAC}:` }))).toMatch(/alg rsa-pss-sha512 is not supported/);
    expect(verdict(request({ 'signature-input': 'sig1=("x-api-key");created=1' }))).toMatch(/Signature header is missing/);
    expect(verdict(request({ 'signature-input': 'sig1=(("nested"))', signature: 'sig1=:AAAA:' }))).toMatch(/SIGNATURE_INVALID: Signature-Input header: structured field/);
    expect(verdict(request({ 'signature-input': `sig2=${BASE.split('"@signature-params": ')[1]}`, signature: `sig1=:${MAC}:` }))).toMatch(/no label is in both/);
  });

  it('tells an unsigned request from an expired or future one', () => {
    expect(verdict(request({}))).toMatch(/^EARSHOT_ERR_AUDIOHOOK_SIGNATURE_REQUIRED/);
    expect(verdict(request(signed()), CREATED + 30 + 6)).toMatch(/^EARSHOT_ERR_AUDIOHOOK_SIGNATURE_EXPIRED: expires is 6 s past/);
    expect(verdict(request(signed()), CREATED + 34)).toBe('verified'); // within the 5 s clock skew
    expect(verdict(request(signed({ lifetimeS: 3600 })), CREATED + 120)).toMatch(/SIGNATURE_EXPIRED: created is 60 s past/);
    expect(verdict(request(signed()), CREATED - 60)).toMatch(/SIGNATURE_INVALID: created is in the future/);
  });

  it('refuses a replayed request (same nonce within its lifetime)', () => {
    const nonces = createNonceCache();
    const req = request(signed());
    verifySignature(req, { secret: SECRET, apiKey: API_KEY, nowS: CREATED + 1, nonces });
    expect(() => verifySignature(req, { secret: SECRET, apiKey: API_KEY, nowS: CREATED + 2, nonces })).toThrow(/nonce already used/);
    verifySignature(request(signed({ nonce: 'a-fresh-nonce-0123456789' })), { secret: SECRET, apiKey: API_KEY, nowS: CREATED + 2, nonces });
  });
});

describe('structured field dictionaries (RFC 8941)', () => {
  it('parses and re-serialises items, inner lists and parameters canonically', () => {
    const d = parseDictionary('a=(  "x" "y\\"z";p );k=1;b="2";c=?0, b=:AQID:;x, t=tok/en:1 ,flag, n=-3.25');
    expect([...d.keys()]).toEqual(['a', 'b', 't', 'flag', 'n']);
    expect(serializeDictionary([...d])).toBe('a=("x" "y\\"z";p);k=1;b="2";c=?0, b=:AQID:;x, t=tok/en:1, flag, n=-3.25');
    expect(d.get('t')).toEqual({ value: new Token('tok/en:1'), params: [] });
  });

  it('refuses malformed values', () => {
    for (const bad of ['A=1', 'a=', 'a=(1', 'a="unterminated', 'a=:@@:', 'a=1,', 'a=1 b=2', 'a="\\x"']) {
      expect(() => parseDictionary(bad), bad).toThrow(SyntaxError);
    }
  });
});
