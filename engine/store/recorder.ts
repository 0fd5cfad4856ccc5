import type { EventBus } from '../bus.js';
import { eventJson } from '../events.js';
import type { Store } from './store.js';

/** Writes every published event to the store. Subscribe it before any other consumer. */
export function recordEvents(bus: EventBus, store: Store): () => void {
  return bus.subscribe({}, (event) => store.appendEvent(event, eventJson(event)));
}
