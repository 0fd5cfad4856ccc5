import { useT } from '../i18n';
import { common } from '../labels';
import type { LiveStatus } from '../live';

export function ConnectionBadge({ status }: { status: LiveStatus }) {
  const t = useT(common);
  const key = status === 'open' ? 'connOpen' : status === 'connecting' ? 'connConnecting' : 'connClosed';
  return (
    <span class={`conn conn-${status}`} role="status" aria-live="polite">
      {status === 'open' ? '● ' : '○ '}
      {t(key)}
    </span>
  );
}
