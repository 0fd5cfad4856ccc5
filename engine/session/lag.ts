/**
 * Watches how far a call's analysis trails its audio. Past the limit it raises one warning; it resolves
 * once the lag falls under half the limit (hysteresis, so a call hovering at the limit does not flap).
 * Nothing is ever dropped: the warning is the signal to add workers.
 */
export interface LagMonitor {
  observe(lagMs: number, nowMs: number): void;
  finish(nowMs: number): void;
}

export function createLagMonitor(limitMs: number, report: (status: 'raised' | 'resolved', lagMs: number, nowMs: number) => void): LagMonitor {
  let raised = false;
  return {
    observe(lagMs, nowMs) {
      if (!raised && lagMs > limitMs) {
        raised = true;
        report('raised', lagMs, nowMs);
      } else if (raised && lagMs < limitMs / 2) {
        raised = false;
        report('resolved', lagMs, nowMs);
      }
    },
    finish(nowMs) {
      if (raised) report('resolved', 0, nowMs);
      raised = false;
    },
  };
}
