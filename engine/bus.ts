import type { Logger } from 'pino';
import { toError } from './errors.js';
import type { CallEvent, CallEventType } from './events.js';

export interface EventFilter {
  callId?: string;
  types?: readonly CallEventType[];
}
export type EventHandler = (event: CallEvent) => void;

/** DESIGN.md EventBus: in-process by default; a NATS JetStream bus implements the same port. */
export interface EventBus {
  publish(event: CallEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(filter: EventFilter, handler: EventHandler): () => void;
}

interface Subscription {
  callId: string | undefined;
  types: ReadonlySet<CallEventType> | undefined;
  handler: EventHandler;
}

/**
 * Synchronous in-process bus: handlers run in subscription order (the store subscribes first, so an
 * event is on disk before any socket sees it). A throwing handler is logged and never reaches the
 * publisher or the other handlers.
 */
export function createInProcessBus(log: Logger): EventBus {
  let subs: Subscription[] = [];
  return {
    publish(event) {
      for (const sub of subs) {
        if (sub.callId !== undefined && sub.callId !== event.callId) continue;
        if (sub.types !== undefined && !sub.types.has(event.type)) continue;
        try {
          sub.handler(event);
        } catch (err) {
          log.error({ err: toError(err), callId: event.callId, eventType: event.type }, 'event handler failed');
        }
      }
    },
    subscribe(filter, handler) {
      const sub: Subscription = {
        callId: filter.callId,
        types: filter.types ? new Set(filter.types) : undefined,
        handler,
      };
      // Copy on write: a handler that unsubscribes during publish does not disturb the loop.
      subs = [...subs, sub];
      return () => {
        subs = subs.filter((s) => s !== sub);
      };
    },
  };
}
