import { describe, expect, it } from 'vitest';
import type { EarshotError } from '../../engine/errors.js';
import { chooseSubprotocol, forkApiKey, parseForkMetadata, type ForkQuery, type Subprotocol } from './parse.js';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as EarshotError).code;
  }
  return 'accepted';
};
const meta = (m: unknown, sub: Subprotocol = 'audio.drachtio.org', q: ForkQuery = {}) => parseForkMetadata(typeof m === 'string' ? m : JSON.stringify(m), sub, q);

// What jambonz's listen verb sends first: the call's attributes, sampleRate and mixType, then the verb's metadata.
const JAMBONZ = {
  sampleRate: 16000, mixType: 'stereo', callSid: '9fb1ee4c-5b2c-4b6b-8c7a-1b2f3c4d5e6f', direction: 'inbound', from: '+8613800000000',
  to: '95588', callId: '3b1c6b2f@10.0.0.1', sipStatus: 200, accountSid: 'acc-1', applicationSid: 'app-1', agentId: 'a-7', queue: 'cards',
};

describe('audio fork subprotocol', () => {
  it('answers with the first of ours the client offers, and refuses the rest', () => {
    expect(chooseSubprotocol('audio.drachtio.org')).toBe('audio.drachtio.org');
    expect(chooseSubprotocol('chat, audio.jambonz.org, audio.drachtio.org')).toBe('audio.jambonz.org');
    expect(codeOf(() => chooseSubprotocol(undefined))).toBe('EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL');
    expect(codeOf(() => chooseSubprotocol('audiostream.drachtio.org'))).toBe('EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL');
    expect(codeOf(() => chooseSubprotocol('constructor'))).toBe('EARSHOT_ERR_AUDIO_FORK_SUBPROTOCOL');
  });

  it('finds the API key in the query, a Bearer or Basic (jambonz wsAuth: the password) Authorization, or X-API-Key', () => {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(forkApiKey({}, { token: 'k1' })).toBe('k1');
    expect(forkApiKey({ authorization: 'Bearer k2' }, {})).toBe('k2');
    expect(forkApiKey({ authorization: basic('earshot:k3') }, {})).toBe('k3');
    expect(forkApiKey({ authorization: basic('k4:') }, {})).toBe('k4');
    expect(forkApiKey({ 'x-api-key': 'k5' }, {})).toBe('k5');
    expect(forkApiKey({}, {})).toBeUndefined();
  });
});

describe('audio fork metadata (the first text frame)', () => {
  it('reads jambonz listen metadata: callSid, rate and mix; stereo caller = customer, callee = agent', () => {
    expect(meta(JAMBONZ, 'audio.jambonz.org')).toEqual({
      callId: JAMBONZ.callSid,
      agentId: 'a-7',
      mixType: 'stereo',
      audio: { sampleRate: 16000, encoding: 'pcm16', channels: 2, channelRoles: ['customer', 'agent'] },
      metadata: {
        callSid: JAMBONZ.callSid, direction: 'inbound', from: '+8613800000000', to: '95588', callId: '3b1c6b2f@10.0.0.1', sipStatus: 200,
        accountSid: 'acc-1', applicationSid: 'app-1', queue: 'cards', mixType: 'stereo',
      },
    });
    // jambonz's defaults: 8000 Hz, mono.
    expect(meta({ callSid: 'c-1' }, 'audio.jambonz.org')).toMatchObject({ mixType: 'mono', audio: { sampleRate: 8000, channels: 1, channelRoles: ['customer'] } });
    // "mixed" is both parties in one channel: one channel, labelled customer unless channelRoles says otherwise.
    expect(meta({ callSid: 'c-1', mixType: 'mixed', channelRoles: ['agent'] }, 'audio.jambonz.org')).toMatchObject({ mixType: 'mixed', audio: { channels: 1, channelRoles: ['agent'] } });
  });

  it('reads a mod_audio_fork dialplan’s metadata, with rate and mix from it or the URL', () => {
    expect(meta({ uuid: 'f1a2-uuid', agent: 'a-1', sampleRate: '16k', mixType: 'stereo' })).toMatchObject({
      callId: 'f1a2-uuid', agentId: 'a-1', audio: { sampleRate: 16000, channels: 2 },
    });
    expect(meta({ callid: 'sip-call-1' }, 'audio.drachtio.org', { sampleRate: '8000', mixType: 'mono' })).toMatchObject({
      callId: 'sip-call-1', agentId: null, audio: { sampleRate: 8000, channels: 1, channelRoles: ['customer'] },
    });
    expect(meta({ callId: 'c-9' }, 'audio.drachtio.org', { sampleRate: '8k', mixType: 'stereo', channelRoles: 'agent,customer' })).toMatchObject({
      audio: { channelRoles: ['agent', 'customer'] },
    });
  });

  it('maps each bad first frame to its own code', () => {
    const cases: [() => unknown, string][] = [
      [() => meta('{"callId":"c-1",'), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta('caller=1000'), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta([1]), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta({ sampleRate: 8000, mixType: 'mono' }), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta({ callSid: 'has space', sampleRate: 8000 }, 'audio.jambonz.org'), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta({ callId: 'c-1' }), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta({ callId: 'c-1', sampleRate: 8000 }), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta({ callId: 'c-1', sampleRate: true, mixType: 'mono' }), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta({ callId: 'c-1', agentId: 7, sampleRate: 8000, mixType: 'mono' }), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
      [() => meta({ callSid: 'c-1', sampleRate: 24000 }, 'audio.jambonz.org'), 'EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE'],
      [() => meta({ callId: 'c-1', sampleRate: '44.1k', mixType: 'mono' }), 'EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE'],
      [() => meta({ callSid: 'c-1', mixType: 'quad' }, 'audio.jambonz.org'), 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS'],
      [() => meta({ callSid: 'c-1', mixType: 'stereo', channelRoles: ['agent'] }, 'audio.jambonz.org'), 'EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS'],
      [() => meta({ callSid: 'c-1', mixType: 2 }, 'audio.jambonz.org'), 'EARSHOT_ERR_AUDIO_FORK_BAD_METADATA'],
    ];
    for (const [f, code] of cases) expect([f.toString(), codeOf(f)]).toEqual([f.toString(), code]);
  });
});
