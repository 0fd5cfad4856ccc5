import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from '../api';
import { alertsFor, elapsedMs } from '../call-state';
import { AlertItem } from '../components/alert-item';
import { CallTile } from '../components/call-tile';
import { ConnectionBadge } from '../components/connection';
import { SeverityBadge } from '../components/severity';
import { Transcript } from '../components/transcript';
import type { CallEvent, CallEventType, Severity } from '../events';
import { applyFloorEvent, createFloor, feedEntries, pruneEnded, seedCall, teamOf, teamsOf, TREND_STEP_MS, wallTiles, type CallRow, type FeedEntry, type FloorFilter } from '../floor-state';
import { clock, duration } from '../format';
import { messages, useT } from '../i18n';
import { common } from '../labels';
import type { LiveStatus } from '../live';
import { subscribe } from '../live';
import { useLiveCall, useNow } from '../use-call';
import './supervisor.css';
import { AlertText } from '../components/alert-text';

const m = messages({
  zh: {
    title: '班长监控墙', wall: '进行中的通话（{n} 通）', feed: '全场告警', filters: '筛选', team: '班组', allTeams: '全部班组',
    minSeverity: '告警级别', allSeverities: '全部通话', atLeast: '{s}及以上', shown: '显示 {n} / {total} 通',
    noCalls: '当前没有进行中的通话。', noMatch: '没有符合筛选条件的通话。', noAlerts: '暂无告警。', loadError: '加载失败：{e}',
    noAgent: '（无工号）', openCall: '查看通话', close: '关闭', callAlerts: '本通告警', transcript: '通话转写', noCallAlerts: '本通暂无告警。',
    drawer: '通话详情', callInfo: '通话 {id} · 时长 {d}',
  },
  en: {
    title: 'Supervisor wall', wall: 'Live calls ({n})', feed: 'Alerts across the floor', filters: 'Filters', team: 'Team', allTeams: 'All teams',
    minSeverity: 'Alert level', allSeverities: 'All calls', atLeast: '{s} and above', shown: 'Showing {n} of {total} calls',
    noCalls: 'No live calls right now.', noMatch: 'No call matches the filters.', noAlerts: 'No alerts yet.', loadError: 'Could not load: {e}',
    noAgent: '(no agent ID)', openCall: 'Open call', close: 'Close', callAlerts: 'Alerts in this call', transcript: 'Transcript', noCallAlerts: 'No alerts in this call yet.',
    drawer: 'Call details', callInfo: 'Call {id} · {d}',
  },
});

/** The wall's socket: no utterances, so that it scales to a floor of a few hundred calls. */
const WALL_TYPES: readonly CallEventType[] = ['call.started', 'call.ended', 'alert', 'metric'];
const PAGE = 1000;
/** Calls read at once while catching up. */
const PARALLEL = 6;
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** A call's stored wall events after `afterSeq`, page by page. */
async function fetchWallEvents(callId: string, afterSeq: number): Promise<CallEvent[]> {
  const out: CallEvent[] = [];
  for (let after = afterSeq; ; ) {
    const page = await getJson<{ events: CallEvent[] }>(`/v1/calls/${encodeURIComponent(callId)}/events?types=${WALL_TYPES.join(',')}&afterSeq=${after}&limit=${PAGE}`);
    out.push(...page.events);
    if (page.events.length < PAGE) return out;
    after = page.events[page.events.length - 1]!.seq;
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Every live call on the floor, riskiest first, with a feed of the alerts supervisors are told of. One socket
 * for the whole floor; on every (re)open the live calls and their stored events are read again (after what
 * was read before), events are deduplicated by callId + seq, and renders are batched per animation frame.
 */
export function SupervisorView() {
  const t = useT(m);
  const c = useT(common);
  const floor = useRef(createFloor()).current;
  const [, setTick] = useState(0);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<FloorFilter>({ team: '', minSeverity: '' });
  const [selected, setSelected] = useState<string | null>(null);
  // The wall itself re-renders on events and every 5 s (ended calls leave it, emotion trends step); each
  // tile's duration ticks on its own.
  const now = useNow(TREND_STEP_MS);

  useEffect(() => {
    let alive = true;
    let frame = 0;
    const render = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (alive) setTick((n) => n + 1);
      });
    };
    const catchUp = async (): Promise<void> => {
      try {
        // Calls already on the wall are read again too: one that ended while the socket was down gets its call.ended.
        const known = [...floor.calls.values()].filter((fc) => fc.call.status === 'live').map((fc) => fc.call.callId);
        const { calls } = await getJson<{ calls: CallRow[] }>('/v1/calls?status=live&limit=500');
        if (!alive) return;
        for (const row of calls) seedCall(floor, row);
        render();
        await eachLimited([...new Set([...calls.map((r) => r.callId), ...known])], PARALLEL, async (callId) => {
          const fc = floor.calls.get(callId);
          if (!fc) return;
          const events = await fetchWallEvents(callId, fc.fetchedSeq).catch(() => [] as CallEvent[]);
          if (!alive) return;
          const at = Date.now();
          for (const e of events) {
            applyFloorEvent(floor, e, at);
            fc.fetchedSeq = Math.max(fc.fetchedSeq, e.seq);
          }
          render();
        });
        if (!alive) return;
        setError(null);
        setLoaded(true);
      } catch (err) {
        if (alive) setError((err as Error).message);
      }
    };
    const stop = subscribe(
      { types: WALL_TYPES },
      (e) => {
        if (applyFloorEvent(floor, e, Date.now())) render();
      },
      setStatus,
      () => void catchUp(),
    );
    return () => {
      alive = false;
      cancelAnimationFrame(frame);
      stop();
    };
  }, [floor]);

  useEffect(() => {
    if (pruneEnded(floor, now)) setTick((n) => n + 1);
  }, [floor, now]);

  const lastTile = useRef<string | null>(null);
  const open = useCallback((callId: string): void => {
    lastTile.current = callId;
    setSelected(callId);
  }, []);
  const close = useCallback((): void => {
    setSelected(null);
    const id = lastTile.current;
    if (id) requestAnimationFrame(() => document.querySelector<HTMLElement>(`.sv-tile[data-call-id="${CSS.escape(id)}"] button`)?.focus());
  }, []);

  const tiles = wallTiles(floor, filter, now);
  const feed = feedEntries(floor, filter);
  const teams = teamsOf(floor);
  if (filter.team !== '' && !teams.includes(filter.team)) teams.push(filter.team);
  const total = floor.calls.size;

  return (
    <main class="sv-page">
      <div class="sv-header">
        <h1 class="page-title">{t('title')}</h1>
        <ConnectionBadge status={status} />
        <form class="filters sv-filters" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('team')}
            <select value={filter.team} onChange={(e) => setFilter({ ...filter, team: e.currentTarget.value })}>
              <option value="">{t('allTeams')}</option>
              {teams.map((team) => (
                <option key={team} value={team}>
                  {team}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('minSeverity')}
            <select value={filter.minSeverity} onChange={(e) => setFilter({ ...filter, minSeverity: e.currentTarget.value as Severity | '' })}>
              <option value="">{t('allSeverities')}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s === 'critical' ? c(s) : t('atLeast', { s: c(s) })}
                </option>
              ))}
            </select>
          </label>
          <span class="muted" aria-live="polite">
            {t('shown', { n: tiles.length, total })}
          </span>
        </form>
      </div>
      {error && <p class="error">{t('loadError', { e: error })}</p>}
      <div class="sv-layout">
        <section class="sv-wall-box" aria-labelledby="sv-wall-title">
          <h2 id="sv-wall-title" class="sv-h2">
            {t('wall', { n: tiles.filter((x) => !x.ended).length })}
          </h2>
          {!loaded && total === 0 && <p class="empty">{c('loading')}</p>}
          {loaded && total === 0 && <p class="empty">{t('noCalls')}</p>}
          {total > 0 && tiles.length === 0 && <p class="empty">{t('noMatch')}</p>}
          <ul class="sv-wall" aria-labelledby="sv-wall-title">
            {tiles.map((tile) => (
              <CallTile key={tile.fc.call.callId} tile={tile} selected={selected === tile.fc.call.callId} onOpen={open} />
            ))}
          </ul>
        </section>
        <section class="panel sv-feed-box" aria-labelledby="sv-feed-title">
          <h2 id="sv-feed-title">{t('feed')}</h2>
          {feed.length === 0 && <p class="empty">{t('noAlerts')}</p>}
          <div class="sv-feed" role="log" aria-live="polite" aria-labelledby="sv-feed-title">
            <ol class="plain">
              {feed.map((entry) => (
                <FeedItem key={entry.alert.alertId} entry={entry} onOpen={open} />
              ))}
            </ol>
          </div>
        </section>
      </div>
      {selected && <CallDrawer callId={selected} onClose={close} />}
    </main>
  );
}

function FeedItem({ entry, onOpen }: { entry: FeedEntry; onOpen: (callId: string) => void }) {
  const t = useT(m);
  const c = useT(common);
  const { alert, call } = entry;
  const team = teamOf(call.call);
  return (
    <li class="sv-feed-item" data-severity={alert.severity} data-call-id={alert.callId} data-rule={alert.ruleId} data-alert-id={alert.alertId} data-seq={alert.seq}>
      <button type="button" onClick={() => onOpen(alert.callId)} title={t('openCall')}>
        <span class="row">
          <SeverityBadge severity={alert.severity} />
          <strong>{call.call.agentId ?? t('noAgent')}</strong>
          {team && <span class="muted">{team}</span>}
          <span class="muted sv-feed-time">
            {clock(alert.startMs)}
            {alert.status !== 'raised' && ` · ${c(alert.status)}`}
          </span>
        </span>
        <span class="sv-feed-msg"><AlertText alert={alert} /></span>
      </button>
    </li>
  );
}

/** One call, live, beside the wall: its alerts and transcript (its own socket, utterances included). */
function CallDrawer({ callId, onClose }: { callId: string; onClose: () => void }) {
  const t = useT(m);
  const c = useT(common);
  const { call, status, error } = useLiveCall(callId);
  const now = useNow(1000);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), [callId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const team = call ? teamOf(call) : null;
  const alerts = call ? alertsFor(call, 'supervisor') : [];
  return (
    <div class="sv-drawer" role="dialog" aria-modal="false" aria-labelledby="sv-drawer-title" data-call-id={callId}>
      <header class="row sv-drawer-head">
        <h2 id="sv-drawer-title" ref={heading} tabIndex={-1}>
          {call?.agentId ?? t('noAgent')}
          {team && <span class="muted"> · {team}</span>}
        </h2>
        <span class="spacer" />
        <ConnectionBadge status={status} />
        <button type="button" class="sv-close" onClick={onClose}>
          {t('close')}
        </button>
      </header>
      <p class="muted">
        {t('callInfo', { id: callId, d: call ? duration(elapsedMs(call, now)) : '—' })} · {call?.status === 'ended' ? c('ended') : c('live')}
      </p>
      {error && <p class="error">{t('loadError', { e: error })}</p>}
      <section aria-labelledby="sv-drawer-alerts">
        <h3 id="sv-drawer-alerts">{t('callAlerts')}</h3>
        {alerts.length === 0 ? (
          <p class="empty">{t('noCallAlerts')}</p>
        ) : (
          <ul class="plain sv-drawer-alerts">
            {alerts.map((a) => (
              <AlertItem key={a.alertId} alert={a} />
            ))}
          </ul>
        )}
      </section>
      <section class="sv-drawer-transcript" aria-labelledby="sv-drawer-transcript">
        <h3 id="sv-drawer-transcript">{t('transcript')}</h3>
        <Transcript lines={call?.lines ?? []} follow label={t('transcript')} maxHeight="none" />
      </section>
    </div>
  );
}
