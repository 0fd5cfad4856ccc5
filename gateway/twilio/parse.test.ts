import { describe, expect, it } from 'vitest';
import type { EarshotError } from '../../engine/errors.js';
import { parseTwilioMessage } from './parse.js';

const codeOf = (msg: unknown): string => {
  try {
    parseTwilioMessage(typeof msg === 'string' ? msg : JSON.stringify(msg));
  } catch (err) {
    return (err as EarshotError).code;
  }
  return 'accepted';
};

// The examples of Twilio's "Media Streams - WebSocket Messages" page, with its string-typed counters.
const START = {
  event: 'start',
  sequenceNumber: '1',
  start: {
    accountSid: 'AC00000000000000000000000000000000',
    streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
    callSid: 'CA00000000000000000000000000000000',
    tracks: ['inbound', 'outbound'],
    customParameters: { FirstName: 'Jane', LastName: 'Doe', RemoteParty: 'Bob' },
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  },
  streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
};
const withStart = (start: Record<string, unknown>) => ({ ...START, start: { ...START.start, ...start } });

describe('Twilio Media Streams messages', () => {
  it('reads connected, and a both-track start as a stereo μ-law call: inbound the customer, outbound the agent', () => {
    expect(parseTwilioMessage('{"event":"connected","protocol":"Call","version":"1.0.0"}')).toEqual({ event: 'connected' });
    expect(parseTwilioMessage(JSON.stringify(START))).toEqual({
      event: 'start',
      streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
      tracks: ['inbound', 'outbound'],
      token: undefined,
      spec: {
        callId: 'CA00000000000000000000000000000000',
        agentId: null,
        audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] },
        metadata: {
          FirstName: 'Jane', LastName: 'Doe', RemoteParty: 'Bob',
          twilio: { streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0', callSid: 'CA00000000000000000000000000000000', accountSid: 'AC00000000000000000000000000000000', tracks: ['inbound', 'outbound'] },
        },
      },
    });
  });

  it('takes callId, agentId, inboundRole and the token from customParameters, and keeps the token out of the metadata', () => {
    const m = parseTwilioMessage(JSON.stringify(withStart({
      tracks: ['outbound_track', 'inbound_track'],
      customParameters: { callId: 'c-42', agentId: 'a-7', token: 'secret-key-000000', inboundRole: 'agent', queue: 'cards' },
    })));
    expect(m).toMatchObject({
      event: 'start', token: 'secret-key-000000', tracks: ['inbound', 'outbound'],
      spec: { callId: 'c-42', agentId: 'a-7', audio: { channels: 2, channelRoles: ['agent', 'customer'] } },
    });
    const metadata = (m as { spec: { metadata: Record<string, unknown> } }).spec.metadata;
    expect(metadata.queue).toBe('cards');
    expect(JSON.stringify(metadata)).not.toContain('secret-key');
    expect(metadata).not.toHaveProperty('callId');
  });

  it('makes a one-track stream a mono call: inbound the customer, outbound the agent; no tracks means inbound', () => {
    expect(parseTwilioMessage(JSON.stringify(withStart({ tracks: ['outbound'] })))).toMatchObject({ tracks: ['outbound'], spec: { audio: { channels: 1, channelRoles: ['agent'] } } });
    const { tracks: _t, ...noTracks } = START.start;
    expect(parseTwilioMessage(JSON.stringify({ ...START, start: noTracks }))).toMatchObject({ tracks: ['inbound'], spec: { audio: { channels: 1, channelRoles: ['customer'] } } });
  });

  it('decodes media with Twilio’s string counters, and reads mark, dtmf and stop', () => {
    const media = parseTwilioMessage('{"event":"media","sequenceNumber":"3","media":{"track":"outbound","chunk":"1","timestamp":"5","payload":"/38A"},"streamSid":"MZ1"}');
    expect(media).toEqual({ event: 'media', streamSid: 'MZ1', track: 'outbound', chunk: 1, timestampMs: 5, payload: Buffer.from([0xff, 0x7f, 0x00]) });
    expect(parseTwilioMessage('{"event":"media","media":{"timestamp":40,"payload":""}}')).toMatchObject({ track: null, chunk: null, timestampMs: 40, streamSid: null });
    expect(parseTwilioMessage('{"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"my label"}}')).toEqual({ event: 'mark', streamSid: 'MZ1', name: 'my label' });
    expect(parseTwilioMessage('{"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"1"}}')).toEqual({ event: 'dtmf', streamSid: 'MZ1', digit: '1' });
    expect(parseTwilioMessage('{"event":"stop","sequenceNumber":"5","stop":{"accountSid":"AC1","callSid":"CA1"},"streamSid":"MZ1"}')).toEqual({ event: 'stop', streamSid: 'MZ1' });
    expect(parseTwilioMessage('{"event":"clear","streamSid":"MZ1"}')).toEqual({ event: 'other', name: 'clear' });
  });

  it('maps each malformed message to its own code', () => {
    const media = (m: Record<string, unknown>) => ({ event: 'media', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: 'AAAA', ...m } });
    const cases: [unknown, string][] = [
      ['{"event":"media","media":{"timestam', 'EARSHOT_ERR_WS_BAD_JSON'],
      ['[1,2]', 'EARSHOT_ERR_WS_BAD_JSON'],
      [{ event: 7 }, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [{ streamSid: 'MZ1' }, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [{ event: 'media', media: 'AAAA' }, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [media({ timestamp: '-20' }), 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [media({ timestamp: 1.5 }), 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [media({ timestamp: undefined }), 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [media({ chunk: 'one' }), 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [media({ track: 3 }), 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [media({ track: 'sideways' }), 'EARSHOT_ERR_TWILIO_UNKNOWN_TRACK'],
      [media({ payload: 12 }), 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [media({ payload: 'not base64!' }), 'EARSHOT_ERR_TWILIO_BAD_PAYLOAD'],
      [media({ payload: 'AAA' }), 'EARSHOT_ERR_TWILIO_BAD_PAYLOAD'],
      [{ event: 'mark', mark: { name: 5 } }, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [{ event: 'dtmf', dtmf: {} }, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [{ event: 'stop', stop: 'now' }, 'EARSHOT_ERR_TWILIO_BAD_MESSAGE'],
      [{ event: 'start' }, 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ streamSid: undefined, callSid: 'CA1' }), 'accepted'],
      [{ ...START, streamSid: undefined, start: { ...START.start, streamSid: undefined } }, 'EARSHOT_ERR_TWILIO_BAD_START'],
      [{ ...START, streamSid: 'MZ2' }, 'EARSHOT_ERR_TWILIO_STREAM_MISMATCH'],
      [withStart({ callSid: undefined }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ callSid: undefined, customParameters: { callId: 'c-1' } }), 'accepted'],
      [withStart({ customParameters: { callId: 'has space' } }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ customParameters: { agentId: 7 } }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ customParameters: { inboundRole: 'bot' } }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ customParameters: 'x' }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ tracks: [] }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ tracks: ['inbound', 'inbound'] }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ tracks: ['both'] }), 'EARSHOT_ERR_TWILIO_BAD_START'],
      [withStart({ mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 } }), 'EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT'],
      [withStart({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 16000, channels: 1 } }), 'EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT'],
      [withStart({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 2 } }), 'EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT'],
      [withStart({ mediaFormat: 'mulaw' }), 'EARSHOT_ERR_TWILIO_UNSUPPORTED_MEDIA_FORMAT'],
    ];
    for (const [msg, code] of cases) expect([msg, codeOf(msg)]).toEqual([msg, code]);
  });
});
