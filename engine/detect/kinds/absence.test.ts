import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { createCallDetector } from '../detector.js';
import { replayTranscript, turns } from '../replay.js';
import type { AbsenceRule, Rule } from '../rule.js';
import type { AlertBody } from '../detector.js';

const greeting: AbsenceRule = {
  id: 'greeting', kind: 'absence', description: '开头语 — test', channel: 'agent', severity: 'info', notify: 'agent',
  window: { toMs: 20_000 }, minCallMs: 5000, phrases: ['您好', '很高兴为您服务'],
};
const closing: AbsenceRule = { ...greeting, id: 'closing', window: { lastMs: 30_000 }, minCallMs: 30_000, phrases: ['再见', '感谢您的来电'] };
const raised = (alerts: AlertBody[]) => alerts.filter((a) => a.status === 'raised').map((a) => [a.ruleId, a.at]);

describe('absence rules', () => {
  it('fire when the window closes without the phrase, once the grace for late finals has passed', () => {
    const alerts = replayTranscript(compileRules([greeting]), turns([1, 4, 'agent', '喂，请讲'], [25, 28, 'customer', '我的卡丢了']));
    expect(raised(alerts)).toEqual([['greeting', 25_000]]);
    expect(alerts[0]!.message).toContain('您好');
    expect(alerts[0]).toMatchObject({ startMs: 0, endMs: 20_000 });
  });

  it('a phrase said inside the window (on text or pinyin) satisfies it; one said after does not', () => {
    expect(raised(replayTranscript(compileRules([greeting]), turns([1, 4, 'agent', '您好，请讲'], [30, 32, 'customer', '嗯'])))).toEqual([]);
    expect(raised(replayTranscript(compileRules([greeting]), turns([1, 4, 'agent', '您号，请讲'], [30, 32, 'customer', '嗯'])))).toEqual([]); // same toneless pinyin
    // níng hǎo is not nín hǎo … unless the rule allows the fuzzy in/ing pair of Chinese input methods
    expect(raised(replayTranscript(compileRules([greeting]), turns([1, 4, 'agent', '宁好，请讲'], [30, 32, 'customer', '嗯'])))).toEqual([['greeting', 30_000]]);
    expect(raised(replayTranscript(compileRules([{ ...greeting, fuzziness: 'fuzzy' }]), turns([1, 4, 'agent', '宁好，请讲'], [30, 32, 'customer', '嗯'])))).toEqual([]);
    expect(raised(replayTranscript(compileRules([greeting]), turns([21, 24, 'agent', '您好'])))).toEqual([['greeting', 24_000]]);
  });

  it('an utterance begun inside the window whose final arrives after it still counts (VAD-fed call)', () => {
    const alerts: AlertBody[] = [];
    const d = createCallDetector('c', compileRules([greeting]), (a) => alerts.push(a));
    d.speechStart('agent', 18_000);
    d.advance(21_000); // window closed, but the agent is still speaking
    d.speechEnd('agent', 18_000, 22_000);
    d.advance(22_500);
    d.utterance({ utteranceId: 'u1', channel: 'agent', text: '您好，很高兴为您服务', startMs: 18_000, endMs: 22_000 }, false);
    d.advance(30_000);
    d.finish(30_000, 'stop');
    expect(alerts).toEqual([]);
  });

  it('judge the last N s at the end of the call, and skip calls shorter than minCallMs', () => {
    const long = turns([0, 3, 'agent', '您好'], [40, 45, 'agent', '好的，再见']);
    expect(raised(replayTranscript(compileRules([closing]), long, { endMs: 50_000 }))).toEqual([]);
    expect(raised(replayTranscript(compileRules([closing]), long, { endMs: 90_000 }))).toEqual([['closing', 90_000]]);
    expect(raised(replayTranscript(compileRules([closing]), turns([0, 3, 'agent', '您好']), { endMs: 10_000 }))).toEqual([]);
  });

  it('open a window after each hit of another rule (soothing after anger)', () => {
    const anger: Rule = { id: 'anger', kind: 'emotion', description: 'anger — test', channel: 'customer', severity: 'warning', notify: 'both', minScore: 2 };
    const soothe: AbsenceRule = { ...greeting, id: 'soothe', window: { afterRule: 'anger', withinMs: 30_000 }, minCallMs: undefined, phrases: ['理解您的心情', '非常抱歉'] };
    const rules = compileRules([soothe, anger]);
    const calm = turns([0, 3, 'customer', '你们太过分了，气死我了'], [4, 8, 'agent', '非常抱歉，我理解您的心情'], [60, 62, 'agent', '还有别的问题吗']);
    expect(raised(replayTranscript(rules, calm))).toEqual([['anger', 3000]]);
    const cold = turns([0, 3, 'customer', '你们太过分了，气死我了'], [4, 8, 'agent', '这是规定'], [60, 62, 'agent', '还有别的问题吗']);
    // judged as soon as the text-only call's clock is past the window (its last final, less the 20 s a turn may last)
    expect(raised(replayTranscript(rules, cold))).toEqual([['anger', 3000], ['soothe', 42_000]]);
    // the call ends inside the window: judged if the agent spoke in it, not if it had no chance
    const short = turns([0, 3, 'customer', '你们太过分了，气死我了'], [4, 8, 'agent', '这是规定']);
    expect(raised(replayTranscript(rules, short, { endMs: 10_000 }))).toEqual([['anger', 3000], ['soothe', 10_000]]);
    expect(raised(replayTranscript(rules, turns([0, 3, 'customer', '你们太过分了，气死我了']), { endMs: 4000 }))).toEqual([['anger', 3000]]);
  });
});
