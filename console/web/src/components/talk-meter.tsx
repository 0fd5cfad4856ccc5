import { percent } from '../format';
import { messages, useT } from '../i18n';
import type { TalkShares } from '../talk-meter';

const m = messages({
  zh: { label: '通话占比', agent: '坐席说话', customer: '客户说话', silence: '静音', summary: '坐席 {a}，客户 {c}，静音 {s}' },
  en: { label: 'Talk and silence', agent: 'Agent talking', customer: 'Customer talking', silence: 'Silence', summary: 'agent {a}, customer {c}, silence {s}' },
});

/** A small bar: agent talk, customer talk and silence as shares of the call so far. */
export function TalkMeter({ shares }: { shares: TalkShares }) {
  const t = useT(m);
  const sum = shares.agentMs + shares.customerMs + shares.silenceMs || 1;
  const a = shares.totalMs ? shares.agentMs / shares.totalMs : 0;
  const c = shares.totalMs ? shares.customerMs / shares.totalMs : 0;
  const s = shares.totalMs ? shares.silenceMs / shares.totalMs : 0;
  const summary = t('summary', { a: percent(a), c: percent(c), s: percent(s) });
  return (
    <div class="talk-meter">
      <div class="meter" role="img" aria-label={`${t('label')}: ${summary}`}>
        <span class="m-agent" style={{ width: `${(shares.agentMs / sum) * 100}%` }} />
        <span class="m-customer" style={{ width: `${(shares.customerMs / sum) * 100}%` }} />
        <span class="m-silence" style={{ width: `${(shares.silenceMs / sum) * 100}%` }} />
      </div>
      <div class="legend" aria-hidden="true">
        <span>
          <i class="m-agent" style={{ background: '#3c8d5a' }} />
          {t('agent')} {percent(a)}
        </span>
        <span>
          <i style={{ background: '#4a78b5' }} />
          {t('customer')} {percent(c)}
        </span>
        <span>
          <i style={{ background: '#c2c7cd' }} />
          {t('silence')} {percent(s)}
        </span>
      </div>
    </div>
  );
}
