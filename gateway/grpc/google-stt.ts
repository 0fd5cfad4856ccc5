import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { unitsToSyllables } from '../../engine/asr/pinyin.js';
import { EarshotError } from '../../engine/errors.js';
import type { UtteranceEvent } from '../../engine/events.js';
import { createAudioInput } from './audio-input.js';
import { serveCallRpc, type CallRpc, type RpcDeps, type RpcProtocol } from './call-rpc.js';
import { CALL_ID_HEADER, parseStreamingConfig, type GoogleCall } from './google-config.js';
import type { Duration, Malformed, StreamingRecognitionResult, StreamingRecognizeRequest, StreamingRecognizeResponse } from './messages.js';

export const GOOGLE_STT_PROTOCOL = 'google-stt-grpc';

export function duration(ms: number): Duration {
  const whole = Math.max(0, Math.round(ms));
  return { seconds: Math.floor(whole / 1000), nanos: (whole % 1000) * 1_000_000 };
}

/** An utterance event as Google's result: the utterance text (pinyin, with the embedded pinyin model). */
export function toResult(e: UtteranceEvent, call: GoogleCall, channelTag: number): StreamingRecognitionResult {
  // Words: the recogniser's units joined into syllables (pinyin initial + final; a hanzi model's characters stay as they are).
  const syllables = call.wordTimeOffsets ? unitsToSyllables(e.tokens ?? []) : [];
  const words = call.wordTimeOffsets
    ? syllables.map((s, i) => ({ word: s.tonal, startTime: duration(s.startMs), endTime: duration(syllables[i + 1]?.startMs ?? e.endMs) }))
    : undefined;
  return {
    alternatives: [{ transcript: e.text, ...(words ? { words } : {}) }],
    isFinal: e.type === 'utterance.final',
    resultEndTime: duration(e.endMs),
    channelTag,
    ...(call.languageCode ? { languageCode: call.languageCode } : {}),
  };
}

/**
 * `google.cloud.speech.v1.Speech/StreamingRecognize`, for telephony modules written for Google's speech API:
 * `streaming_config` opens an Earshot call (google-config.ts), `audio_content` is its audio, the client
 * closing its side ends it (`stop`). Earshot runs its whole pipeline on the call (alerts, suggestions, QA
 * reach the console and /v1/events as for any call); the stream returns its transcripts as Google results,
 * finals and, with `interim_results`, partials. The response headers carry the call id (x-earshot-call-id).
 */
function googleProtocol(rpc: CallRpc<StreamingRecognizeResponse>, deps: RpcDeps): RpcProtocol<StreamingRecognizeRequest> {
  let call: GoogleCall | null = null;
  let audioInput: ((bytes: Uint8Array) => Uint8Array) | null = null;
  /** single_utterance: its one final result was sent. */
  let utteranceDone = false;

  return {
    onRequest(req) {
      switch (req.streamingRequest) {
        case 'streamingConfig': {
          if (rpc.state !== 'awaiting-start') throw new EarshotError('EARSHOT_ERR_WS_ALREADY_STARTED', 'streaming_config is only the first message');
          const google = parseStreamingConfig(req.streamingConfig, rpc.metadata);
          rpc.open(google.spec, (session) => {
            call = google;
            audioInput = createAudioInput(session.audio, { align: true });
            const headers = new Metadata();
            headers.set(CALL_ID_HEADER, session.callId);
            rpc.sendMetadata(headers);
          });
          return;
        }
        case 'audioContent': {
          const bytes = req.audioContent ?? Buffer.alloc(0);
          if (bytes.length > deps.limits.maxFrameBytes) {
            throw new EarshotError('EARSHOT_ERR_WS_FRAME_TOO_LARGE', `audio_content of ${bytes.length} bytes, limit ${deps.limits.maxFrameBytes}`);
          }
          if (rpc.state === 'awaiting-start') throw new EarshotError('EARSHOT_ERR_WS_AUDIO_BEFORE_START', 'the first message must be streaming_config');
          const audio = audioInput!(bytes);
          if (audio.length > 0) rpc.session!.acceptAudio(audio);
          rpc.checkLag();
          return;
        }
        default:
          throw new EarshotError('EARSHOT_ERR_WS_UNKNOWN_TYPE', 'a StreamingRecognizeRequest sets neither streaming_config nor audio_content');
      }
    },
    onHalfClose() {
      if (rpc.state === 'awaiting-start') throw new EarshotError('EARSHOT_ERR_WS_MESSAGE_BEFORE_START', 'the request stream ended before streaming_config');
      rpc.stop();
    },
    onEvent(e) {
      // After the client's end of audio (state 'ending') the call's last finals still arrive here, and go out.
      if ((e.type !== 'utterance.final' && e.type !== 'utterance.partial') || !call || utteranceDone) return;
      const tag = call.channelTags.get(e.channel);
      const final = e.type === 'utterance.final';
      if (tag === undefined || (!final && !call.interimResults) || e.text.trim() === '') return;
      const result = toResult(e, call, tag);
      const bytes = 96 + Buffer.byteLength(e.text) * 2;
      if (final && call.singleUtterance) {
        // Google's order: the event, then the final result; later audio is not analysed.
        utteranceDone = true;
        rpc.send({ speechEventType: 'END_OF_SINGLE_UTTERANCE', speechEventTime: duration(e.endMs) }, 32);
        rpc.send({ results: [result] }, bytes);
        rpc.stop();
        return;
      }
      rpc.send({ results: [result] }, bytes);
    },
  };
}

export function serveStreamingRecognize(call: ServerDuplexStream<StreamingRecognizeRequest | Malformed, StreamingRecognizeResponse>, deps: RpcDeps): void {
  serveCallRpc(call, deps, GOOGLE_STT_PROTOCOL, (rpc) => googleProtocol(rpc, deps));
}
