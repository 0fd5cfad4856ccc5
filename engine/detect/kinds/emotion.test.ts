import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { createCallDetector, type AlertBody } from '../detector.js';
import { replayTranscript, turns } from '../replay.js';
import type { EmotionRule } from '../rule.js';

const anger: EmotionRule = {
  id: 'anger', kind: 'emotion', description: '客户情绪 — test', channel: 'customer', severity: 'warning', notify: 'both', minScore: 3,
  prosody: { minRiseDb: 6, minPitchRise: 0.15, baselineSegments: 2, weight: 2 },
};
const escalation: EmotionRule = {
  id: 'escalation', kind: 'emotion', description: '投诉升级 — test', channel: 'customer', severity: 'critical', notify: 'both',
  escalation: { phrases: ['投诉', '12378', '律师'], negatable: true },
};
const fired = (rule: EmotionRule, text: string) => replayTranscript(compileRules([rule]), turns([0, 3, 'customer', text])).length > 0;

describe('emotion rules', () => {
  it('score anger words with intensifiers; negation cancels; mild words alone stay under the threshold', () => {
    expect(fired(anger, '你们这什么破银行，气死我了')).toBe(true);
    expect(fired(anger, '我真的非常生气')).toBe(true);
    expect(fired(anger, '我不生气，就是问一下')).toBe(false);
    expect(fired(anger, '我没有不满意')).toBe(false);
    expect(fired(anger, '到底怎么回事')).toBe(false);
    expect(fired(anger, '麻烦您帮我查一下')).toBe(false);
    expect(fired(anger, '你們這是欺負人！')).toBe(true); // traditional characters
  });

  it('a voice louder and higher than the customer’s own baseline adds to a mild text score', () => {
    const run = (rmsDb: number, f0Hz: number) => {
      const alerts: AlertBody[] = [];
      const d = createCallDetector('c', compileRules([anger]), (a) => alerts.push(a));
      const seg = (s: number, e: number, db: number, f0: number) => {
        d.speechStart('customer', s);
        d.speechEnd('customer', s, e, { rmsDb: db, peakDb: db + 3, f0Hz: f0, f0P90Hz: f0 * 1.1, voicedRatio: 0.6, frames: (e - s) / 20 });
      };
      seg(0, 2000, -30, 180);
      seg(3000, 5000, -31, 190);
      seg(6000, 9000, rmsDb, f0Hz);
      d.utterance({ utteranceId: 'u', channel: 'customer', text: '到底怎么回事', startMs: 6000, endMs: 9000 }, false);
      return alerts;
    };
    expect(run(-30, 185)).toEqual([]);
    const loud = run(-22, 240);
    expect(loud).toHaveLength(1);
    expect(loud[0]!.message).toMatch(/voice \+[\d.]+ dB, pitch \+\d+ % over baseline/);
    expect(run(-22, 185)).toEqual([]); // louder only
  });

  it('complaint threats fire as critical on their own, not when negated', () => {
    const alerts = replayTranscript(compileRules([escalation]), turns([0, 3, 'customer', '我要打12378投诉你们']));
    expect(alerts[0]).toMatchObject({ severity: 'critical', matchedText: '12378 投诉' });
    expect(fired(escalation, '我不是要投诉，就是问问')).toBe(false);
    expect(fired(escalation, '我要找律师')).toBe(true);
  });
});
