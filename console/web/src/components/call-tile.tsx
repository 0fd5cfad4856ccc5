import { Component } from 'preact';
import { elapsedMs as callElapsedMs, type CallState } from '../call-state';
import { currentAlerts, EMOTION_ALERT_SCORE, emotionLevel, emotionTrend, TREND_STEP_MS, type WallTile } from '../floor-state';
import { duration } from '../format';
import { messages, useT } from '../i18n';
import { common } from '../labels';
import { useSecond } from '../use-call';
import { AlertText } from './alert-text';
import { SeverityBadge } from './severity';
import { Sparkline } from './sparkline';

const m = messages({
  zh: {
    noAgent: '（无工号）', noTeam: '未分组', alerts: '告警 {n}', more: '另有 {n} 条', noOpen: '无未解除告警', duration: '通话时长',
    emotion: '客户情绪', calm: '平静', upset: '不满', angry: '愤怒', noTrend: '暂无', fromAlerts: '（按告警估算）',
    trend: '客户情绪趋势：当前 {v}（{level}），近期最高 {max}{src}',
  },
  en: {
    noAgent: '(no agent ID)', noTeam: 'No team', alerts: '{n} alerts', more: '{n} more', noOpen: 'No open alerts', duration: 'Duration',
    emotion: 'Emotion', calm: 'calm', upset: 'upset', angry: 'angry', noTrend: 'no data', fromAlerts: ' (estimated from alerts)',
    trend: 'Customer emotion trend: now {v} ({level}), recent peak {max}{src}',
  },
});

interface TileProps {
  tile: WallTile;
  selected: boolean;
  onOpen: (callId: string) => void;
}

/**
 * One call on the wall, a button that opens its transcript: who, how long, risk, open alerts, the customer's
 * emotion. Re-rendered only when its call got an event, its risk, end or selection changed, or its emotion
 * trend reached a new step; its duration ticks on its own (a wall of 200 calls does not re-render 200 tiles a
 * second: bench/results/console.md).
 */
export class CallTile extends Component<TileProps> {
  override shouldComponentUpdate(next: TileProps): boolean {
    const a = this.props;
    return (
      a.tile.fc.call !== next.tile.fc.call ||
      a.selected !== next.selected ||
      a.onOpen !== next.onOpen ||
      a.tile.ended !== next.tile.ended ||
      a.tile.team !== next.tile.team ||
      a.tile.risk.level !== next.tile.risk.level ||
      a.tile.risk.alerts !== next.tile.risk.alerts ||
      Math.floor(a.tile.elapsedMs / TREND_STEP_MS) !== Math.floor(next.tile.elapsedMs / TREND_STEP_MS)
    );
  }

  override render() {
    return <TileBody {...this.props} />;
  }
}

/** The call's length so far, from the shared one-second clock. */
function LiveDuration({ call }: { call: CallState }) {
  const now = useSecond();
  return <>{duration(callElapsedMs(call, now))}</>;
}

function TileBody({ tile, selected, onOpen }: TileProps) {
  const t = useT(m);
  const c = useT(common);
  const { fc, risk, team, elapsedMs, ended } = tile;
  const { shown, more } = currentAlerts(fc.call);
  const trend = emotionTrend(fc, elapsedMs);
  const now = trend[trend.length - 1]?.value ?? 0;
  const max = Math.max(0, ...trend.map((p) => p.value));
  const level = t(emotionLevel(now));
  return (
    <li class={`sv-tile risk-${risk.level}${ended ? ' ended' : ''}`} data-call-id={fc.call.callId} data-risk={risk.level} data-status={fc.call.status}>
      <button type="button" aria-pressed={selected} onClick={() => onOpen(fc.call.callId)}>
        <span class="sv-tile-head">
          <strong class="sv-agent">{fc.call.agentId ?? t('noAgent')}</strong>
          <span class="sv-team">{team ?? t('noTeam')}</span>
          <span class="sv-duration" title={t('duration')}>
            <LiveDuration call={fc.call} />
          </span>
        </span>
        <span class="sv-tile-status">
          <span class={`sv-risk risk-${risk.level}`}>{c(`risk${risk.level}`)}</span>
          {risk.alerts > 0 && <span class="muted">{t('alerts', { n: risk.alerts })}</span>}
          {ended && <span class="sv-ended">{c('ended')}</span>}
        </span>
        <span class="sv-tile-alerts">
          {shown.length === 0 && <span class="muted">{t('noOpen')}</span>}
          {shown.map((a) => (
            <span class="sv-tile-alert" key={a.alertId} data-rule={a.ruleId} data-severity={a.severity}>
              <SeverityBadge severity={a.severity} /> <span class="sv-msg"><AlertText alert={a} /></span>
            </span>
          ))}
          {more > 0 && <span class="muted">{t('more', { n: more })}</span>}
        </span>
        <span class={`sv-emotion emotion-${emotionLevel(now)}`}>
          <span class="sv-emotion-label">{t('emotion')}</span>
          {trend.length > 0 ? (
            <>
              <Sparkline
                points={trend}
                width={80}
                minScale={2 * EMOTION_ALERT_SCORE}
                label={t('trend', { v: now, level, max, src: fc.emotion.length === 0 ? t('fromAlerts') : '' })}
              />
              <span class="sv-emotion-now" aria-hidden="true">
                {level}
              </span>
            </>
          ) : (
            <span class="muted">{t('noTrend')}</span>
          )}
        </span>
      </button>
    </li>
  );
}
