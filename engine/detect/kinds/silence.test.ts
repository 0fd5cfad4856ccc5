import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { createCallDetector, type AlertBody } from '../detector.js';
import { replayTranscript, turns } from '../replay.js';
import type { SilenceRule } from '../rule.js';

const deadAir: SilenceRule = {
  id: 'dead-air', kind: 'silence', description: '静音 — test', channel: 'any', severity: 'warning', notify: 'both',
  holdPhrases: { phrases: ['请您稍等', '请稍候'] }, maxHoldMs: 60_000,
};
const summary = (alerts: AlertBody[]) => alerts.map((a) => [a.status, a.at, a.startMs, a.endMs, a.message]);

describe('silence rules', () => {
  it('raise dead air when every channel is silent past the threshold, resolve it with its length', () => {
    const alerts = replayTranscript(compileRules([deadAir], { deadAirMs: 8000, windowGraceMs: 1500 }), turns([0, 2, 'agent', '您好'], [15, 17, 'customer', '喂？']));
    expect(summary(alerts)).toEqual([
      ['raised', 10_000, 2000, null, 'dead air: no one has spoken for 8 s'],
      ['resolved', 15_000, 2000, 15_000, 'silence lasted 13.0 s'],
    ]);
  });

  it('a silence after an announced hold is a hold: reported only past maxHoldMs', () => {
    const rules = compileRules([deadAir], { deadAirMs: 8000, windowGraceMs: 1500 });
    expect(replayTranscript(rules, turns([0, 3, 'agent', '请您稍等，我帮您查一下'], [40, 42, 'agent', '让您久等了']))).toEqual([]);
    const long = replayTranscript(rules, turns([0, 3, 'agent', '请稍候'], [80, 82, 'agent', '让您久等了']));
    expect(summary(long).map((s) => [s[0], s[1], s[4]])).toEqual([['raised', 63_000, 'hold longer than 60 s'], ['resolved', 80_000, 'hold lasted 77.0 s']]);
    // the next silence, not announced, is dead air again
    const after = replayTranscript(rules, turns([0, 3, 'agent', '请稍候'], [40, 42, 'agent', '让您久等了'], [60, 62, 'customer', '喂']));
    expect(after.filter((a) => a.status === 'raised').map((a) => a.at)).toEqual([50_000]);
  });

  it('the customer’s 「好的」 or 「喂？」 during a hold does not end it: only the agent speaking again does', () => {
    const rules = compileRules([deadAir], { deadAirMs: 8000, windowGraceMs: 1500 });
    expect(replayTranscript(rules, turns([4.5, 9, 'agent', '请您稍等，我帮您查一下'], [9.5, 10.5, 'customer', '好的'], [30, 31, 'customer', '喂？还在吗'], [50, 55, 'agent', '让您久等了']))).toEqual([]);
    const after = replayTranscript(rules, turns([4.5, 9, 'agent', '请您稍等'], [9.5, 10.5, 'customer', '好的'], [30, 33, 'agent', '让您久等了'], [34, 35, 'customer', '嗯'], [50, 52, 'agent', '还有别的问题吗']));
    expect(after.filter((a) => a.status === 'raised').map((a) => a.at)).toEqual([43_000]);
  });

  it('on the VAD path, the hold phrase final arriving after its speech end still makes the silence a hold', () => {
    const alerts: AlertBody[] = [];
    const d = createCallDetector('c', compileRules([deadAir], { deadAirMs: 8000, windowGraceMs: 1500 }), (a) => alerts.push(a));
    d.speechStart('agent', 0);
    d.speechEnd('agent', 0, 3000);
    d.advance(3600);
    d.utterance({ utteranceId: 'u1', channel: 'agent', text: '请您稍等', startMs: 0, endMs: 3000 }, false);
    d.advance(30_000);
    expect(alerts).toEqual([]);
    d.finish(70_000, 'stop');
    expect(alerts.map((a) => a.status)).toEqual(['raised', 'resolved']);
  });

  it('in a text-only call, a long turn that ends after a short interjection inside it is not dead air', () => {
    const rules = compileRules([deadAir], { deadAirMs: 8000, windowGraceMs: 1500 });
    const alerts = replayTranscript(rules, turns([0, 2, 'agent', '您好'], [3, 3.4, 'agent', '嗯'], [2.5, 19, 'customer', '我上个月在国外刷卡被扣了两次手续费，一次是货币转换费，还有一次我也不知道是什么，你们能不能帮我查一下到底怎么回事']));
    expect(alerts).toEqual([]);
  });

  it('one channel: silence of that channel alone, with its own threshold', () => {
    const rule: SilenceRule = { ...deadAir, id: 'customer-silent', channel: 'customer', minSilenceMs: 20_000, holdPhrases: undefined, maxHoldMs: undefined };
    const alerts = replayTranscript(compileRules([rule]), turns([0, 2, 'customer', '你好'], [3, 30, 'agent', '这个业务需要您先登录手机银行然后……']));
    expect(alerts.map((a) => [a.status, a.at, a.channel])).toEqual([['raised', 22_000, 'customer'], ['resolved', 30_000, 'customer']]);
  });
});
