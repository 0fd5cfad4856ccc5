import { describe, expect, it } from 'vitest';
import { createDeadAirTracker } from './dead-air.js';

function track(threshold = 8000) {
  const log: string[] = [];
  const tracker = createDeadAirTracker(threshold, {
    onRaised: (s, now) => log.push(`raised #${s.index} from ${s.startMs} at ${now}`),
    onResolved: (s, end, now) => log.push(`resolved #${s.index} ${s.startMs}-${end} at ${now}`),
  });
  return { tracker, log };
}

describe('dead-air tracker', () => {
  it('raises once per silent stretch when every channel is silent past the threshold, and resolves on speech', () => {
    const { tracker, log } = track();
    tracker.speechStarted('customer', 500, 540);
    tracker.speechEnded('customer', 3000);
    for (let t = 3300; t <= 14000; t += 20) tracker.advance(t);
    tracker.speechStarted('agent', 13000, 13040);
    expect(log).toEqual(['raised #1 from 3000 at 11000', 'resolved #1 3000-13000 at 13040']);
    expect(tracker.silentMs(14000)).toBe(500 + 10000);
  });

  it('is not dead air while one channel still speaks', () => {
    const { tracker, log } = track();
    tracker.speechStarted('customer', 0, 40);
    tracker.speechStarted('agent', 100, 140);
    tracker.speechEnded('customer', 1000);
    for (let t = 1000; t <= 20000; t += 20) tracker.advance(t);
    expect(log).toEqual([]);
  });

  it('counts the start of the call and resolves an open stretch at call end', () => {
    const { tracker, log } = track();
    for (let t = 0; t <= 9000; t += 20) tracker.advance(t);
    tracker.finish(9500);
    expect(log).toEqual(['raised #1 from 0 at 8000', 'resolved #1 0-9500 at 9500']);
  });

  it('takes the later end when channels stop speaking one after the other', () => {
    const { tracker, log } = track(1000);
    tracker.speechStarted('customer', 0, 40);
    tracker.speechStarted('agent', 0, 40);
    tracker.speechEnded('agent', 2000);
    tracker.speechEnded('customer', 1500);
    tracker.advance(2900);
    tracker.advance(3000);
    expect(log).toEqual(['raised #1 from 2000 at 3000']);
  });
});
