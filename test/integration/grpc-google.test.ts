import * as grpc from '@grpc/grpc-js';
import speech from '@google-cloud/speech';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hanziToSyllables, syllableErrorRate, toneless } from '../../engine/asr/pinyin.js';
import type { CallEndedEvent, CallEvent, UtteranceEvent } from '../../engine/events.js';
import { startTestServer, tempDataDir } from '../fixtures/server.js';
import { concat, frames, interleavePcm16, recording } from '../fixtures/shared.js';

/**
 * Google's official client (`@google-cloud/speech`, v1 and v1p1beta1) against Earshot's Google-compatible
 * StreamingRecognize, on the real embedded model: what a FreeSWITCH or Asterisk module built on Google's API
 * sees when pointed at Earshot.
 */
const RATE = 16000;
const CUSTOMER_REF = '我认为跑步最重要的就是给我带来了身体健康'; // paddlespeech-zh.wav
const AGENT_REF = '甚至出现交易几乎停滞的情况'; // BAC009S0764W0121.wav

/** Syllable error rate of transcripts (tonal pinyin from the embedded model) against a hanzi reference. */
const ser = (transcripts: string[], ref: string) =>
  syllableErrorRate(hanziToSyllables(ref).map((s) => s.toneless), transcripts.flatMap((t) => t.split(/\s+/).filter(Boolean).map(toneless)));

interface Result {
  isFinal: boolean;
  channelTag: number;
  languageCode: string;
  resultEndTime: { seconds: string | number; nanos: number };
  alternatives: { transcript: string; words?: { word: string; startTime: { seconds: string | number; nanos: number } }[] }[];
}
interface Response {
  results: Result[];
  speechEventType: string;
}
const endMs = (r: Result) => Number(r.resultEndTime.seconds) * 1000 + r.resultEndTime.nanos / 1e6;

let server: Awaited<ReturnType<typeof startTestServer>>;
let data: ReturnType<typeof tempDataDir>;
let v1: InstanceType<typeof speech.v1.SpeechClient>;
let beta: InstanceType<typeof speech.v1p1beta1.SpeechClient>;

beforeAll(async () => {
  data = tempDataDir();
  server = await startTestServer(data.dir, { analysisWorkers: 2 });
  const options = {
    apiEndpoint: '127.0.0.1',
    port: server.grpcPort!,
    sslCreds: grpc.credentials.createInsecure(),
    grpc: grpc as never,
    // Names the universe itself, so the client does not look for Google's metadata server.
    universeDomain: 'googleapis.com',
  };
  v1 = new speech.v1.SpeechClient(options);
  beta = new speech.v1p1beta1.SpeechClient(options);
});
afterAll(async () => {
  await v1?.close();
  await beta?.close();
  await server?.close();
  data?.remove();
});

/** Streams `pcm` in 100 ms chunks through the client's streamingRecognize helper; resolves with every response and the response headers. */
async function recognize(
  stream: NodeJS.ReadWriteStream,
  pcm: Uint8Array,
  { end = true, chunkBytes = 3200 }: { end?: boolean; chunkBytes?: number } = {},
): Promise<{ responses: Response[]; callId: string | undefined }> {
  const responses: Response[] = [];
  let callId: string | undefined;
  stream.on('data', (r: Response) => responses.push(r));
  stream.on('response', (r: { metadata?: grpc.Metadata }) => (callId = r?.metadata?.get('x-earshot-call-id')[0] as string | undefined));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (const chunk of frames(pcm, chunkBytes)) stream.write(Buffer.from(chunk));
  if (end) stream.end();
  await done;
  return { responses, callId };
}

describe('Google Cloud Speech StreamingRecognize, with Google\'s own client', () => {
  it('returns interim and final results for a real recording (16 kHz LINEAR16), and the call is an Earshot call like any other', async () => {
    const speechPcm = recording('paddlespeech-zh.wav').samples;
    const pcm = interleavePcm16([concat([RATE, speechPcm, RATE])]);
    const stream = v1.streamingRecognize(
      { config: { encoding: 'LINEAR16', sampleRateHertz: RATE, languageCode: 'cmn-Hans-CN', enableWordTimeOffsets: true }, interimResults: true },
      { otherArgs: { headers: { 'x-earshot-call-id': 'gstt-real-1', 'x-earshot-agent-id': 'a-21' } } },
    );
    const { responses, callId } = await recognize(stream, pcm);
    expect(callId).toBe('gstt-real-1');
    const results = responses.flatMap((r) => r.results);
    const finals = results.filter((r) => r.isFinal);
    const interims = results.filter((r) => !r.isFinal);
    expect(finals.length).toBeGreaterThanOrEqual(1);
    expect(interims.length).toBeGreaterThanOrEqual(1);
    expect(results.indexOf(interims[0]!)).toBeLessThan(results.indexOf(finals[0]!));
    // The embedded model writes pinyin: the finals say the recording's sentence.
    expect(ser(finals.map((r) => r.alternatives[0]!.transcript), CUSTOMER_REF)).toBeLessThan(0.25);
    const durationMs = (pcm.length / 2 / RATE) * 1000;
    for (const r of finals) {
      expect(r).toMatchObject({ channelTag: 0, languageCode: 'cmn-Hans-CN' });
      expect(endMs(r)).toBeGreaterThan(1000);
      expect(endMs(r)).toBeLessThanOrEqual(durationMs);
      const words = r.alternatives[0]!.words!;
      expect(words.map((w) => w.word).join(' ')).toBe(r.alternatives[0]!.transcript); // one word a syllable
      expect(Number(words[0]!.startTime.seconds) * 1000 + words[0]!.startTime.nanos / 1e6).toBeGreaterThanOrEqual(700);
    }

    // The same call through Earshot's REST API: listed, with its events; the results were its finals.
    const list = (await (await fetch(`${server.url}/v1/calls`)).json()) as { calls: { callId: string; protocol: string; agentId: string; status: string; endReason: string }[] };
    expect(list.calls.find((c) => c.callId === 'gstt-real-1')).toMatchObject({ protocol: 'google-stt-grpc', agentId: 'a-21', status: 'ended', endReason: 'stop' });
    const { events } = (await (await fetch(`${server.url}/v1/calls/gstt-real-1/events`)).json()) as { events: CallEvent[] };
    expect(events[0]).toMatchObject({ type: 'call.started', protocol: 'google-stt-grpc', metadata: { languageCode: 'cmn-Hans-CN', tenant: 'local' } });
    const stored = events.filter((e): e is UtteranceEvent => e.type === 'utterance.final');
    expect(stored.map((u) => u.text)).toEqual(finals.map((r) => r.alternatives[0]!.transcript));
    expect((events.find((e) => e.type === 'call.ended') as CallEndedEvent).endReason).toBe('stop');
  });

  it('recognises a stereo call per channel (channel 1 the customer, 2 the agent), over v1p1beta1 as FreeSWITCH modules speak it', async () => {
    const customer = recording('paddlespeech-zh.wav').samples;
    const agent = recording('BAC009S0764W0121.wav').samples;
    const left = concat([RATE / 2, customer, RATE + agent.length + RATE]);
    const right = concat([RATE / 2 + customer.length + RATE, agent, RATE]);
    const stream = beta.streamingRecognize(
      { config: { encoding: 'LINEAR16', sampleRateHertz: RATE, audioChannelCount: 2, enableSeparateRecognitionPerChannel: true, languageCode: 'cmn-Hans-CN' } },
      { otherArgs: { headers: { 'x-earshot-call-id': 'gstt-stereo-1' } } },
    );
    // 1001-byte chunks: samples split across messages are joined, as Google's API allows.
    const { responses } = await recognize(stream, interleavePcm16([left, right]), { chunkBytes: 1001 });
    const results = responses.flatMap((r) => r.results);
    expect(results.every((r) => r.isFinal)).toBe(true); // no interim_results
    const byTag = (tag: number) => results.filter((r) => r.channelTag === tag).map((r) => r.alternatives[0]!.transcript);
    expect(ser(byTag(1), CUSTOMER_REF)).toBeLessThan(0.25);
    expect(ser(byTag(2), AGENT_REF)).toBeLessThan(0.25);
    expect(results.every((r) => r.channelTag === 1 || r.channelTag === 2)).toBe(true);
    expect(server.store.getCall('gstt-stereo-1')).toMatchObject({ protocol: 'google-stt-grpc', audio: { channels: 2, channelRoles: ['customer', 'agent'] } });
  });

  it('with single_utterance, ends the stream itself after END_OF_SINGLE_UTTERANCE and one final', async () => {
    const first = recording('paddlespeech-zh.wav').samples;
    const second = recording('BAC009S0724W0121.wav').samples;
    const pcm = interleavePcm16([concat([RATE / 2, first, RATE, second, RATE])]);
    const stream = v1.streamingRecognize(
      { config: { encoding: 'LINEAR16', sampleRateHertz: RATE, languageCode: 'cmn-Hans-CN' }, singleUtterance: true, interimResults: true },
      { otherArgs: { headers: { 'x-earshot-call-id': 'gstt-single-1' } } },
    );
    // The client never closes its side: the server ends the stream.
    const { responses } = await recognize(stream, pcm, { end: false });
    const eventAt = responses.findIndex((r) => r.speechEventType === 'END_OF_SINGLE_UTTERANCE');
    expect(eventAt).toBeGreaterThanOrEqual(0);
    const finals = responses.flatMap((r, i) => r.results.filter((x) => x.isFinal).map(() => i));
    expect(finals).toEqual([eventAt + 1]);
    expect(ser([responses[eventAt + 1]!.results[0]!.alternatives[0]!.transcript], CUSTOMER_REF)).toBeLessThan(0.25);
    expect(server.store.getCall('gstt-single-1')).toMatchObject({ status: 'ended', endReason: 'stop' });
  });
});
