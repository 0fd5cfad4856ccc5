import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api';
import { applyEvent, applyEvents, emptyCall, type CallState } from './call-state';
import type { CallEvent } from './events';
import { subscribe, type LiveStatus } from './live';

const PAGE = 1000;

/** Every stored event of a call after `afterSeq`, page by page. */
export async function fetchCallEvents(callId: string, afterSeq = 0): Promise<CallEvent[]> {
  const out: CallEvent[] = [];
  for (let after = afterSeq; ; ) {
    const page = await getJson<{ events: CallEvent[] }>(`/v1/calls/${encodeURIComponent(callId)}/events?afterSeq=${after}&limit=${PAGE}`);
    out.push(...page.events);
    if (page.events.length < PAGE) return out;
    after = page.events[page.events.length - 1]!.seq;
  }
}

export interface LiveCall {
  call: CallState | null;
  status: LiveStatus;
  error: string | null;
}

/**
 * One call, live: subscribes to its events first, then reads what was stored before (and again after every
 * reconnect), folding both into one CallState. Renders are batched to one per animation frame.
 */
export function useLiveCall(callId: string | null): LiveCall {
  const [, setTick] = useState(0);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [error, setError] = useState<string | null>(null);
  const state = useRef<CallState | null>(null);

  useEffect(() => {
    if (!callId) {
      state.current = null;
      setTick((n) => n + 1);
      return;
    }
    state.current = emptyCall(callId);
    let frame = 0;
    let alive = true;
    const render = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (alive) setTick((n) => n + 1);
      });
    };
    const catchUp = (): void => {
      fetchCallEvents(callId)
        .then((events) => {
          if (!alive || !state.current) return;
          state.current = applyEvents(state.current, events);
          setError(null);
          render();
        })
        .catch((err: Error) => alive && setError(err.message));
    };
    const stop = subscribe(
      { callId },
      (e) => {
        if (!state.current) return;
        state.current = applyEvent(state.current, e);
        render();
      },
      setStatus,
      catchUp,
    );
    setTick((n) => n + 1);
    return () => {
      alive = false;
      cancelAnimationFrame(frame);
      stop();
    };
  }, [callId]);

  return { call: state.current, status, error };
}

/** Re-renders every `ms` (call timers). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

const secondListeners = new Set<(now: number) => void>();
let secondTimer: ReturnType<typeof setInterval> | undefined;

/**
 * The wall clock, once a second, from ONE timer shared by every component that uses it (a wall of 200 call
 * timers re-renders 200 text nodes, not 200 tiles).
 */
export function useSecond(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    secondListeners.add(setNow);
    secondTimer ??= setInterval(() => {
      const t = Date.now();
      for (const l of secondListeners) l(t);
    }, 1000);
    return () => {
      secondListeners.delete(setNow);
      if (secondListeners.size === 0) {
        clearInterval(secondTimer);
        secondTimer = undefined;
      }
    };
  }, []);
  return now;
}
