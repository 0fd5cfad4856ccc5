import { describe, expect, it } from 'vitest';
import type { EarshotError } from '../../engine/errors.js';
import { durationOfSamples, durationSeconds, parseClientMessage, selectMedia } from './parse.js';

const ID = 'e160e428-53e2-487c-977d-96989bf5c99d';
const envelope = (type: string, parameters: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ version: '2', id: ID, type, seq: 1, serverseq: 0, position: 'PT0S', parameters, ...extra });
/** The open message of the AudioHook specification's session walkthrough (values of its example). */
const OPEN = {
  organizationId: 'd7934305-0972-4844-938e-9060eef73d05',
  conversationId: '090eaa2f-72fa-480a-83e0-8667ff89c0ec',
  participant: { id: '883efee8-3d6c-4537-b500-6d7ca4b92fa0', ani: '+1-555-555-1234', aniName: 'John Doe', dnis: '+1-800-555-6789' },
  media: [
    { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
    { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 },
    { type: 'audio', format: 'PCMU', channels: ['internal'], rate: 8000 },
  ],
  language: 'en-US',
};

const codeOf = (text: string): string => {
  try {
    parseClientMessage(text);
  } catch (err) {
    return (err as EarshotError).code;
  }
  return 'accepted';
};

describe('AudioHook client messages', () => {
  it('reads the specification example open message', () => {
    const m = parseClientMessage(envelope('open', OPEN));
    expect(m).toMatchObject({ type: 'open', id: ID, seq: 1, serverseq: 0, position: 'PT0S', parameters: { conversationId: OPEN.conversationId, language: 'en-US' } });
  });

  it('reads every other client message type', () => {
    expect(parseClientMessage(envelope('ping', { rtt: 'PT0.0123S' })).parameters).toEqual({ rtt: 'PT0.0123S' });
    expect(parseClientMessage(envelope('ping', {})).parameters).toEqual({});
    expect(parseClientMessage(envelope('update', { language: 'zh-CN' })).parameters).toEqual({ language: 'zh-CN' });
    expect(parseClientMessage(envelope('paused', {})).type).toBe('paused');
    expect(parseClientMessage(envelope('resumed', { start: 'PT10S', discarded: 'PT2.5S' })).parameters).toEqual({ start: 'PT10S', discarded: 'PT2.5S' });
    expect(parseClientMessage(envelope('discarded', { start: 'PT0S', discarded: 'PT.5S' })).parameters).toEqual({ start: 'PT0S', discarded: 'PT.5S' });
    expect(parseClientMessage(envelope('error', { code: 429, message: 'slow down', retryAfter: 'PT1S' })).parameters).toEqual({ code: 429, message: 'slow down', retryAfter: 'PT1S' });
    for (const reason of ['end', 'error', 'disconnect', 'reconnect']) expect(parseClientMessage(envelope('close', { reason })).parameters).toEqual({ reason });
  });

  it('refuses a broken envelope with its own code', () => {
    expect(codeOf('{"version":"2","type":"op')).toBe('EARSHOT_ERR_WS_BAD_JSON');
    expect(codeOf('[1,2]')).toBe('EARSHOT_ERR_WS_BAD_JSON');
    expect(codeOf(envelope('ping', {}, { version: 2 }))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('ping', {}, { id: 'session-1' }))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('ping', {}, { seq: '1' }))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('ping', {}, { seq: -1 }))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('ping', {}, { serverseq: 1.5 }))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('ping', {}, { position: '5s' }))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('ping', {}, { position: 'PT-1S' }))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('ping', []))).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_MESSAGE');
    expect(codeOf(envelope('opened', {}))).toBe('EARSHOT_ERR_AUDIOHOOK_UNKNOWN_TYPE');
    expect(codeOf(envelope('launch', {}))).toBe('EARSHOT_ERR_AUDIOHOOK_UNKNOWN_TYPE');
  });

  it('names the field of bad parameters', () => {
    const bad = (type: string, parameters: unknown) => {
      try {
        parseClientMessage(envelope(type, parameters));
      } catch (err) {
        return `${(err as EarshotError).code} ${(err as EarshotError).detail}`;
      }
      return 'accepted';
    };
    expect(bad('open', { ...OPEN, conversationId: 42 })).toBe('EARSHOT_ERR_AUDIOHOOK_BAD_PARAMETERS open.conversationId must be a UUID');
    expect(bad('open', { ...OPEN, participant: undefined })).toMatch(/open.participant must be an object/);
    expect(bad('open', { ...OPEN, participant: { ...OPEN.participant, ani: 5 } })).toMatch(/open.participant.ani must be a string/);
    expect(bad('open', { ...OPEN, media: 'PCMU' })).toMatch(/open.media must be a list/);
    expect(bad('open', { ...OPEN, media: [{ type: 'audio', format: 'PCMU', channels: 'external', rate: 8000 }] })).toMatch(/open.media\[0\]/);
    expect(bad('resumed', { start: 'PT1S' })).toMatch(/resumed.discarded must be an ISO 8601 duration/);
    expect(bad('error', { code: '500', message: 'x' })).toMatch(/error.code must be an integer/);
    expect(bad('close', { reason: 'bye' })).toMatch(/close.reason must be one of end, error, disconnect, reconnect/);
    expect(bad('update', { language: ['zh'] })).toMatch(/update.language must be a string/);
    expect(bad('ping', { rtt: 12 })).toMatch(/ping.rtt/);
    // An offer Earshot cannot take is still a well-formed open: media selection skips it.
    expect(bad('open', { ...OPEN, media: [{ type: 'audio', format: 'opus', channels: ['external'], rate: 48000 }] })).toBe('accepted');
  });

  it('reads and writes ISO 8601 durations in seconds', () => {
    expect(durationSeconds('PT0S')).toBe(0);
    expect(durationSeconds('PT12.345S')).toBe(12.345);
    expect(durationSeconds('PT.5S')).toBe(0.5);
    expect(durationSeconds('PT1M')).toBeNaN();
    expect(durationOfSamples(8000 * 3 + 160)).toBe('PT3.02S');
    expect(durationOfSamples(1)).toBe('PT0.000125S');
  });
});

describe('AudioHook media negotiation', () => {
  it('prefers stereo, then PCMU, external as the customer and internal as the agent', () => {
    expect(selectMedia(OPEN.media)).toEqual({
      media: { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
      audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] },
    });
    const l16 = selectMedia([{ type: 'audio', format: 'L16', channels: ['internal', 'external'], rate: 8000 }, OPEN.media[1]]);
    expect(l16?.audio).toEqual({ sampleRate: 8000, encoding: 'pcm16', channels: 2, channelRoles: ['agent', 'customer'] });
    expect(selectMedia([OPEN.media[2]])?.audio.channelRoles).toEqual(['agent']);
    expect(selectMedia([{ type: 'audio', format: 'L16', channels: ['external'], rate: 8000 }, OPEN.media[1]])?.media.format).toBe('PCMU');
  });

  it('finds nothing in offers of other rates, formats or channels', () => {
    expect(selectMedia([])).toBeNull();
    expect(selectMedia([{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 16000 }])).toBeNull();
    expect(selectMedia([{ type: 'audio', format: 'PCMA', channels: ['external'], rate: 8000 }])).toBeNull();
    expect(selectMedia([{ type: 'audio', format: 'PCMU', channels: ['external', 'external'], rate: 8000 }])).toBeNull();
    expect(selectMedia([{ type: 'video', format: 'PCMU', channels: ['external'], rate: 8000 }])).toBeNull();
  });
});
