import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.js';
import { replayTranscript, turns } from '../replay.js';
import type { PhraseRule } from '../rule.js';

const forbidden: PhraseRule = {
  id: 'forbidden', kind: 'phrase', description: '服务忌语 — test', channel: 'agent', severity: 'warning', notify: 'both',
  negatable: true, phrases: ['你什么意思', '我再跟你说一遍', '你明白吗', '你等着', '让您久等'],
};
const promise: PhraseRule = {
  id: 'promise', kind: 'phrase', description: '违规承诺 — test', channel: 'agent', severity: 'critical', notify: 'both',
  negatable: true, phrases: ['保本', '稳赚', '稳赚不赔'], except: ['不保本', '非保本'],
};
const run = (rule: PhraseRule, ...rows: [number, number, 'agent' | 'customer', string][]) =>
  replayTranscript(compileRules([rule]), turns(...rows)).filter((a) => a.status === 'raised');

describe('phrase rules', () => {
  it('match on normalised text: traditional characters, full-width punctuation, fillers inside the phrase', () => {
    expect(run(forbidden, [0, 2, 'agent', '你什麼意思？'])[0]).toMatchObject({ matchedText: '你什么意思', matchedForm: 'text' });
    // 甚麼 simplifies to 甚么, a variant spelling of 什么, folded into it.
    expect(run(forbidden, [0, 2, 'agent', '你甚麼意思？'])[0]).toMatchObject({ matchedText: '你什么意思', matchedForm: 'text' });
    expect(run(forbidden, [0, 2, 'agent', '我再跟你，呃，說一遍！'])[0]).toMatchObject({ matchedText: '我再跟你说一遍', matchedForm: 'text' });
    expect(run(forbidden, [0, 2, 'agent', '我再跟你说一遍'])[0]!.message).toContain('「我再跟你说一遍」');
  });

  it('match homophones through pinyin and say so (保本 heard as 报本, 明白 as 名白)', () => {
    const hit = run(promise, [0, 3, 'agent', '这款产品是报本的'])[0]!;
    expect(hit).toMatchObject({ matchedText: '报本', matchedForm: 'pinyin' });
    expect(hit.message).toContain('sounds like 保本');
    expect(run(forbidden, [0, 2, 'agent', '你名白吗'])[0]).toMatchObject({ matchedForm: 'pinyin', matchedText: '你名白吗' });
  });

  it('match pinyin-only transcripts from the embedded recogniser', () => {
    const d = compileRules([promise]);
    const alerts = replayTranscript(d, [{ channel: 'agent', text: 'zhè ge shì bào běn de', pinyin: 'zhe ge shi bao ben de', startMs: 0, endMs: 3000 }]);
    expect(alerts[0]).toMatchObject({ matchedText: 'bao ben', matchedForm: 'pinyin' });
    expect(alerts[0]!.startMs).toBe(1500);
    const negated = replayTranscript(d, [{ channel: 'agent', text: 'bù bǎo běn', pinyin: 'bu bao ben', startMs: 0, endMs: 1000 }]);
    expect(negated).toEqual([]);
  });

  it('do not fire on negated phrases or on exceptions', () => {
    expect(run(forbidden, [0, 2, 'agent', '不会让您久等的'])).toEqual([]);
    expect(run(forbidden, [0, 2, 'agent', '对不起，让您久等了'])).toHaveLength(1); // 对不起 negates nothing
    expect(run(promise, [0, 2, 'agent', '这款理财产品不保本，投资需谨慎'])).toEqual([]);
    expect(run(promise, [0, 2, 'agent', '这是非保本浮动收益型产品'])).toEqual([]);
    expect(run(promise, [0, 2, 'agent', '这款产品我们不能说稳赚'])).toEqual([]);
  });

  it('a bare 不 negates only what follows it closely; 不但, 没问题 and the like negate nothing', () => {
    expect(run(promise, [0, 2, 'agent', '这款产品不但保本收益还高'])).toHaveLength(1);
    const threat: PhraseRule = { ...forbidden, id: 'threat', phrases: ['投诉'] };
    expect(run(threat, [0, 2, 'agent', '你们再不处理我就投诉'])).toHaveLength(1);
    expect(run(threat, [0, 2, 'agent', '我不是要投诉'])).toEqual([]);
    const code: PhraseRule = { ...forbidden, id: 'code', phrases: ['说一下验证码'] };
    expect(run(code, [0, 2, 'agent', '没问题您说一下验证码'])).toHaveLength(1);
  });

  it('listen only to the rule channel, and report the longest phrase once', () => {
    expect(run(promise, [0, 2, 'customer', '这个保本吗？'])).toEqual([]);
    const hits = run(promise, [0, 2, 'agent', '放心，稳赚不赔']);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.matchedText).toBe('稳赚不赔');
  });

  it('places the hit in call time inside the utterance', () => {
    const [hit] = run(forbidden, [10, 14, 'agent', '好的好的你明白吗']);
    expect(hit!.startMs).toBeGreaterThanOrEqual(11000);
    expect(hit!.endMs).toBeLessThanOrEqual(14000);
    expect(hit!.at).toBe(14000);
  });

  it('merges repeats within the cooldown into one alert with a count', () => {
    const rule = { ...forbidden, cooldownMs: 30_000 };
    const alerts = replayTranscript(compileRules([rule]), turns([0, 2, 'agent', '你明白吗'], [10, 12, 'agent', '你明白吗'], [50, 52, 'agent', '你明白吗']));
    expect(alerts.map((a) => [a.status, a.occurrences])).toEqual([['raised', 1], ['updated', 2], ['raised', 1]]);
    expect(new Set(alerts.slice(0, 2).map((a) => a.alertId)).size).toBe(1);
  });

  it('all / atLeast across the call, and regexes', () => {
    const all: PhraseRule = { ...forbidden, id: 'all', negatable: false, phrases: ['您好', '请问'], match: 'all', scope: 'call' };
    expect(run(all, [0, 2, 'agent', '您好'])).toEqual([]);
    expect(run(all, [0, 2, 'agent', '您好'], [3, 5, 'agent', '请问有什么可以帮您'])).toHaveLength(1);
    const card: PhraseRule = { ...forbidden, id: 'card', phrases: undefined, regex: ['\\d{15,19}'] };
    expect(run(card, [0, 5, 'agent', '您的卡号是６２２２ ０２１２ ３４５６ ７８９０'])[0]).toMatchObject({ matchedForm: 'regex', matchedText: '6222021234567890' });
    expect(run(card, [0, 5, 'agent', '您尾号7890的卡'])).toEqual([]);
    expect(run(card, [0, 5, 'agent', '境外请拨打0011-800-800-95516；0-800-450-831'])).toEqual([]); // phone numbers
  });
});
