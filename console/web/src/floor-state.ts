import { alertsFor, applyEvent, elapsedMs, emptyCall, type CallState } from './call-state';
import type { AlertEvent, CallEvent, CallRisk, RiskLevel, Severity } from './events';

/**
 * The supervisor wall's state: every live call on the floor (folded from its call.started, alert, metric and
 * call.ended events, never its utterances), the customer's emotion trend of each, and a feed of the alerts
 * supervisors are told of. DOM-free: the view feeds it events and asks for the ordered, filtered wall.
 */

/** A row of GET /v1/calls. */
export interface CallRow {
  callId: string;
  agentId: string | null;
  metadata: Record<string, unknown>;
  startedAt: number;
  status: 'live' | 'ended';
}

export interface TrendPoint {
  /** Call time (ms). */
  at: number;
  value: number;
}

export interface FloorCall {
  call: CallState;
  /** metric.emotion.customer by call time, the latest TREND_POINTS of them. */
  emotion: TrendPoint[];
  /** Call times of the customer's emotion alerts (raised or repeated): the trend of a call without metrics. */
  emotionAlerts: number[];
  /** Browser clock when the call was seen to end; it leaves the wall ENDED_KEEP_MS later. */
  endedSeenAt: number | null;
  /** Highest seq read over REST: a catch-up reads after it. */
  fetchedSeq: number;
}

export interface FeedEntry {
  /** The alert's latest event. */
  alert: AlertEvent;
  call: FloorCall;
  /** Server clock of its latest raise or repeat: the feed's order. */
  at: number;
}

export interface Floor {
  calls: Map<string, FloorCall>;
  feed: Map<string, FeedEntry>;
  /** Calls that ended and left the wall: late events (a slow catch-up) do not bring them back. */
  gone: Set<string>;
}

export interface FloorFilter {
  /** '' = every team. */
  team: string;
  /** '' = every call, alerts or not. */
  minSeverity: Severity | '';
}

export interface WallTile {
  fc: FloorCall;
  risk: CallRisk;
  team: string | null;
  elapsedMs: number;
  ended: boolean;
}

/** 10 minutes of 5 s metrics. */
export const TREND_POINTS = 120;
export const TREND_STEP_MS = 5000;
/** The window of metric.emotion.customer (engine/detect/emotion-meter.ts). */
export const EMOTION_WINDOW_MS = 30_000;
/** What one customer emotion alert counts for in the fallback trend: the default anger rule's minScore. */
export const EMOTION_ALERT_SCORE = 3;
export const ENDED_KEEP_MS = 10_000;
/** Alerts the feed keeps (the view shows fewer). */
export const FEED_KEEP = 300;

const RISK_LEVELS: readonly RiskLevel[] = ['none', 'low', 'medium', 'high'];
const RISK_RANK: Record<RiskLevel, number> = { none: 0, low: 1, medium: 2, high: 3 };
const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

export function createFloor(): Floor {
  return { calls: new Map(), feed: new Map(), gone: new Set() };
}

function newCall(callId: string): FloorCall {
  return { call: emptyCall(callId), emotion: [], emotionAlerts: [], endedSeenAt: null, fetchedSeq: 0 };
}

/** A live call from the listing (its events are read next); one already known or gone is left as it is. */
export function seedCall(floor: Floor, row: CallRow): FloorCall | null {
  if (floor.gone.has(row.callId) || row.status !== 'live') return null;
  let fc = floor.calls.get(row.callId);
  if (!fc) {
    fc = newCall(row.callId);
    // Until its first event arrives, the call's length runs from its start.
    fc.call = { ...fc.call, agentId: row.agentId, metadata: row.metadata, startedAt: row.startedAt, lastEmittedAt: row.startedAt };
    floor.calls.set(row.callId, fc);
  }
  return fc;
}

function insertByTime(list: number[], at: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > at) i--;
  list.splice(i, 0, at);
}

/** Applies one event (live or from REST, in any order, twice is once); returns whether anything changed. */
export function applyFloorEvent(floor: Floor, e: CallEvent, now: number): boolean {
  if (floor.gone.has(e.callId)) return false;
  let fc = floor.calls.get(e.callId);
  if (!fc) {
    if (e.type === 'call.ended') return false; // never on the wall
    fc = newCall(e.callId);
    floor.calls.set(e.callId, fc);
  }
  const next = applyEvent(fc.call, e);
  if (next === fc.call) return false;
  fc.call = next;
  switch (e.type) {
    case 'metric':
      if (e.emotion) {
        let i = fc.emotion.length;
        while (i > 0 && fc.emotion[i - 1]!.at > e.at) i--;
        fc.emotion.splice(i, 0, { at: e.at, value: e.emotion.customer });
        if (fc.emotion.length > TREND_POINTS) fc.emotion.shift();
      }
      break;
    case 'alert':
      if (e.kind === 'emotion' && e.channel === 'customer' && e.status !== 'resolved') insertByTime(fc.emotionAlerts, e.at);
      if (e.notify.includes('supervisor')) addToFeed(floor, fc, e);
      break;
    case 'call.ended':
      fc.endedSeenAt = now;
      break;
  }
  return true;
}

function addToFeed(floor: Floor, fc: FloorCall, e: AlertEvent): void {
  const prev = floor.feed.get(e.alertId);
  if (prev && prev.alert.seq > e.seq) return;
  if (!prev && e.status === 'resolved') return; // its raise already left the feed
  floor.feed.set(e.alertId, { alert: e, call: fc, at: e.status === 'resolved' && prev ? prev.at : e.emittedAt });
  if (floor.feed.size <= FEED_KEEP) return;
  let oldest: FeedEntry | null = null;
  for (const entry of floor.feed.values()) if (!oldest || entry.at < oldest.at) oldest = entry;
  floor.feed.delete(oldest!.alert.alertId);
}

/** Removes the calls that ended ENDED_KEEP_MS ago or more; returns whether any left. */
export function pruneEnded(floor: Floor, now: number): boolean {
  let changed = false;
  for (const [callId, fc] of floor.calls) {
    if (fc.endedSeenAt !== null && now - fc.endedSeenAt >= ENDED_KEEP_MS) {
      floor.calls.delete(callId);
      floor.gone.add(callId);
      changed = true;
    }
  }
  return changed;
}

export function teamOf(call: CallState): string | null {
  const team = call.metadata.team;
  return typeof team === 'string' || typeof team === 'number' ? String(team) : null;
}

/** Every team on the wall, sorted. */
export function teamsOf(floor: Floor): string[] {
  const teams = new Set<string>();
  for (const fc of floor.calls.values()) {
    const team = teamOf(fc.call);
    if (team !== null) teams.add(team);
  }
  return [...teams].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

/** The call's risk from the alerts supervisors are told of: the engine's, raised by any alert it did not count (lag, keywords). */
export function riskOf(call: CallState): CallRisk {
  const alerts = alertsFor(call, 'supervisor');
  let rank = RISK_RANK[call.risk.level];
  for (const a of alerts) rank = Math.max(rank, SEVERITY_RANK[a.severity]);
  return { level: RISK_LEVELS[rank]!, alerts: Math.max(call.risk.alerts, alerts.length) };
}

const riskMeets = (risk: CallRisk, min: Severity | ''): boolean => min === '' || RISK_RANK[risk.level] >= SEVERITY_RANK[min];

/**
 * The wall: calls of the filter's team whose risk reaches its severity, live ones first, then by risk
 * (high > medium > low > none), alerts supervisors were told of, and length (longest first).
 */
export function wallTiles(floor: Floor, filter: FloorFilter, now: number): WallTile[] {
  const tiles: WallTile[] = [];
  for (const fc of floor.calls.values()) {
    const team = teamOf(fc.call);
    if (filter.team !== '' && team !== filter.team) continue;
    const risk = riskOf(fc.call);
    if (!riskMeets(risk, filter.minSeverity)) continue;
    tiles.push({ fc, risk, team, elapsedMs: elapsedMs(fc.call, now), ended: fc.call.status === 'ended' });
  }
  return tiles.sort(
    (a, b) =>
      Number(a.ended) - Number(b.ended) ||
      RISK_RANK[b.risk.level] - RISK_RANK[a.risk.level] ||
      b.risk.alerts - a.risk.alerts ||
      // Longest first, by start (stable as the clock runs: the wall does not reshuffle every second).
      (a.fc.call.startedAt ?? Number.MAX_SAFE_INTEGER) - (b.fc.call.startedAt ?? Number.MAX_SAFE_INTEGER) ||
      a.fc.call.callId.localeCompare(b.fc.call.callId),
  );
}

/** The feed, newest first: alerts of the filter's team at or above its severity, at most `limit`. */
export function feedEntries(floor: Floor, filter: FloorFilter, limit = 100): FeedEntry[] {
  const out: FeedEntry[] = [];
  for (const entry of floor.feed.values()) {
    if (filter.team !== '' && teamOf(entry.call.call) !== filter.team) continue;
    if (filter.minSeverity !== '' && SEVERITY_RANK[entry.alert.severity] < SEVERITY_RANK[filter.minSeverity]) continue;
    out.push(entry);
  }
  return out.sort((a, b) => b.at - a.at || b.alert.seq - a.alert.seq).slice(0, limit);
}

/** A tile's alerts: those supervisors are told of that are not resolved, most severe first, then newest. */
export function currentAlerts(call: CallState, max = 3): { shown: AlertEvent[]; more: number } {
  const open = alertsFor(call, 'supervisor')
    .filter((a) => a.status !== 'resolved')
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.seq - a.seq);
  return { shown: open.slice(0, max), more: Math.max(0, open.length - max) };
}

/**
 * The customer's emotion trend up to call time `nowMs`: the metrics' `emotion.customer`; for a call without
 * them (a text-only call gets no metrics) the customer's emotion alerts, EMOTION_ALERT_SCORE each, summed over
 * the same 30 s window and sampled every 5 s (flat at 0 while there are none).
 */
export function emotionTrend(fc: FloorCall, nowMs: number): TrendPoint[] {
  if (fc.emotion.length > 0) return fc.emotion;
  const hits = fc.emotionAlerts;
  const end = Math.max(nowMs, hits[hits.length - 1] ?? 0);
  if (end <= 0) return [];
  const first = Math.max(0, Math.ceil(end / TREND_STEP_MS) - TREND_POINTS + 1) * TREND_STEP_MS;
  const points: TrendPoint[] = [];
  for (let at = first; at < end + TREND_STEP_MS; at += TREND_STEP_MS) {
    const t = Math.min(at, end);
    const n = hits.filter((h) => h > t - EMOTION_WINDOW_MS && h <= t).length;
    points.push({ at: t, value: n * EMOTION_ALERT_SCORE });
  }
  return points;
}

export type EmotionLevel = 'calm' | 'upset' | 'angry';
/** A word for the value: 0 calm, below the default anger rule's threshold upset, at or above it angry. */
export function emotionLevel(value: number): EmotionLevel {
  return value <= 0 ? 'calm' : value < EMOTION_ALERT_SCORE ? 'upset' : 'angry';
}
