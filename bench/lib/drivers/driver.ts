/**
 * One telephony protocol seen from the telephony side, for benches and conformance tests: opens a stereo call
 * (customer on channel 0, agent on channel 1) and sends its audio in the protocol's own wire format.
 */
export interface DriverTarget {
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  /** ws://127.0.0.1:PORT */
  wsUrl: string;
  grpcPort: number;
  /** Credential, when the server has API keys. */
  apiKey?: string;
}

export interface DriverCall {
  /** 20 ms of stereo 8 kHz μ-law, interleaved customer/agent (320 bytes). */
  sendFrame(frame: Uint8Array): void;
  /** Ends the call the protocol's way; resolves once the server has acknowledged or closed. */
  stop(): Promise<void>;
}

export interface ProtocolDriver {
  /** The `protocol` the call records (call.started). */
  protocol: string;
  open(target: DriverTarget, callId: string): Promise<DriverCall>;
}
