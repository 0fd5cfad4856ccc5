import { useT } from '../i18n';
import { common } from '../labels';
import type { Severity } from '../events';

export function SeverityBadge({ severity }: { severity: Severity }) {
  const t = useT(common);
  return <span class={`sev sev-${severity}`}>{t(severity)}</span>;
}
