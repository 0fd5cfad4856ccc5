import { describe, expect, it } from 'vitest';
import { EarshotError } from '../../engine/errors.js';
import { parseControl } from './parse.js';

const codeOf = (text: string): string => {
  try {
    parseControl(text);
  } catch (err) {
    return (err as EarshotError).code;
  }
  return 'accepted';
};

describe('native control frames', () => {
  it('normalises a native start, defaulting roles by channel count', () => {
    expect(parseControl('{"type":"start","callId":"c-1","agentId":"a-7","sampleRate":8000,"encoding":"mulaw","channels":2}')).toEqual({
      kind: 'start', dialect: 'native',
      spec: { callId: 'c-1', agentId: 'a-7', metadata: {}, audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] } },
    });
    const mono = parseControl('{"type":"start","callId":"c-2","sampleRate":16000,"encoding":"pcm16","channels":1,"channelRoles":["agent"]}');
    expect(mono).toMatchObject({ spec: { agentId: null, audio: { channelRoles: ['agent'] } } });
  });

  it('reads AWS LCA CallMetaData as two-channel PCM16, customer first, keeping the rest as metadata', () => {
    expect(parseControl('{"callId":"x-1","fromNumber":"+861","toNumber":"95588","agentId":"ag","samplingRate":8000,"callEvent":"START"}')).toEqual({
      kind: 'start', dialect: 'lca',
      spec: { callId: 'x-1', agentId: 'ag', metadata: { fromNumber: '+861', toNumber: '95588' }, audio: { sampleRate: 8000, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'] } },
    });
    expect(parseControl('{"callId":"x-1","callEvent":"END"}')).toEqual({ kind: 'stop', reason: 'client-end' });
  });

  it('defaults utterances to final and checks their fields', () => {
    expect(parseControl('{"type":"utterance","channel":"customer","text":"怎么还款","startMs":1200,"endMs":2900}')).toEqual({
      kind: 'utterance', utterance: { channel: 'customer', text: '怎么还款', startMs: 1200, endMs: 2900, final: true },
    });
    expect(codeOf('{"type":"utterance","channel":"customer","text":"  ","startMs":0,"endMs":1}')).toBe('EARSHOT_ERR_WS_BAD_UTTERANCE');
    expect(codeOf('{"type":"utterance","channel":"customer","text":"a","startMs":-1,"endMs":1}')).toBe('EARSHOT_ERR_WS_BAD_UTTERANCE');
    expect(codeOf('{"type":"utterance","channel":"customer","text":"a","startMs":0,"endMs":1,"final":"yes"}')).toBe('EARSHOT_ERR_WS_BAD_UTTERANCE');
  });

  it('maps each bad start to its own code', () => {
    expect(codeOf('{"type":"start","callId":"c","sampleRate":"8000","encoding":"pcm16","channels":1}')).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(codeOf('{"type":"start","callId":"c","sampleRate":22050,"encoding":"pcm16","channels":1}')).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE');
    expect(codeOf('{"type":"start","callId":"c","sampleRate":8000,"encoding":"g729","channels":1}')).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING');
    expect(codeOf('{"type":"start","callId":"c","sampleRate":8000,"encoding":"pcm16","channels":2,"channelRoles":["agent","agent"]}')).toBe('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS');
    expect(codeOf('{"type":"start","callId":"c","sampleRate":8000,"encoding":"pcm16","channels":1,"metadata":[1]}')).toBe('EARSHOT_ERR_WS_BAD_START');
    expect(codeOf('{"callEvent":"PAUSE"}')).toBe('EARSHOT_ERR_WS_UNKNOWN_TYPE');
    expect(codeOf('null')).toBe('EARSHOT_ERR_WS_BAD_JSON');
  });
});
