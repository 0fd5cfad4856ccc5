import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeReason, EarshotError, ERRORS, type ErrorCode } from './errors.js';
import { packageRoot } from './paths.js';

describe('error catalogue', () => {
  const doc = readFileSync(join(packageRoot(import.meta.url), 'docs', 'errors.md'), 'utf8');

  it('documents every code with its close code or status in docs/errors.md', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      const row = doc.split('\n').find((line) => line.includes(`\`${code}\``));
      expect(row, `${code} missing from docs/errors.md`).toBeDefined();
      if ('wsClose' in spec) expect(row).toContain(String(spec.wsClose));
      if ('httpStatus' in spec) expect(row).toContain(String(spec.httpStatus));
    }
  });

  it('gives each protocol problem its own application close code', () => {
    const app = Object.values(ERRORS).flatMap((s) => ('wsClose' in s && s.wsClose >= 4000 ? [s.wsClose] : []));
    expect(new Set(app).size).toBe(app.length);
  });

  it('keeps close reasons within the 123 bytes RFC 6455 allows', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const reason = closeReason(new EarshotError(code, '通话'.repeat(100)));
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
      expect(reason.startsWith(code)).toBe(true);
    }
  });
});
