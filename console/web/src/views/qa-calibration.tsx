import { useMemo } from 'preact/hooks';
import { getJson, query as queryString } from '../api';
import { useLoad } from '../use-load';
import { CHART_COLOURS, type BarChartSpec } from '../charts';
import { BarChart } from '../components/chart';
import { PeriodFilter, useReportQuery } from '../components/period-filter';
import { messages, useLang, useT, type Translate } from '../i18n';
import { agreementRows, barChartHeight, kappaText, ratePercent, shortLabel, signedPoints, type CalibrationResponse } from '../report-data';
import './reports.css';

const m = messages({
  zh: {
    title: '机器与人工校准', loading: '加载中…',
    empty: '该时段还没有复核过的通话。质检员在通话详情页复核（确认或改分）后，这里显示机器预评分与人工的一致程度。',
    kappaNote: 'κ（Cohen’s kappa）是扣除碰巧一致之后机器与质检员的一致程度：1 为完全一致，0 与随机无异，一般 0.6 以上可视为较好；所有判断落在同一类时无法计算，显示为“—”。',
    reviewedCalls: '已复核通话', passAgreement: '合格判定一致率', overall: '全部判断一致率', overrides: '改分', totalsChanged: '总分被改的通话', meanTotalDelta: '总分平均变化（人工 − 机器）',
    agreement: '各质检项一致率', agreementAxis: '一致率（%）', item: '质检项', n: '复核数', percentAgreement: '一致率', kappa: 'κ', overrideRate: '改分率', meanDelta: '平均改分',
    agreementLabel: '各质检项机器与人工一致率横向条形图，{n} 项，最低：{lowest}。',
    tipAgreement: '一致率 {rate}（{agreements} / {n}）', tipKappa: 'κ = {kappa}', tipOverrides: '改分 {overrides} 次（{rate}）',
    agreementNote: '一致 = 机器与质检员把该项判为同一类（满分、部分扣分、零分；否决项：否决或不否决）。按一致率从低到高。',
    mostOverridden: '改分最多的质检项', mostOverriddenNote: '先修这些项对应的规则。平均改分为负：机器偏松；为正：机器偏严。',
    noneOverridden: '质检员没有改过任何一项的分数。', overriddenLine: '{overrides} / {n} 通改分（{rate}），平均改分 {delta} 分',
  },
  en: {
    title: 'Machine–inspector calibration', loading: 'Loading…',
    empty: 'No call was reviewed in this period yet. Once inspectors review calls (confirm or change points) on the call page, this shows how far the machine pre-score agrees with them.',
    kappaNote: 'κ (Cohen’s kappa) is how far the machine agrees with the inspectors beyond what chance alone would give: 1 is full agreement, 0 no better than chance, above about 0.6 is usually good; it cannot be computed when every judgement falls in one category (shown as “—”).',
    reviewedCalls: 'Reviewed calls', passAgreement: 'Pass/fail agreement', overall: 'Agreement, all judgements', overrides: 'Overrides', totalsChanged: 'Calls with a changed total', meanTotalDelta: 'Mean total change (inspector − machine)',
    agreement: 'Agreement per item', agreementAxis: 'Agreement (%)', item: 'Item', n: 'Reviewed', percentAgreement: 'Agreement', kappa: 'κ', overrideRate: 'Override rate', meanDelta: 'Mean change',
    agreementLabel: 'Horizontal bars of machine–inspector agreement for {n} items; lowest: {lowest}.',
    tipAgreement: 'Agreement {rate} ({agreements} of {n})', tipKappa: 'κ = {kappa}', tipOverrides: '{overrides} overrides ({rate})',
    agreementNote: 'Agreement = machine and inspector put the item in the same category (full, partial, zero points; veto items: veto or clear). Lowest agreement first.',
    mostOverridden: 'Most overridden items', mostOverriddenNote: 'Fix the rules behind these first. A negative mean change: the machine is too lenient; positive: too harsh.',
    noneOverridden: 'Inspectors changed no item’s points.', overriddenLine: '{overrides} of {n} calls overridden ({rate}), mean change {delta} points',
  },
});
type Key = keyof (typeof m)['zh'];

/** 校准: machine vs inspector agreement per item over the period's reviewed calls, and the items overridden most. */
export function QaCalibrationView() {
  const t = useT(m);
  const { period, range, set } = useReportQuery();
  // Kept with the period it was loaded for, so a change of period never shows a stale report.
  const key = range ? `${range.from}/${range.to}` : '';
  const { data: report, error } = useLoad(key, () =>
    getJson<CalibrationResponse>(`/v1/qa/calibration${queryString({ from: range!.from, to: range!.to, limit: 10 })}`),
  );

  return (
    <main class="reports">
      <h1 class="page-title">{t('title')}</h1>
      <PeriodFilter period={period} valid={range !== null} onChange={set} />
      <p class="kappa-note">{t('kappaNote')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {range && !report && !error && <p class="muted">{t('loading')}</p>}
      {report && report.reviewedCalls === 0 && <p class="empty panel">{t('empty')}</p>}
      {report && report.reviewedCalls > 0 && <CalibrationPanels report={report} t={t} />}
    </main>
  );
}

function CalibrationPanels({ report, t }: { report: CalibrationResponse; t: Translate<Key> }) {
  const { calls, overall } = report;
  const figure = (key: Key, value: string) => (
    <div>
      <dt>{t(key)}</dt>
      <dd>{value}</dd>
    </div>
  );
  const agreementText = (f: { percentAgreement: number | null; kappa: number | null }) =>
    f.percentAgreement === null ? '—' : `${ratePercent(f.percentAgreement / 100)} · κ ${kappaText(f.kappa)}`;
  return (
    <>
      <dl class="figures panel">
        {figure('reviewedCalls', String(report.reviewedCalls))}
        {figure('passAgreement', agreementText(calls.pass))}
        {figure('overall', agreementText(overall))}
        {figure('overrides', overall.overrideRate === null ? String(overall.overrides) : `${overall.overrides} (${ratePercent(overall.overrideRate)})`)}
        {figure('totalsChanged', String(calls.totalsChanged))}
        {figure('meanTotalDelta', calls.meanTotalDelta === null ? '—' : signedPoints(calls.meanTotalDelta))}
      </dl>
      <div class="report-grid main-side">
        <AgreementPanel report={report} t={t} />
        <MostOverriddenPanel report={report} t={t} />
      </div>
    </>
  );
}

function AgreementPanel({ report, t }: { report: CalibrationResponse; t: Translate<Key> }) {
  const lang = useLang();
  const rows = useMemo(() => agreementRows(report.items), [report]);
  const spec = useMemo<BarChartSpec>(
    () => ({
      horizontal: true,
      labels: rows.map((r) => shortLabel(r.name)),
      values: rows.map((r) => r.percentAgreement),
      colours: CHART_COLOURS.bar,
      valueTitle: t('agreementAxis'),
      valueMax: 100,
      valueText: rows.map((r) => `${ratePercent(r.percentAgreement / 100)} · κ ${kappaText(r.kappa)}`),
      tooltipTitle: (i) => rows[i]!.name,
      tooltipLines: (i) => {
        const r = rows[i]!;
        return [
          t('tipAgreement', { rate: ratePercent(r.percentAgreement / 100), agreements: r.agreements, n: r.n }),
          t('tipKappa', { kappa: kappaText(r.kappa) }),
          t('tipOverrides', { overrides: r.overrides, rate: ratePercent(r.overrideRate) }),
        ];
      },
    }),
    [rows, lang],
  );
  if (rows.length === 0) return null;
  const lowest = rows[0]!;
  return (
    <section class="panel" aria-labelledby="agreement-h">
      <h2 id="agreement-h">{t('agreement')}</h2>
      <BarChart
        spec={spec}
        height={barChartHeight(rows.length)}
        tableOpen
        label={t('agreementLabel', { n: rows.length, lowest: `${lowest.name} ${ratePercent(lowest.percentAgreement / 100)}, κ ${kappaText(lowest.kappa)}` })}
        table={
          <table class="data" data-table="agreement">
            <thead>
              <tr>
                <th scope="col">{t('item')}</th>
                <th scope="col" class="num">{t('n')}</th>
                <th scope="col" class="num">{t('percentAgreement')}</th>
                <th scope="col" class="num">{t('kappa')}</th>
                <th scope="col" class="num">{t('overrides')}</th>
                <th scope="col" class="num">{t('overrideRate')}</th>
                <th scope="col" class="num">{t('meanDelta')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.itemId} data-item={r.itemId}>
                  <th scope="row">{r.name}</th>
                  <td class="num">{r.n}</td>
                  <td class="num">{ratePercent(r.percentAgreement / 100)}</td>
                  <td class="num">{kappaText(r.kappa)}</td>
                  <td class="num">{r.overrides}</td>
                  <td class="num">{ratePercent(r.overrideRate)}</td>
                  <td class="num">{signedPoints(r.meanPointsDelta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <p class="muted">{t('agreementNote')}</p>
    </section>
  );
}

function MostOverriddenPanel({ report, t }: { report: CalibrationResponse; t: Translate<Key> }) {
  return (
    <section class="panel" aria-labelledby="overridden-h">
      <h2 id="overridden-h">{t('mostOverridden')}</h2>
      {report.mostOverridden.length === 0 ? (
        <p class="empty">{t('noneOverridden')}</p>
      ) : (
        <>
          <ol class="overridden" data-list="most-overridden">
            {report.mostOverridden.map((i) => (
              <li key={i.itemId} data-item={i.itemId}>
                <strong>{i.name}</strong>
                <br />
                <span class="muted">
                  {t('overriddenLine', { overrides: i.overrides, n: i.n, rate: ratePercent(i.overrideRate), delta: signedPoints(i.meanPointsDelta) })}
                </span>
              </li>
            ))}
          </ol>
          <p class="muted">{t('mostOverriddenNote')}</p>
        </>
      )}
    </section>
  );
}
