import type { AlertEvent } from '../events';
import { useRuleNames } from '../rule-names';

/**
 * An alert's words: the rule's short name (静音, 服务忌语) as the headline, then the engine's message without
 * the name it often starts with ("服务忌语: 「…」").
 */
export function AlertText({ alert }: { alert: Pick<AlertEvent, 'ruleId' | 'message'> }) {
  const name = useRuleNames().get(alert.ruleId);
  if (!name) return <span>{alert.message}</span>;
  return (
    <span>
      <strong class="rule-name">{name}</strong> <span class="detail">{withoutName(alert.message, name)}</span>
    </span>
  );
}

function withoutName(message: string, name: string): string {
  return message.startsWith(name) ? message.slice(name.length).replace(/^\s*[:：]\s*/, '') : message;
}
