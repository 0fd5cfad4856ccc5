import { EarshotError } from '../engine/errors.js';

/**
 * Message-rate limit of one connection: a token bucket of `perSecond` messages with a burst of two
 * seconds' worth (a sender catching up after a network stall). `take()` throws EARSHOT_ERR_RATE_LIMITED.
 */
export interface RateLimiter {
  take(now?: number): void;
}

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  const burst = perSecond * 2;
  let tokens = burst;
  let last = now();
  return {
    take(at = now()) {
      tokens = Math.min(burst, tokens + ((at - last) / 1000) * perSecond);
      last = at;
      if (tokens < 1) throw new EarshotError('EARSHOT_ERR_RATE_LIMITED', `more than ${perSecond} messages a second`);
      tokens -= 1;
    },
  };
}
