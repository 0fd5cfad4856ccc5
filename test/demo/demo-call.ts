/**
 * `npm run demo [-- --url http://127.0.0.1:8080 --speed 1]`: streams a two-sided call built from the real
 * Mandarin recordings in ../shared/data/audio-zh into a running Earshot at real-time pace, customer and agent
 * on separate channels of 16 kHz PCM16, with a long pause in the middle (dead air) and each turn's reference
 * transcript sent as a text utterance when the turn ends, as a telephony platform's own ASR would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Channel } from '../../engine/events.js';
import { startCall } from '../../gateway/native/client.js';
import { AUDIO_ZH, concat, interleavePcm16, recording } from '../fixtures/shared.js';

const { values } = parseArgs({
  options: { url: { type: 'string', default: process.env.EARSHOT_URL ?? 'http://127.0.0.1:8080' }, speed: { type: 'string', default: '1' } },
});
const baseUrl = values.url!.replace(/\/$/, '');
const speed = Number(values.speed);
if (!(speed > 0 && speed <= 100)) throw new Error('--speed must be between 0 and 100');

const RATE = 16000;
type Turn = { channel: Channel; file: string } | { pauseMs: number };
const SCRIPT: Turn[] = [
  { pauseMs: 500 },
  { channel: 'agent', file: 'paddlespeech-zh.wav' },
  { pauseMs: 600 },
  { channel: 'customer', file: 'TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav' },
  { pauseMs: 500 },
  { channel: 'agent', file: 'BAC009S0724W0121.wav' },
  { pauseMs: 400 },
  { channel: 'customer', file: 'IT0011W0001.wav' },
  { pauseMs: 11_000 }, // dead air: the agent went looking for an answer without a word
  { channel: 'agent', file: 'BAC009S0764W0121.wav' },
  { pauseMs: 500 },
  { channel: 'customer', file: 'TEST_MEETING_T0000000001_S00000.wav' },
  { pauseMs: 800 },
];

const transcripts = new Map(
  readFileSync(join(AUDIO_ZH(), 'transcripts.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t') as [string, string]),
);

// Build both channels and the utterance schedule.
const parts: Record<Channel, (Int16Array | number)[]> = { customer: [], agent: [] };
const utterances: { channel: Channel; text: string; startMs: number; endMs: number }[] = [];
let cursor = 0;
for (const turn of SCRIPT) {
  const samples = 'pauseMs' in turn ? (turn.pauseMs * RATE) / 1000 : recording(turn.file).samples;
  const length = typeof samples === 'number' ? samples : samples.length;
  for (const ch of ['customer', 'agent'] as const) parts[ch].push('channel' in turn && turn.channel === ch ? samples : length);
  if ('channel' in turn) {
    utterances.push({ channel: turn.channel, text: transcripts.get(turn.file) ?? '', startMs: (cursor * 1000) / RATE, endMs: ((cursor + length) * 1000) / RATE });
  }
  cursor += length;
}
const audio = interleavePcm16([concat(parts.customer), concat(parts.agent)]);
const durationMs = (cursor * 1000) / RATE;

const callId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
const client = await startCall(baseUrl.replace(/^http/, 'ws'), {
  callId, agentId: 'a-007', sampleRate: 16000, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'],
  metadata: { queue: 'credit-card', team: 'cards', demo: true },
});
console.log(`streaming ${callId}: ${(durationMs / 1000).toFixed(1)} s of audio at ${speed}× real time — watch ${baseUrl}/agent/a-007 and ${baseUrl}/supervisor`);

const FRAME_MS = 20;
const frameBytes = (RATE * FRAME_MS * 2 * 2) / 1000;
const t0 = performance.now();
let sentMs = 0;
let nextUtterance = 0;
for (let offset = 0; offset < audio.length; offset += frameBytes) {
  client.sendAudio(audio.subarray(offset, Math.min(audio.length, offset + frameBytes)));
  sentMs += FRAME_MS;
  while (nextUtterance < utterances.length && utterances[nextUtterance]!.endMs <= sentMs) {
    const u = utterances[nextUtterance++]!;
    client.sendUtterance({ ...u, final: true });
    console.log(`  ${(u.endMs / 1000).toFixed(1).padStart(5)} s  [${u.channel}] ${u.text}`);
  }
  const due = t0 + sentMs / speed - performance.now();
  if (due > 0) await new Promise((r) => setTimeout(r, due));
}
const stopped = await client.stop();
const events = (await (await fetch(`${baseUrl}/v1/calls/${callId}/events`)).json()) as { events: { type: string }[] };
const counts: Record<string, number> = {};
for (const e of events.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
console.log(`call ended (${stopped?.endReason ?? 'socket closed'}); events stored: ${JSON.stringify(counts)}`);
console.log(JSON.stringify({ callId, durationMs: stopped?.durationMs ?? null, events: counts }));
