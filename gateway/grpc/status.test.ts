import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { EarshotError, ERRORS, type ErrorCode } from '../../engine/errors.js';
import { packageRoot } from '../../engine/paths.js';
import { apiKeyOf, ERROR_CODE_TRAILER, grpcStatusOf, peerAddress, Status, statusFor } from './status.js';

/** The codes a gRPC audio stream can end with. */
const GRPC_CODES: ErrorCode[] = [
  'EARSHOT_ERR_GRPC_BAD_MESSAGE', 'EARSHOT_ERR_WS_UNKNOWN_TYPE', 'EARSHOT_ERR_WS_BAD_START', 'EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE',
  'EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING', 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS', 'EARSHOT_ERR_AUDIO_PARTIAL_SAMPLE',
  'EARSHOT_ERR_AUDIO_BAD_WAV_HEADER', 'EARSHOT_ERR_WS_BAD_UTTERANCE', 'EARSHOT_ERR_WS_AUDIO_BEFORE_START',
  'EARSHOT_ERR_WS_MESSAGE_BEFORE_START', 'EARSHOT_ERR_WS_ALREADY_STARTED', 'EARSHOT_ERR_CALL_DUPLICATE_ID', 'EARSHOT_ERR_CALL_ID_TAKEN',
  'EARSHOT_ERR_AUTH_REQUIRED', 'EARSHOT_ERR_AUTH_INVALID', 'EARSHOT_ERR_AUTH_LOOPBACK_ONLY', 'EARSHOT_ERR_WS_FRAME_TOO_LARGE',
  'EARSHOT_ERR_CALL_LIMIT', 'EARSHOT_ERR_TENANT_CALL_LIMIT', 'EARSHOT_ERR_RATE_LIMITED', 'EARSHOT_ERR_EVENTS_SLOW_CONSUMER',
  'EARSHOT_ERR_SHUTTING_DOWN', 'EARSHOT_ERR_INTERNAL',
];

describe('gRPC status of each error code', () => {
  const doc = readFileSync(join(packageRoot(import.meta.url), 'docs', 'integrations.md'), 'utf8');

  it('is the one docs/integrations.md lists, for every code a gRPC stream can end with', () => {
    for (const code of GRPC_CODES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `${code} missing from the status table of docs/integrations.md`).toBeDefined();
      const name = Status[grpcStatusOf(code)];
      expect(row, code).toContain(`\`${name}\` (${grpcStatusOf(code)})`);
    }
  });

  it('is an error status for every code of the catalogue, new ones included', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) expect(grpcStatusOf(code), code).not.toBe(Status.OK);
    expect(grpcStatusOf('EARSHOT_ERR_WS_AUDIO_BEFORE_START')).toBe(Status.FAILED_PRECONDITION);
    expect(grpcStatusOf('EARSHOT_ERR_CALL_ID_TAKEN')).toBe(Status.ALREADY_EXISTS);
    expect(grpcStatusOf('EARSHOT_ERR_AUTH_LOOPBACK_ONLY')).toBe(Status.PERMISSION_DENIED);
  });

  it('carries the code first in the details and again in a trailer; anything else is INTERNAL', () => {
    const s = statusFor(new EarshotError('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE', 'sampleRate 44100: use 8000 or 16000'));
    expect(s.code).toBe(Status.INVALID_ARGUMENT);
    expect(s.details).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE: unsupported sample rate: sampleRate 44100: use 8000 or 16000');
    expect(s.metadata.get(ERROR_CODE_TRAILER)).toEqual(['EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE']);
    const internal = statusFor(new TypeError('x is undefined'));
    expect(internal).toMatchObject({ code: Status.INTERNAL, details: 'EARSHOT_ERR_INTERNAL: internal error' });
  });
});

describe('what a gRPC adapter reads from a call', () => {
  it('finds the IP address in every form of peer string', () => {
    expect(peerAddress('127.0.0.1:53412')).toBe('127.0.0.1');
    expect(peerAddress('ipv4:127.0.0.1:53412')).toBe('127.0.0.1');
    expect(peerAddress('::1:53412')).toBe('::1');
    expect(peerAddress('ipv6:[::1]:53412')).toBe('::1');
    expect(peerAddress('[::1]:53412')).toBe('::1');
    expect(peerAddress('::ffff:127.0.0.1:53412')).toBe('::ffff:127.0.0.1');
    expect(peerAddress('10.0.0.7:5060')).toBe('10.0.0.7');
    expect(peerAddress('fe80::1:2:443')).toBe('fe80::1:2');
    expect(peerAddress('10.0.0.7')).toBe('10.0.0.7');
    expect(peerAddress('unknown')).toBeUndefined();
    expect(peerAddress('unix:/tmp/earshot.sock')).toBeUndefined();
  });

  it('takes the API key from x-api-key, x-goog-api-key, then authorization: Bearer', () => {
    const md = (pairs: Record<string, string>) => {
      const m = new Metadata();
      for (const [k, v] of Object.entries(pairs)) m.set(k, v);
      return m;
    };
    expect(apiKeyOf(md({}))).toBeUndefined();
    expect(apiKeyOf(md({ authorization: 'Bearer abc' }))).toBe('abc');
    expect(apiKeyOf(md({ authorization: 'bearer  abc ' }))).toBe('abc');
    expect(apiKeyOf(md({ 'x-goog-api-key': 'g', authorization: 'Bearer oauth-token' }))).toBe('g');
    expect(apiKeyOf(md({ 'x-api-key': 'k', 'x-goog-api-key': 'g', authorization: 'Bearer oauth-token' }))).toBe('k');
    expect(apiKeyOf(md({ 'x-api-key': '  ' }))).toBeUndefined();
  });
});
