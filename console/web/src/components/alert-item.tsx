import { clock } from '../format';
import { useT } from '../i18n';
import { common } from '../labels';
import type { AlertEvent } from '../events';
import { SeverityBadge } from './severity';

/** One alert: severity colour, message, what was matched, where in the call, repeats. */
export function AlertItem({ alert, showChannel = true }: { alert: AlertEvent; showChannel?: boolean }) {
  const t = useT(common);
  return (
    <li class={`alert sev-${alert.severity}${alert.status === 'resolved' ? ' resolved' : ''}`} data-rule={alert.ruleId} data-severity={alert.severity}>
      <div class="row">
        <SeverityBadge severity={alert.severity} />
        <span>{alert.message}</span>
        {(alert.occurrences ?? 1) > 1 && <span class="muted">{t('occurrences', { n: alert.occurrences ?? 1 })}</span>}
      </div>
      <div class="meta">
        {clock(alert.startMs)}
        {showChannel && ` · ${t(alert.channel)}`}
        {alert.matchedText && ` · 「${alert.matchedText}」`}
        {alert.status !== 'raised' && ` · ${t(alert.status)}`}
      </div>
    </li>
  );
}
