import type { CallEvent, CallEventType } from './events';

export type LiveStatus = 'connecting' | 'open' | 'closed';

export interface LiveQuery {
  callId?: string;
  types?: readonly CallEventType[];
}

/**
 * Subscribes to `ws(s)://<host>/v1/events` and keeps the subscription: a dropped socket (server restart,
 * slow-consumer close) is reopened with a growing delay. `onOpen` runs on every (re)open so a view can catch
 * up on what it missed from the REST API; events are deduplicated by the view (callId + seq).
 */
export function subscribe(q: LiveQuery, onEvent: (e: CallEvent) => void, onStatus: (s: LiveStatus) => void = () => {}, onOpen: () => void = () => {}): () => void {
  let socket: WebSocket | null = null;
  let stopped = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const params = new URLSearchParams();
  if (q.callId) params.set('callId', q.callId);
  if (q.types?.length) params.set('types', q.types.join(','));
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/events${params.size ? `?${params}` : ''}`;

  const open = (): void => {
    onStatus('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      delay = 500;
      onStatus('open');
      onOpen();
    };
    ws.onmessage = (m) => {
      try {
        onEvent(JSON.parse(String(m.data)) as CallEvent);
      } catch (err) {
        console.warn('earshot: unreadable event', err);
      }
    };
    ws.onclose = () => {
      if (stopped) return;
      onStatus('closed');
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}
