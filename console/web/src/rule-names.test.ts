import { describe, expect, it } from 'vitest';
import { ruleName } from './rule-names';

describe('rule names', () => {
  it('takes the short name before the dash of a description', () => {
    expect(ruleName('静音 — no one spoke for longer than --dead-air-ms (8 s)')).toBe('静音');
    expect(ruleName('服务忌语 — the agent said a forbidden phrase')).toBe('服务忌语');
  });
  it('gives no name for a description without one', () => {
    expect(ruleName(undefined)).toBeNull();
    expect(ruleName('')).toBeNull();
    expect(ruleName('A very long description that has no short name before any dash at all')).toBeNull();
  });
});
