import { EarshotError } from '../../engine/errors.js';
import { CALL_EVENT_TYPES, type CallEventType } from '../../engine/events.js';
import type { CallSpec, TextUtterance } from '../../engine/session/call-session.js';
import type { StartMessage, UtteranceMessage } from '../native/messages.js';
import { parseControl } from '../native/parse.js';
import type { ChannelName, EnumValue, ProtoStruct, ProtoValue, StartRequest, UtteranceRequest } from './messages.js';

/**
 * earshot.v1 requests → the WebSocket protocol's messages, validated by the very same parser
 * (native/parse.ts): one set of rules and error codes for both transports. Proto3 cannot tell a zero from an
 * absent field, so zeros and empty strings become absent, and the parser says "required".
 */

const ENCODINGS = { PCM16: 'pcm16', MULAW: 'mulaw', ALAW: 'alaw' } as const;
const CHANNELS = { CUSTOMER: 'customer', AGENT: 'agent' } as const;
const MAX_METADATA_DEPTH = 32;

const orUndefined = <T>(v: T | undefined, empty: T): T | undefined => (v === empty ? undefined : v);

function role(v: EnumValue<ChannelName> | undefined): unknown {
  if (v === undefined || v === 'CHANNEL_UNSPECIFIED') return undefined;
  return typeof v === 'string' && v in CHANNELS ? CHANNELS[v as keyof typeof CHANNELS] : v;
}

function valueToJson(v: ProtoValue, depth: number): unknown {
  switch (v.kind) {
    case 'numberValue':
      return v.numberValue;
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'structValue':
      return structToJson(v.structValue ?? {}, depth + 1);
    case 'listValue':
      if (depth >= MAX_METADATA_DEPTH) throw new EarshotError('EARSHOT_ERR_WS_BAD_START', `metadata nests deeper than ${MAX_METADATA_DEPTH} levels`);
      return (v.listValue?.values ?? []).map((x) => valueToJson(x, depth + 1));
    default:
      return null;
  }
}

/** google.protobuf.Struct → the JSON object it stands for. */
export function structToJson(s: ProtoStruct, depth = 0): Record<string, unknown> {
  if (depth >= MAX_METADATA_DEPTH) throw new EarshotError('EARSHOT_ERR_WS_BAD_START', `metadata nests deeper than ${MAX_METADATA_DEPTH} levels`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.fields ?? {})) out[k] = valueToJson(v, depth);
  return out;
}

export interface GrpcStart {
  spec: Omit<CallSpec, 'protocol'>;
  /** The event types to stream back; null: all. */
  eventTypes: ReadonlySet<CallEventType> | null;
}

export function parseStart(start: StartRequest, maxBytes: number): GrpcStart {
  const encoding = start.encoding;
  // Values the parser refuses (an unknown enum number) go through as they are, for it to name.
  const native: Omit<Partial<StartMessage>, 'encoding' | 'channelRoles'> & { encoding?: unknown; channelRoles?: unknown[] } = {
    type: 'start',
    callId: orUndefined(start.callId, ''),
    agentId: orUndefined(start.agentId, ''),
    sampleRate: orUndefined(start.sampleRate, 0) as StartMessage['sampleRate'] | undefined,
    encoding: encoding === undefined || encoding === 'AUDIO_ENCODING_UNSPECIFIED' ? undefined : typeof encoding === 'string' && encoding in ENCODINGS ? ENCODINGS[encoding as keyof typeof ENCODINGS] : encoding,
    channels: orUndefined(start.channels, 0) as StartMessage['channels'] | undefined,
    channelRoles: start.channelRoles && start.channelRoles.length > 0 ? start.channelRoles.map(role) : undefined,
    metadata: start.metadata ? structToJson(start.metadata) : undefined,
  };
  const text = JSON.stringify(native);
  if (Buffer.byteLength(text) > maxBytes) throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `start of ${Buffer.byteLength(text)} bytes, limit ${maxBytes}`);
  const control = parseControl(text);
  if (control.kind !== 'start') throw new Error('unreachable: a start parsed as ' + control.kind);
  let eventTypes: Set<CallEventType> | null = null;
  if (start.eventTypes && start.eventTypes.length > 0) {
    for (const t of start.eventTypes) {
      if (!(CALL_EVENT_TYPES as readonly string[]).includes(t)) {
        throw new EarshotError('EARSHOT_ERR_WS_BAD_START', `eventTypes: ${JSON.stringify(t.slice(0, 40))} is not one of ${CALL_EVENT_TYPES.join(', ')}`);
      }
    }
    eventTypes = new Set([...(start.eventTypes as CallEventType[]), 'call.ended']);
  }
  return { spec: control.spec, eventTypes };
}

export function parseUtterance(u: UtteranceRequest, maxBytes: number): TextUtterance {
  const textBytes = Buffer.byteLength(u.text ?? '');
  if (textBytes > maxBytes) throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `utterance text of ${textBytes} bytes, limit ${maxBytes}`);
  const native: Omit<UtteranceMessage, 'channel'> & { channel: unknown } = {
    type: 'utterance',
    channel: role(u.channel),
    text: u.text ?? '',
    startMs: u.startMs ?? 0,
    endMs: u.endMs ?? 0,
    final: u.partial !== true,
  };
  const control = parseControl(JSON.stringify(native));
  if (control.kind !== 'utterance') throw new Error('unreachable: an utterance parsed as ' + control.kind);
  return control.utterance;
}
