/**
 * Wire messages of Twilio Media Streams (https://www.twilio.com/docs/voice/media-streams/websocket-messages),
 * as Twilio sends them to `/v1/twilio`. Type-only. Twilio writes `sequenceNumber`, `chunk` and `timestamp`
 * as strings of digits; Earshot also accepts them as numbers. docs/integrations.md describes the
 * telephony side.
 *
 * Earshot sends nothing back: it plays no audio, so it has no use for the `media`, `mark` and `clear`
 * messages a bidirectional stream (`<Connect><Stream>`) would accept.
 */

/** Twilio's track names; `inbound_track` / `outbound_track` (TwiML's spelling) are accepted too. */
export type TwilioTrack = 'inbound' | 'outbound';

export interface TwilioConnected {
  event: 'connected';
  protocol: 'Call';
  version: string;
}

export interface TwilioStart {
  event: 'start';
  sequenceNumber: string;
  streamSid: string;
  start: {
    streamSid: string;
    accountSid: string;
    callSid: string;
    tracks: TwilioTrack[];
    /** `<Parameter name= value=>` of the `<Stream>`: Earshot reads `token`, `callId`, `agentId`, `inboundRole`. */
    customParameters: Record<string, string>;
    mediaFormat: { encoding: 'audio/x-mulaw'; sampleRate: 8000; channels: 1 };
  };
}

export interface TwilioMedia {
  event: 'media';
  sequenceNumber: string;
  streamSid: string;
  media: {
    track: TwilioTrack;
    /** 1, 2, … per track. */
    chunk: string;
    /** ms since the stream started: where the chunk's first sample lies in call time. */
    timestamp: string;
    /** base64 μ-law, 8 kHz, mono. */
    payload: string;
  };
}

export interface TwilioMark {
  event: 'mark';
  sequenceNumber: string;
  streamSid: string;
  mark: { name: string };
}

export interface TwilioDtmf {
  event: 'dtmf';
  sequenceNumber: string;
  streamSid: string;
  dtmf: { track: 'inbound_track'; digit: string };
}

export interface TwilioStop {
  event: 'stop';
  sequenceNumber: string;
  streamSid: string;
  stop: { accountSid: string; callSid: string };
}

export type TwilioMessage = TwilioConnected | TwilioStart | TwilioMedia | TwilioMark | TwilioDtmf | TwilioStop;
