import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hanziToSyllables, syllableErrorRate } from '../../engine/asr/pinyin.js';
import type { AlertEvent, UtteranceEvent } from '../../engine/events.js';
import { startCall } from '../../gateway/native/client.js';
import { isolatedKeywordMs, realModel } from '../fixtures/model.js';
import { startTestServer, tapEvents, tempDataDir, type EventTap } from '../fixtures/server.js';
import { concat, frames, interleavePcm16, readWav, recording } from '../fixtures/shared.js';

const RATE = 16;
const toneless = (hanzi: string) => hanziToSyllables(hanzi).map((s) => s.toneless);
/** Toneless syllable error rate of the finals that fall inside [fromMs, toMs], joined, against a hanzi reference. */
const ser = (finals: UtteranceEvent[], fromMs: number, toMs: number, ref: string) =>
  syllableErrorRate(toneless(ref), finals.filter((u) => u.startMs >= fromMs && u.endMs <= toMs).flatMap((u) => u.pinyin!.split(' ').filter(Boolean)));

let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let tap: EventTap;

beforeAll(async () => {
  data = tempDataDir();
  const keywords = join(data.dir, 'keywords.txt');
  writeFileSync(keywords, '# test keywords: spoken in test_wavs/3.wav\n文森特卡索\n法国\n信用卡\n');
  // Phrase rules over what the recordings say: the embedded model writes pinyin only, so they can only match by sound.
  const rules = join(data.dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'speech.yaml'), `rules:
  - { id: health, kind: phrase, description: 健康 — test, channel: customer, severity: info, notify: supervisor, phrases: [身体健康] }
  - { id: stalled, kind: phrase, description: 停滞 — test, channel: agent, severity: warning, notify: agent, fuzziness: fuzzy, phrases: [交易几乎停滞] }
  - { id: wrong-side, kind: phrase, description: 错误声道 — test, channel: agent, severity: info, notify: none, phrases: [身体健康] }
`);
  // A scorecard judged by those rules (the default one names the default pack's rules).
  const scorecardFile = join(data.dir, 'scorecard.yaml');
  writeFileSync(scorecardFile, 'id: speech\nversion: "1"\nname: speech\npassMark: 85\nsections:\n  - id: s\n    name: S\n    items:\n      - { id: stalled, name: stalled, points: 100, deduct: [{ rule: stalled, points: 50 }] }\n');
  server = await startTestServer(data.dir, { keywordsFile: keywords, vad: 'silero', analysisWorkers: 2, rulesDir: rules, scorecardFile });
  tap = await tapEvents(server.wsUrl);
});
afterAll(async () => {
  tap.close();
  await server.close();
  data.remove();
});

describe('speech through the gateway, with the embedded model (Silero VAD, sherpa-onnx, worker threads)', () => {
  it('recognises both channels in call time and spots keywords where they are spoken', async () => {
    const model = realModel();
    const customerSpeech = recording('paddlespeech-zh.wav').samples; // 我认为跑步最重要的就是给我带来了身体健康
    const agentSpeech = recording('BAC009S0764W0121.wav').samples; // 甚至出现交易几乎停滞的情况
    const kwSpeech = readWav(join(model.dir, 'test_wavs', '3.wav')).samples; // 文森特卡索 … 法国 …
    // customer: 2 s silence, speech A, silence while the agent speaks, 1 s, then the keyword recording.
    const kwAtMs = 2000 + customerSpeech.length / RATE + 1000 + agentSpeech.length / RATE + 1000;
    const customer = concat([32000, customerSpeech, 16000 + agentSpeech.length + 16000, kwSpeech, 16000]);
    const agent = concat([32000 + customerSpeech.length + 16000, agentSpeech, 16000 + kwSpeech.length + 16000]);
    const client = await startCall(server.wsUrl, { callId: 'asr-1', agentId: 'a-1', sampleRate: 16000, encoding: 'pcm16', channels: 2 });
    for (const f of frames(interleavePcm16([customer, agent]), 1280)) client.sendAudio(f);
    await client.stop();
    await tap.waitFor((e) => e.type === 'call.ended' && e.callId === 'asr-1');
    const events = tap.events.filter((e) => e.callId === 'asr-1');

    const finals = events.filter((e): e is UtteranceEvent => e.type === 'utterance.final');
    const cust = finals.filter((u) => u.channel === 'customer');
    const ag = finals.filter((u) => u.channel === 'agent');
    expect(cust.length).toBeGreaterThanOrEqual(2);
    expect(ag.length).toBeGreaterThanOrEqual(1);
    for (const u of finals) expect(u).toMatchObject({ source: 'asr', pinyin: expect.any(String), text: expect.any(String) });
    // The first customer utterance is speech A, in call time, with the right pinyin.
    expect(cust[0]!.startMs).toBeGreaterThanOrEqual(2000 - 300);
    expect(cust[0]!.endMs).toBeLessThanOrEqual(2000 + customerSpeech.length / RATE + 900);
    const agentStart = 2000 + customerSpeech.length / RATE + 1000;
    expect(ser(cust, 1700, agentStart, '我认为跑步最重要的就是给我带来了身体健康')).toBeLessThan(0.25);
    expect(ser(ag, agentStart - 300, agentStart + agentSpeech.length / RATE + 900, '甚至出现交易几乎停滞的情况')).toBeLessThan(0.25);
    expect(ag[0]!.tokens![0]!.startMs).toBeGreaterThan(agentStart);
    expect(ag[0]!.tokens![0]!.startMs).toBeLessThan(agentStart + 1200);
    // Partials came first, updated in place under the final's id.
    const partialIds = new Set(events.filter((e) => e.type === 'utterance.partial').map((e) => (e as UtteranceEvent).utteranceId));
    expect(partialIds.has(cust[0]!.utteranceId)).toBe(true);

    const hits = events.filter((e): e is AlertEvent => e.type === 'alert' && e.kind === 'keyword');
    expect(hits.map((h) => h.matchedText).sort()).toEqual(['文森特卡索', '法国']);
    for (const h of hits) {
      expect(h.channel).toBe('customer');
      const expected = kwAtMs + isolatedKeywordMs(kwSpeech, h.matchedText!, model);
      expect(Math.abs(h.startMs - expected)).toBeLessThanOrEqual(300);
    }

    // Rules match the recogniser's pinyin, on the right channel, inside the utterance that said it.
    const ruleAlerts = events.filter((e): e is AlertEvent => e.type === 'alert' && e.kind === 'phrase');
    expect(ruleAlerts.map((a) => [a.ruleId, a.channel, a.matchedForm])).toEqual([['health', 'customer', 'pinyin'], ['stalled', 'agent', 'pinyin']]);
    const [health, stalled] = ruleAlerts as [AlertEvent, AlertEvent];
    expect(health.matchedText).toBe('shen ti jian kang');
    expect(health.startMs).toBeGreaterThanOrEqual(cust[0]!.startMs);
    expect(health.endMs).toBeLessThanOrEqual(cust[0]!.endMs);
    expect(health.startMs).toBeGreaterThan(cust[0]!.startMs + 2000); // the last four of 19 syllables
    expect(stalled.startMs).toBeGreaterThanOrEqual(ag[0]!.startMs);
    expect(stalled.endMs).toBeLessThanOrEqual(ag[0]!.endMs);
  });
});
