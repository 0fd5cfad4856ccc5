import { clock } from '../format';
import { useT } from '../i18n';
import { common } from '../labels';
import type { AlertEvent } from '../events';
import { AlertText } from './alert-text';
import { SeverityBadge } from './severity';

/** One alert: severity colour, message, what was matched, where in the call, repeats. */
export function AlertItem({ alert, showChannel = true }: { alert: AlertEvent; showChannel?: boolean }) {
  const t = useT(common);
  return (
    <li class={`alert sev-${alert.severity}${alert.status === 'resolved' ? ' resolved' : ''}`} data-rule={alert.ruleId} data-severity={alert.severity} data-alert-id={alert.alertId} data-seq={alert.seq}>
      <div class="alert-head">
        <SeverityBadge severity={alert.severity} />{' '}
        <AlertText alert={alert} />
        {(alert.occurrences ?? 1) > 1 && <span class="muted"> {t('occurrences', { n: alert.occurrences ?? 1 })}</span>}
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

