import { describe, expect, it } from 'vitest';
import type { AlertEvent, CallEndedEvent, CallStartedEvent, MetricEvent, Severity } from './events';
import {
  applyFloorEvent, createFloor, currentAlerts, EMOTION_ALERT_SCORE, emotionLevel, emotionTrend, ENDED_KEEP_MS, feedEntries, FEED_KEEP,
  pruneEnded, seedCall, teamsOf, wallTiles, type Floor, type FloorFilter,
} from './floor-state';

const NOW = 1_700_000_000_000;
const all: FloorFilter = { team: '', minSeverity: '' };

function started(callId: string, agentId: string, team: string, startedAt = NOW - 60_000): CallStartedEvent {
  return {
    v: 1, type: 'call.started', callId, seq: 1, at: 0, emittedAt: startedAt, agentId, protocol: 'native',
    audio: { sampleRate: 8000, encoding: 'mulaw', channels: 2, channelRoles: ['customer', 'agent'] }, metadata: { team }, startedAt,
  };
}
function alert(callId: string, seq: number, severity: Severity, extra: Partial<AlertEvent> = {}): AlertEvent {
  return {
    v: 1, type: 'alert', callId, seq, at: seq * 1000, emittedAt: NOW - 30_000 + seq, alertId: `${callId}:r${seq}`, ruleId: `r${seq}`, kind: 'phrase', severity,
    channel: 'agent', status: 'raised', startMs: seq * 1000, endMs: null, durationMs: 0, message: `m${seq}`, notify: ['agent', 'supervisor'], ...extra,
  };
}
function metric(callId: string, seq: number, at: number, emotion?: number): MetricEvent {
  return {
    v: 1, type: 'metric', callId, seq, at, emittedAt: NOW, channels: {}, bothSilentMs: 0, lagMs: 0, ...(emotion !== undefined ? { emotion: { customer: emotion } } : {}),
  };
}
function ended(callId: string, seq: number): CallEndedEvent {
  return { v: 1, type: 'call.ended', callId, seq, at: 90_000, emittedAt: NOW, durationMs: 90_000, endReason: 'stop', channels: {} };
}

function floorOf(...events: Parameters<typeof applyFloorEvent>[1][]): Floor {
  const floor = createFloor();
  for (const e of events) applyFloorEvent(floor, e, NOW);
  return floor;
}
const ids = (floor: Floor, filter = all, now = NOW) => wallTiles(floor, filter, now).map((t) => t.fc.call.callId);

describe('supervisor floor state', () => {
  it('orders the wall by risk, then alerts supervisors were told of, then the longest call (earliest start)', () => {
    const floor = floorOf(
      started('calm-long', 'a1', 'A', NOW - 600_000),
      started('calm-short', 'a2', 'A', NOW - 60_000),
      started('warn-1', 'a3', 'B'),
      alert('warn-1', 2, 'warning'),
      started('warn-2', 'a4', 'B'),
      alert('warn-2', 2, 'warning'),
      alert('warn-2', 3, 'info'),
      started('crit', 'a5', 'A'),
      alert('crit', 2, 'critical'),
      started('agent-only', 'a6', 'A', NOW - 32_000),
      alert('agent-only', 2, 'critical', { notify: ['agent'] }), // not the supervisor's: no risk on the wall
    );
    expect(ids(floor)).toEqual(['crit', 'warn-2', 'warn-1', 'calm-long', 'calm-short', 'agent-only']); // calm-short: 60 s, agent-only: 32 s
    expect(wallTiles(floor, all, NOW)[0]).toMatchObject({ risk: { level: 'high', alerts: 1 }, team: 'A', ended: false });
  });

  it('filters the wall and the feed by team and by minimum severity', () => {
    const floor = floorOf(
      started('c1', 'a1', 'A'), alert('c1', 2, 'critical'), alert('c1', 3, 'info'),
      started('c2', 'a2', 'B'), alert('c2', 2, 'warning'),
      started('c3', 'a3', 'B'),
    );
    expect(ids(floor, { team: 'B', minSeverity: '' })).toEqual(['c2', 'c3']);
    expect(ids(floor, { team: '', minSeverity: 'warning' })).toEqual(['c1', 'c2']);
    expect(ids(floor, { team: 'B', minSeverity: 'critical' })).toEqual([]);
    expect(feedEntries(floor, { team: 'A', minSeverity: '' }).map((f) => f.alert.alertId)).toEqual(['c1:r3', 'c1:r2']);
    expect(feedEntries(floor, { team: '', minSeverity: 'warning' }).map((f) => f.alert.alertId)).toEqual(['c1:r2', 'c2:r2']);
    expect(teamsOf(floor)).toEqual(['A', 'B']);
  });

  it('applies an event seen twice once, and keeps the feed newest first with one entry per alert', () => {
    const raised = alert('c1', 2, 'warning');
    const updated = { ...raised, seq: 4, status: 'updated' as const, occurrences: 2, emittedAt: raised.emittedAt + 50 };
    const floor = createFloor();
    expect(applyFloorEvent(floor, started('c1', 'a1', 'A'), NOW)).toBe(true);
    expect(applyFloorEvent(floor, raised, NOW)).toBe(true);
    expect(applyFloorEvent(floor, alert('c1', 3, 'info'), NOW)).toBe(true);
    expect(applyFloorEvent(floor, updated, NOW)).toBe(true);
    expect(applyFloorEvent(floor, raised, NOW)).toBe(false); // the REST catch-up repeating the socket
    const feed = feedEntries(floor, all);
    expect(feed.map((f) => [f.alert.alertId, f.alert.status])).toEqual([['c1:r2', 'updated'], ['c1:r3', 'raised']]);
    expect(feed[0]!.call.call.agentId).toBe('a1');
  });

  it('keeps the feed to its cap, dropping the oldest', () => {
    const floor = createFloor();
    for (let i = 1; i <= FEED_KEEP + 5; i++) applyFloorEvent(floor, alert('c1', i + 1, 'info'), NOW);
    expect(floor.feed.size).toBe(FEED_KEEP);
    expect(floor.feed.has('c1:r2')).toBe(false);
    expect(feedEntries(floor, all, 10)).toHaveLength(10);
  });

  it('shows a tile the open alerts, most severe first, and counts the rest', () => {
    const floor = floorOf(
      started('c1', 'a1', 'A'),
      alert('c1', 2, 'info'), alert('c1', 3, 'warning'), alert('c1', 4, 'critical'), alert('c1', 5, 'warning'),
      alert('c1', 6, 'warning', { alertId: 'c1:r3', status: 'resolved' }),
    );
    const { shown, more } = currentAlerts(floor.calls.get('c1')!.call, 2);
    expect(shown.map((a) => a.alertId)).toEqual(['c1:r4', 'c1:r5']);
    expect(more).toBe(1); // c1:r2; c1:r3 is resolved
  });

  it('greys an ended call, then takes it off the wall for good', () => {
    const floor = floorOf(started('c1', 'a1', 'A'), started('c2', 'a2', 'A'), ended('c1', 9));
    expect(wallTiles(floor, all, NOW).map((t) => [t.fc.call.callId, t.ended])).toEqual([['c2', false], ['c1', true]]);
    expect(pruneEnded(floor, NOW + ENDED_KEEP_MS - 1)).toBe(false);
    expect(pruneEnded(floor, NOW + ENDED_KEEP_MS)).toBe(true);
    expect(ids(floor)).toEqual(['c2']);
    // A slow catch-up must not bring it back.
    expect(applyFloorEvent(floor, alert('c1', 3, 'critical'), NOW)).toBe(false);
    expect(seedCall(floor, { callId: 'c1', agentId: 'a1', metadata: {}, startedAt: NOW, status: 'live' })).toBeNull();
    expect(ids(floor)).toEqual(['c2']);
  });

  it('seeds a call from the listing, its length running from its start until events arrive', () => {
    const floor = createFloor();
    seedCall(floor, { callId: 'c1', agentId: 'a1', metadata: { team: '一组' }, startedAt: NOW - 65_000, status: 'live' });
    expect(wallTiles(floor, all, NOW)[0]).toMatchObject({ team: '一组', elapsedMs: 65_000 });
    expect(applyFloorEvent(floor, ended('c9', 3), NOW)).toBe(false); // an end of a call never seen
    expect(floor.calls.has('c9')).toBe(false);
  });

  it('takes the emotion trend from the metrics, in call-time order', () => {
    const floor = floorOf(started('c1', 'a1', 'A'), metric('c1', 5, 10_000, 4.5), metric('c1', 3, 5000, 0), metric('c1', 8, 15_000, 3));
    expect(emotionTrend(floor.calls.get('c1')!, 16_000)).toEqual([{ at: 5000, value: 0 }, { at: 10_000, value: 4.5 }, { at: 15_000, value: 3 }]);
  });

  it('falls back to the customer emotion alerts for a call without metrics (text-only)', () => {
    const floor = floorOf(
      started('c1', 'a1', 'A'),
      alert('c1', 2, 'warning', { kind: 'emotion', channel: 'customer', at: 53_000 }),
      alert('c1', 3, 'critical', { kind: 'emotion', channel: 'customer', at: 53_000 }),
      alert('c1', 4, 'warning', { kind: 'emotion', channel: 'agent', at: 60_000 }), // not the customer
    );
    const trend = emotionTrend(floor.calls.get('c1')!, 90_000);
    const at = (ms: number) => trend.find((p) => p.at === ms)?.value;
    expect(at(50_000)).toBe(0);
    expect(at(55_000)).toBe(2 * EMOTION_ALERT_SCORE);
    expect(at(80_000)).toBe(2 * EMOTION_ALERT_SCORE);
    expect(at(85_000)).toBe(0);
    expect(trend[trend.length - 1]).toEqual({ at: 90_000, value: 0 });
    const calm = floorOf(started('c2', 'a2', 'A')).calls.get('c2')!;
    expect(emotionTrend(calm, 12_000)).toEqual([{ at: 0, value: 0 }, { at: 5000, value: 0 }, { at: 10_000, value: 0 }, { at: 12_000, value: 0 }]);
    expect(emotionTrend(calm, 0)).toEqual([]);
  });

  it('names the emotion value', () => {
    expect([0, 1, 3, 7].map(emotionLevel)).toEqual(['calm', 'upset', 'angry', 'angry']);
  });
});
