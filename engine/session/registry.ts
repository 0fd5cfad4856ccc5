import type { Logger } from 'pino';
import type { AnalysisBackend } from '../analysis/backend.js';
import type { AssistFactory } from '../assist/call-assist.js';
import type { RuleService } from '../detect/rule-service.js';
import type { EventBus } from '../bus.js';
import { EarshotError } from '../errors.js';
import { EVENT_VERSION, type CallEndedEvent, type EndReason } from '../events.js';
import type { Store } from '../store/store.js';
import { createCallSession, type CallSession, type CallSpec, type SessionOptions } from './call-session.js';

export interface RegistryOptions extends SessionOptions {
  maxConcurrentCalls: number;
  /** Knowledge assist per call; absent when no knowledge base is loaded. */
  assist?: AssistFactory;
  /** Compliance and service rules; absent: no rule alerts (not even dead air). */
  rules?: RuleService;
}

/** The live calls of this node: admission (limits, unique ids), ending, and recovery after a crash. */
export interface CallRegistry {
  /** Throws EarshotError (duplicate id, stored id, limit, shutting down). */
  open(spec: CallSpec): CallSession;
  get(callId: string): CallSession | undefined;
  readonly liveCount: number;
  /** Ends a live call once its audio is analysed; undefined when no such call is live. */
  end(callId: string, reason: EndReason, error?: { code: string; message: string }): Promise<CallEndedEvent> | undefined;
  /** Ends every live call (server shutdown) and refuses new ones. */
  endAll(reason: EndReason): Promise<void>;
  /** Closes calls a previous process left live (killed mid-call): their stored events are kept, a call.ended is added. */
  recoverInterrupted(): number;
}

export function createCallRegistry(bus: EventBus, store: Store, analysis: AnalysisBackend, options: RegistryOptions, log: Logger): CallRegistry {
  const live = new Map<string, CallSession>();
  let closing = false;

  return {
    open(spec) {
      if (closing) throw new EarshotError('EARSHOT_ERR_SHUTTING_DOWN');
      if (live.has(spec.callId)) throw new EarshotError('EARSHOT_ERR_CALL_DUPLICATE_ID', `callId "${spec.callId}"`);
      if (store.hasCall(spec.callId)) throw new EarshotError('EARSHOT_ERR_CALL_ID_TAKEN', `callId "${spec.callId}"`);
      if (live.size >= options.maxConcurrentCalls) {
        throw new EarshotError('EARSHOT_ERR_CALL_LIMIT', `limit is ${options.maxConcurrentCalls}`);
      }
      const session = createCallSession(spec, options, {
        publish: (event) => bus.publish(event),
        analysis,
        ...(options.assist ? { assist: options.assist(spec.callId) } : {}),
        ...(options.rules ? { rules: (emit) => options.rules!.detector(spec.callId, emit, { channels: spec.audio.channelRoles }) } : {}),
        now: Date.now,
        log: log.child({ callId: spec.callId }),
      });
      live.set(spec.callId, session);
      return session;
    },
    get: (callId) => live.get(callId),
    get liveCount() {
      return live.size;
    },
    end(callId, reason, error) {
      const session = live.get(callId);
      if (!session) return undefined;
      // Leaves the live set at once (the id may not be reused meanwhile: the store already holds it).
      live.delete(callId);
      return session.end(reason, error);
    },
    async endAll(reason) {
      closing = true;
      await Promise.all([...live.keys()].map((callId) => this.end(callId, reason)));
    },
    recoverInterrupted() {
      const open = store.liveCalls();
      for (const call of open) {
        const last = store.listEvents(call.callId, { afterSeq: call.lastSeq - 1, limit: 1 })[0];
        const durationMs = last?.at ?? 0;
        bus.publish({
          v: EVENT_VERSION, type: 'call.ended', callId: call.callId, seq: call.lastSeq + 1, at: durationMs,
          emittedAt: Date.now(), durationMs, endReason: 'server-restart', channels: {},
        });
        log.warn({ callId: call.callId }, 'call left open by a previous run closed on start-up');
      }
      return open.length;
    },
  };
}
