import { describe, expect, it } from 'vitest';
import { createSilenceMeter } from './silence-meter.js';

describe('silence meter', () => {
  it('counts audio with every channel silent, from the start of the call', () => {
    const m = createSilenceMeter();
    m.speechStarted('customer', 500);
    m.speechEnded('customer', 3000);
    m.speechStarted('agent', 13_000);
    expect(m.silentMs(14_000)).toBe(500 + 10_000);
  });

  it('is not silent while one channel still speaks, and takes the later end', () => {
    const m = createSilenceMeter();
    m.speechStarted('customer', 0);
    m.speechStarted('agent', 0);
    m.speechEnded('agent', 2000);
    expect(m.silentMs(2500)).toBe(0);
    m.speechEnded('customer', 1500);
    expect(m.silentMs(3000)).toBe(1000);
  });
});
