import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { replayTranscript, turns } from '../replay.js';
import type { RateRule } from '../rule.js';

const rule: RateRule = {
  id: 'fast', kind: 'rate', description: '语速 — test', channel: 'agent', severity: 'info', notify: 'agent', windowMs: 60_000, maxCpm: 300, minCpm: 80, minSpeechMs: 10_000, cooldownMs: 60_000,
};
const line = (n: number) => '您好请问有什么可以帮您的我们这边'.repeat(4).slice(0, n);

describe('rate rules', () => {
  it('characters per minute of the agent’s own speech over the window, judged once enough speech is in it', () => {
    // 40 characters in 6 s = 400/min, but only 6 s of speech: not judged yet
    expect(replayTranscript(compileRules([rule]), turns([0, 6, 'agent', line(40)]))).toEqual([]);
    const fast = replayTranscript(compileRules([rule]), turns([0, 6, 'agent', line(40)], [8, 14, 'agent', line(40)]));
    expect(fast).toHaveLength(1);
    expect(fast[0]!.message).toContain('speech rate 400 characters/min');
    // 20 characters in 6 s = 200/min: fine
    expect(replayTranscript(compileRules([rule]), turns([0, 6, 'agent', line(20)], [8, 14, 'agent', line(20)]))).toEqual([]);
    // 5 characters in 6 s = 50/min: too slow
    expect(replayTranscript(compileRules([rule]), turns([0, 6, 'agent', line(5)], [8, 14, 'agent', line(5)]))[0]!.message).toContain('below 80');
  });

  it('counts syllables of pinyin transcripts, and ignores the customer', () => {
    const pinyin = Array.from({ length: 40 }, () => 'ni').join(' ');
    const alerts = replayTranscript(compileRules([rule]), [
      { channel: 'agent', text: pinyin, pinyin, startMs: 0, endMs: 6000 },
      { channel: 'agent', text: pinyin, pinyin, startMs: 7000, endMs: 13_000 },
      { channel: 'customer', text: line(10), startMs: 14_000, endMs: 30_000 },
    ]);
    expect(alerts).toHaveLength(1);
  });
});
