import type { ServerDuplexStream } from '@grpc/grpc-js';
import { EarshotError } from '../../engine/errors.js';
import { eventJson, type CallEventType } from '../../engine/events.js';
import { createAudioInput } from './audio-input.js';
import { serveCallRpc, type CallRpc, type RpcDeps, type RpcProtocol } from './call-rpc.js';
import type { Malformed, StreamCallRequest, StreamCallResponse } from './messages.js';
import { parseStart, parseUtterance } from './stream-call-parse.js';

export const NATIVE_GRPC_PROTOCOL = 'native-grpc';

type Kind = NonNullable<StreamCallRequest['message']>;

/**
 * `earshot.v1.Earshot/StreamCall`: the native protocol (docs/protocol.md) on a gRPC stream. Requests are
 * validated by the WebSocket protocol's parser (stream-call-parse.ts); responses are `started`, each event
 * of the call as its JSON, and `stopped` after a `stop` (or the client closing its side).
 */
function streamCallProtocol(rpc: CallRpc<StreamCallResponse>, deps: RpcDeps): RpcProtocol<StreamCallRequest> {
  const { maxFrameBytes, maxTextFrameBytes } = deps.limits;
  let wanted: ReadonlySet<CallEventType> | null = null;
  let audioInput: ((bytes: Uint8Array) => Uint8Array) | null = null;

  const beforeStart = (kind: Kind): void => {
    if (rpc.state !== 'awaiting-start') return;
    if (kind === 'audio') throw new EarshotError('EARSHOT_ERR_WS_AUDIO_BEFORE_START', 'audio before start');
    throw new EarshotError('EARSHOT_ERR_WS_MESSAGE_BEFORE_START', `got ${kind}`);
  };

  // A handler per message kind: a kind added to the proto without one fails tsc (STYLE.md §1).
  const handlers: { [K in Kind]: (req: StreamCallRequest) => void } = {
    start(req) {
      if (rpc.state !== 'awaiting-start') throw new EarshotError('EARSHOT_ERR_WS_ALREADY_STARTED', `call ${rpc.session?.callId} is live`);
      const start = parseStart(req.start ?? {}, maxTextFrameBytes);
      wanted = start.eventTypes;
      rpc.open(start.spec, (session) => {
        audioInput = createAudioInput(session.audio, { align: false });
        rpc.send({ started: { callId: session.callId } }, 64);
      });
    },
    audio(req) {
      const bytes = req.audio ?? Buffer.alloc(0);
      if (bytes.length > maxFrameBytes) throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `audio message of ${bytes.length} bytes, limit ${maxFrameBytes}`);
      beforeStart('audio');
      rpc.session!.acceptAudio(audioInput!(bytes));
      rpc.checkLag();
    },
    utterance(req) {
      const utterance = parseUtterance(req.utterance ?? {}, maxTextFrameBytes);
      beforeStart('utterance');
      rpc.session!.acceptUtterance(utterance);
    },
    stop() {
      beforeStart('stop');
      rpc.stop();
    },
  };

  return {
    onRequest(req) {
      const kind = req.message;
      if (kind === undefined || !Object.hasOwn(handlers, kind)) {
        throw new EarshotError('EARSHOT_ERR_WS_UNKNOWN_TYPE', 'a StreamCallRequest sets none of start, audio, utterance, stop');
      }
      handlers[kind](req);
    },
    onHalfClose() {
      if (rpc.state === 'awaiting-start') throw new EarshotError('EARSHOT_ERR_WS_MESSAGE_BEFORE_START', 'the request stream ended before start');
      rpc.stop();
    },
    onEvent(event) {
      if (wanted && !wanted.has(event.type)) return;
      const json = eventJson(event);
      rpc.send({ event: { type: event.type, seq: event.seq, atMs: Math.round(event.at), json } }, json.length + 32);
      if (event.type === 'call.ended' && event.endReason === 'stop') {
        rpc.send({ stopped: { callId: event.callId, durationMs: Math.round(event.durationMs), endReason: event.endReason } }, 64);
      }
    },
  };
}

export function serveStreamCall(call: ServerDuplexStream<StreamCallRequest | Malformed, StreamCallResponse>, deps: RpcDeps): void {
  serveCallRpc(call, deps, NATIVE_GRPC_PROTOCOL, (rpc) => streamCallProtocol(rpc, deps));
}
