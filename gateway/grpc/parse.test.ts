import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { AudioFormat } from '../../engine/events.js';
import type { ProtoStruct } from './messages.js';
import { createAudioInput } from './audio-input.js';
import { parseStreamingConfig } from './google-config.js';
import { serviceOf, loadEarshotPackage, loadSpeechPackage, isMalformed } from './protos.js';
import { parseStart, parseUtterance, structToJson } from './stream-call-parse.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
};

describe('earshot.v1 start and utterance, through the WebSocket protocol\'s parser', () => {
  const good = { callId: 'c-1', agentId: 'a-7', sampleRate: 8000, encoding: 'MULAW', channels: 2 } as const;

  it('turns a start into the call spec, with roles, metadata and the event types wanted', () => {
    const metadata = { fields: { queue: { kind: 'stringValue', stringValue: 'cards' }, tries: { kind: 'numberValue', numberValue: 2 },
      tags: { kind: 'listValue', listValue: { values: [{ kind: 'boolValue', boolValue: true }, { kind: 'nullValue', nullValue: 0 }] } },
      nested: { kind: 'structValue', structValue: { fields: { a: { kind: 'stringValue', stringValue: 'b' } } } } } } satisfies ProtoStruct;
    const s = parseStart({ ...good, channelRoles: ['AGENT', 'CUSTOMER'], metadata, eventTypes: ['alert'] }, 65536);
    expect(s.spec).toEqual({
      callId: 'c-1', agentId: 'a-7', audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['agent', 'customer'] },
      metadata: { queue: 'cards', tries: 2, tags: [true, null], nested: { a: 'b' } },
    });
    expect([...s.eventTypes!].sort()).toEqual(['alert', 'call.ended']);
    expect(parseStart({ ...good, agentId: '', encoding: 'PCM16', channels: 1 }, 65536)).toMatchObject({ spec: { agentId: null, audio: { channelRoles: ['customer'] } }, eventTypes: null });
  });

  it('refuses each bad field with the WebSocket protocol\'s code (zeros and empty strings are absent fields)', () => {
    expect(code(() => parseStart({ ...good, callId: '' }, 65536))).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(code(() => parseStart({ ...good, callId: 'a b' }, 65536))).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(code(() => parseStart({ ...good, sampleRate: 0 }, 65536))).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(code(() => parseStart({ ...good, sampleRate: 44100 }, 65536))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE');
    expect(code(() => parseStart({ ...good, encoding: undefined }, 65536))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING');
    expect(code(() => parseStart({ ...good, encoding: 9 }, 65536))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING');
    expect(code(() => parseStart({ ...good, channels: 3 }, 65536))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS');
    expect(code(() => parseStart({ ...good, channelRoles: ['AGENT', 'AGENT'] }, 65536))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS');
    expect(code(() => parseStart({ ...good, channelRoles: ['AGENT', 7] }, 65536))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS');
    expect(code(() => parseStart({ ...good, eventTypes: ['alert', 'gossip'] }, 65536))).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(code(() => parseStart({ ...good, metadata: { fields: { pad: { kind: 'stringValue', stringValue: 'x'.repeat(70_000) } } } }, 65536))).toBe('EARSHOT_ERR_WS_FRAME_TOO_LARGE');
    let deep: { fields: Record<string, unknown> } = { fields: {} };
    for (let i = 0; i < 40; i++) deep = { fields: { d: { kind: 'structValue', structValue: deep } } };
    expect(code(() => structToJson(deep as never))).toBe('EARSHOT_ERR_WS_BAD_START');
  });

  it('turns an utterance into the session\'s text utterance, and refuses bad ones', () => {
    expect(parseUtterance({ channel: 'AGENT', text: '您好', startMs: 0, endMs: 900 }, 65536)).toEqual({ channel: 'agent', text: '您好', startMs: 0, endMs: 900, final: true });
    expect(parseUtterance({ channel: 'CUSTOMER', text: '喂', endMs: 300, partial: true }, 65536)).toMatchObject({ startMs: 0, final: false });
    expect(code(() => parseUtterance({ text: '喂', endMs: 300 }, 65536))).toBe('EARSHOT_ERR_WS_BAD_UTTERANCE');
    expect(code(() => parseUtterance({ channel: 'AGENT', text: ' ', endMs: 300 }, 65536))).toBe('EARSHOT_ERR_WS_BAD_UTTERANCE');
    expect(code(() => parseUtterance({ channel: 'AGENT', text: '喂', startMs: 500, endMs: 300 }, 65536))).toBe('EARSHOT_ERR_WS_BAD_UTTERANCE');
    expect(code(() => parseUtterance({ channel: 'AGENT', text: '喂'.repeat(30_000), endMs: 300 }, 65536))).toBe('EARSHOT_ERR_WS_FRAME_TOO_LARGE');
  });
});

describe('Google streaming_config → an Earshot call', () => {
  const md = (pairs: Record<string, string> = {}) => {
    const m = new Metadata();
    for (const [k, v] of Object.entries(pairs)) m.set(k, v);
    return m;
  };

  it('maps encoding, rate and channels, with channel 1 the customer and 2 the agent, tagged when recognised separately', () => {
    const g = parseStreamingConfig(
      { config: { encoding: 'LINEAR16', sampleRateHertz: 16000, audioChannelCount: 2, enableSeparateRecognitionPerChannel: true, languageCode: 'cmn-Hans-CN', enableWordTimeOffsets: true }, interimResults: true },
      md({ 'x-earshot-call-id': 'pbx-1', 'x-earshot-agent-id': 'a-9' }),
    );
    expect(g.spec).toEqual({
      callId: 'pbx-1', agentId: 'a-9', audio: { sampleRate: 16000, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'] },
      metadata: { languageCode: 'cmn-Hans-CN' },
    });
    expect([...g.channelTags]).toEqual([['customer', 1], ['agent', 2]]);
    expect(g).toMatchObject({ interimResults: true, singleUtterance: false, wordTimeOffsets: true, languageCode: 'cmn-Hans-CN' });
  });

  it('returns the first channel only (tag 0) without separate recognition; roles from metadata; an id when none is given', () => {
    const g = parseStreamingConfig({ config: { encoding: 'MULAW', sampleRateHertz: 8000, audioChannelCount: 2 } }, md({ 'x-earshot-channel-roles': 'agent, customer' }));
    expect(g.spec.audio).toEqual({ sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['agent', 'customer'] });
    expect([...g.channelTags]).toEqual([['agent', 0]]);
    expect(g.spec.callId).toMatch(/^gstt-[0-9a-f-]{36}$/);
    expect(g.interimResults).toBe(false);
    const mono = parseStreamingConfig({ config: { encoding: 'LINEAR16', sampleRateHertz: 8000 } }, md());
    expect(mono.spec.audio.channelRoles).toEqual(['customer']);
    expect([...mono.channelTags]).toEqual([['customer', 0]]);
  });

  it('refuses what Earshot cannot take, in Google\'s field names', () => {
    const cfg = (over: object) => ({ config: { encoding: 'LINEAR16', sampleRateHertz: 8000, ...over } });
    expect(code(() => parseStreamingConfig(undefined, md()))).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(code(() => parseStreamingConfig({}, md()))).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(code(() => parseStreamingConfig(cfg({ encoding: 'FLAC' }), md()))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING');
    expect(code(() => parseStreamingConfig(cfg({ encoding: undefined }), md()))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING');
    expect(code(() => parseStreamingConfig(cfg({ encoding: 42 }), md()))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING');
    expect(code(() => parseStreamingConfig(cfg({ sampleRateHertz: 44100 }), md()))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE');
    expect(code(() => parseStreamingConfig(cfg({ sampleRateHertz: undefined }), md()))).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(code(() => parseStreamingConfig(cfg({ audioChannelCount: 3 }), md()))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS');
    expect(code(() => parseStreamingConfig(cfg({}), md({ 'x-earshot-channel-roles': 'agent,customer' })))).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS');
    expect(code(() => parseStreamingConfig(cfg({}), md({ 'x-earshot-call-id': 'no spaces please' })))).toBe('EARSHOT_ERR_WS_BAD_START');
  });
});

describe('audio input of a gRPC call', () => {
  const stereo16: AudioFormat = { sampleRate: 16000, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'] };

  it('joins a sample split across messages when asked to (Google), and passes messages as they are otherwise', () => {
    const align = createAudioInput(stereo16, { align: true });
    expect(align(new Uint8Array(6)).length).toBe(4);
    expect(align(new Uint8Array(3)).length).toBe(4);
    expect(align(new Uint8Array(1)).length).toBe(0);
    expect(align(new Uint8Array(3)).length).toBe(4);
    expect(createAudioInput(stereo16, { align: false })(new Uint8Array(6)).length).toBe(6);
  });

  it('skips a first WAV header that agrees with the call, and refuses one that does not', () => {
    const wav = (rate: number, channels: number) => {
      const h = Buffer.alloc(44 + 8);
      h.write('RIFF', 0); h.writeUInt32LE(36 + 8, 4); h.write('WAVE', 8); h.write('fmt ', 12); h.writeUInt32LE(16, 16);
      h.writeUInt16LE(1, 20); h.writeUInt16LE(channels, 22); h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate * channels * 2, 28);
      h.writeUInt16LE(channels * 2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(8, 40);
      return h;
    };
    expect(createAudioInput(stereo16, { align: false })(wav(16000, 2)).length).toBe(8);
    expect(code(() => createAudioInput(stereo16, { align: false })(wav(8000, 2)))).toBe('EARSHOT_ERR_AUDIO_BAD_WAV_HEADER');
  });
});

describe('the loaded services', () => {
  it('hand undecodable requests to the handler as malformed instead of throwing', () => {
    for (const [pkg, name, method] of [[loadEarshotPackage(), 'earshot.v1.Earshot', 'StreamCall'], [loadSpeechPackage(), 'google.cloud.speech.v1.Speech', 'StreamingRecognize'], [loadSpeechPackage(), 'google.cloud.speech.v1p1beta1.Speech', 'StreamingRecognize']] as const) {
      const def = serviceOf(pkg, name)[method]!;
      expect(isMalformed(def.requestDeserialize(Buffer.from([0x0a, 0x05, 0x01])))).toBe(true);
      expect(isMalformed(def.requestDeserialize(Buffer.from([0x12, 0x02, 0x01, 0x02])))).toBe(false);
    }
  });
});
