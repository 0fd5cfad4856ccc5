import { clock } from '../format';
import { useT } from '../i18n';
import { common } from '../labels';
import { useRuleNames } from '../rule-names';
import type { AlertEvent } from '../events';
import { SeverityBadge } from './severity';

/** One alert: severity colour, message, what was matched, where in the call, repeats. */
export function AlertItem({ alert, showChannel = true }: { alert: AlertEvent; showChannel?: boolean }) {
  const t = useT(common);
  const name = useRuleNames().get(alert.ruleId);
  return (
    <li class={`alert sev-${alert.severity}${alert.status === 'resolved' ? ' resolved' : ''}`} data-rule={alert.ruleId} data-severity={alert.severity}>
      <div class="alert-head">
        <SeverityBadge severity={alert.severity} />{' '}
        {name ? (
          <span>
            <strong class="rule-name">{name}</strong> <span class="detail">{withoutName(alert.message, name)}</span>
          </span>
        ) : (
          <span>{alert.message}</span>
        )}
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

/** Engine messages often start with the rule's name ("服务忌语: 「…」"); it is shown once, as the headline. */
function withoutName(message: string, name: string): string {
  return message.startsWith(name) ? message.slice(name.length).replace(/^\s*[:：]\s*/, '') : message;
}
