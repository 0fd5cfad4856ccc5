import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { EarshotError } from '../../engine/errors.js';
import type { Channel } from '../../engine/events.js';
import type { CallSpec } from '../../engine/session/call-session.js';
import { parseControl } from '../native/parse.js';
import type { StreamingRecognitionConfig } from './messages.js';

/** Request metadata a Google Speech client can add to name the call in Earshot (docs/integrations.md). */
export const CALL_ID_HEADER = 'x-earshot-call-id';
export const AGENT_ID_HEADER = 'x-earshot-agent-id';
/** Comma-separated roles of the channels in order, e.g. `agent,customer`; default `customer,agent` (mono: `customer`). */
export const CHANNEL_ROLES_HEADER = 'x-earshot-channel-roles';

const ENCODINGS: Record<string, 'pcm16' | 'mulaw'> = { LINEAR16: 'pcm16', MULAW: 'mulaw' };

export interface GoogleCall {
  spec: Omit<CallSpec, 'protocol'>;
  interimResults: boolean;
  singleUtterance: boolean;
  wordTimeOffsets: boolean;
  languageCode: string | undefined;
  /**
   * The `channel_tag` of each role whose results are returned: 1…N with separate recognition per channel,
   * else 0 for the first channel only (Google recognises only the first channel then; Earshot still
   * analyses every channel for its alerts, scores and the console).
   */
  channelTags: ReadonlyMap<Channel, number>;
}

function header(metadata: Metadata, key: string): string | undefined {
  const v = metadata.get(key)[0];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * `streaming_config` (and the request metadata) → the call, checked by the WebSocket protocol's parser
 * (native/parse.ts) so that the same values are refused with the same codes.
 */
export function parseStreamingConfig(streaming: StreamingRecognitionConfig | undefined, metadata: Metadata): GoogleCall {
  const config = streaming?.config;
  if (!config) throw new EarshotError('EARSHOT_ERR_WS_BAD_START', 'streaming_config.config is required');
  const encoding = config.encoding;
  if (encoding === undefined || encoding === 'ENCODING_UNSPECIFIED') {
    throw new EarshotError('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING', 'config.encoding is required: LINEAR16 or MULAW');
  }
  const native = typeof encoding === 'string' ? ENCODINGS[encoding] : undefined;
  if (!native) throw new EarshotError('EARSHOT_ERR_AUDIO_UNSUPPORTED_ENCODING', `config.encoding ${String(encoding)}: use LINEAR16 or MULAW`);
  // The same checks as the parser's, worded in the Google field names a Google client sets.
  const rate = config.sampleRateHertz;
  if (!rate) throw new EarshotError('EARSHOT_ERR_WS_BAD_START', 'config.sample_rate_hertz is required: 8000 or 16000');
  if (rate !== 8000 && rate !== 16000) throw new EarshotError('EARSHOT_ERR_AUDIO_UNSUPPORTED_RATE', `config.sample_rate_hertz ${rate}: use 8000 or 16000`);
  const channels = config.audioChannelCount === undefined || config.audioChannelCount === 0 ? 1 : config.audioChannelCount;
  if (channels !== 1 && channels !== 2) throw new EarshotError('EARSHOT_ERR_AUDIO_UNSUPPORTED_CHANNELS', `config.audio_channel_count ${channels}: use 1 or 2`);
  const roles = header(metadata, CHANNEL_ROLES_HEADER)?.split(',').map((r) => r.trim());
  const languageCode = config.languageCode || undefined;
  const start = {
    type: 'start',
    callId: header(metadata, CALL_ID_HEADER) ?? `gstt-${randomUUID()}`,
    agentId: header(metadata, AGENT_ID_HEADER),
    sampleRate: rate,
    encoding: native,
    channels,
    channelRoles: roles,
    metadata: { ...(languageCode ? { languageCode } : {}), ...(config.model ? { model: config.model } : {}) },
  };
  const control = parseControl(JSON.stringify(start));
  if (control.kind !== 'start') throw new Error('unreachable: a start parsed as ' + control.kind);
  const separate = control.spec.audio.channels > 1 && config.enableSeparateRecognitionPerChannel === true;
  const tagged = separate ? control.spec.audio.channelRoles : control.spec.audio.channelRoles.slice(0, 1);
  return {
    spec: control.spec,
    interimResults: streaming.interimResults === true,
    singleUtterance: streaming.singleUtterance === true,
    wordTimeOffsets: config.enableWordTimeOffsets === true,
    languageCode,
    channelTags: new Map(tagged.map((r, i) => [r, separate ? i + 1 : 0])),
  };
}
