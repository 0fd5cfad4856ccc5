import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { query as queryString } from '../api';
import { messages, useT } from '../i18n';
import { periodFromQuery, periodMs, type PeriodDays } from '../report-data';

const m = messages({
  zh: { from: '开始日期', to: '结束日期（含）', badPeriod: '结束日期不能早于开始日期。' },
  en: { from: 'From', to: 'To (inclusive)', badPeriod: 'The end date cannot be before the start date.' },
});

/**
 * The page's filters kept in the URL query: the period as whole local days (default: the last 30), and any
 * other parameter the page adds. `set` replaces the history entry; an empty value removes the parameter.
 */
export function useReportQuery() {
  const { path, query, route } = useLocation();
  const period = periodFromQuery(query, new Date());
  const set = (changes: Record<string, string>) => route(`${path}${queryString({ ...query, ...changes })}`, true);
  return { query, period, range: periodMs(period), set };
}

/** From/to date inputs (and the page's other filters as children); says so when the period is back to front. */
export function PeriodFilter(props: { period: PeriodDays; valid: boolean; onChange: (changes: Partial<PeriodDays>) => void; children?: ComponentChildren }) {
  const t = useT(m);
  return (
    <>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('from')}
          <input type="date" value={props.period.from} required onChange={(e) => e.currentTarget.value && props.onChange({ from: e.currentTarget.value })} />
        </label>
        <label>
          {t('to')}
          <input type="date" value={props.period.to} required onChange={(e) => e.currentTarget.value && props.onChange({ to: e.currentTarget.value })} />
        </label>
        {props.children}
      </form>
      {!props.valid && (
        <p class="error" role="alert">
          {t('badPeriod')}
        </p>
      )}
    </>
  );
}
