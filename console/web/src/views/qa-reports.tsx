import { useMemo, useRef } from 'preact/hooks';
import { getJson, query as queryString } from '../api';
import { useLoad } from '../use-load';
import { CHART_COLOURS, type BarChartSpec } from '../charts';
import { BarChart } from '../components/chart';
import { PeriodFilter, useReportQuery } from '../components/period-filter';
import { messages, useLang, useT, type Translate } from '../i18n';
import {
  barChartHeight, failureRows, histogramBars, passMarkPosition, rankingRows, ratePercent, scoreText, shortLabel,
  type DistributionResponse, type ItemsResponse, type RankingResponse, type ScoreSource, type TeamsResponse,
} from '../report-data';
import './reports.css';

const m = messages({
  zh: {
    title: '质检报表', team: '团队', allTeams: '全部团队', noTeam: '（无团队）', scoreSource: '计分口径',
    final: '最终得分（含复核）', machine: '机器得分',
    finalNote: '已复核的通话按质检员最新复核计分，其余按机器预评分。', machineNote: '只看机器预评分，不计复核。',
    loading: '加载中…', empty: '该时段没有已评分的通话。',
    summary: '{calls} 通已评分通话 · 平均 {mean} 分 · 合格 {passed} 通（{rate}） · 合格线 {passMark} 分',
    distribution: '得分分布', scoreAxis: '得分', callsAxis: '通话数', passMarkLine: '合格线 {passMark}',
    distributionNote: '每 10 分一组，含下限（100 分计入 90–100）。虚线为合格线 {passMark} 分；绿色组全部达标，红色组全部未达标，棕色组跨合格线。',
    distributionLabel: '得分分布直方图，共 {calls} 通：{bins}。合格线 {passMark} 分。',
    binCalls: '{label} 分 {calls} 通', bin: '分数段', calls: '通话数', passed: '合格', tipCalls: '{calls} 通，其中合格 {passed} 通',
    items: '各质检项不达标率', item: '质检项', failureRate: '不达标率', failures: '不达标 / 适用', meanPoints: '平均得分',
    itemsNote: '不达标率 = 扣分、不得分或否决的通话 ÷ 该项适用的通话；加分项不计。',
    itemsLabel: '各质检项不达标率横向条形图，最高：{top}。', itemsNone: '该时段没有适用的质检项。',
    tipRate: '不达标率 {rate}（{failures} / {n} 通）', rateAxis: '不达标率（%）',
    ranking: '坐席排名（平均分）', rank: '名次', agent: '坐席', teams: '团队', mean: '平均分', passRate: '合格率', vetoes: '否决',
    rankingNote: '按平均分从高到低；绿色达合格线 {passMark} 分，红色未达（一对一辅导的对象）。',
    rankingHidden: '坐席较多：图中只列出最高的和最低的各 {half} 名，中间 {hidden} 名见坐席报表。',
    rankingLabel: '坐席平均分横向条形图，共 {n} 名：最高 {first}，最低 {last}。', meanAxis: '平均分',
    tipMean: '平均 {mean} 分 · {calls} 通 · 合格率 {rate}', barMean: '{mean} 分 · {calls} 通',
    teamsTitle: '各团队', agents: '坐席数', reviewed: '已复核',
  },
  en: {
    title: 'QA reports', team: 'Team', allTeams: 'All teams', noTeam: '(no team)', scoreSource: 'Score',
    final: 'Final (with reviews)', machine: 'Machine',
    finalNote: 'Reviewed calls count with the inspector’s latest review, the others with the machine pre-score.', machineNote: 'Machine pre-scores only; reviews are ignored.',
    loading: 'Loading…', empty: 'No scored calls in this period.',
    summary: 'Scored calls: {calls} · mean {mean} · passed: {passed} ({rate}) · pass mark {passMark}',
    distribution: 'Score distribution', scoreAxis: 'Score', callsAxis: 'Calls', passMarkLine: 'Pass mark {passMark}',
    distributionNote: '10-point bins, each including its lower bound (100 counts in 90–100). The dashed line is the pass mark, {passMark}; green bins pass entirely, red ones fail entirely, brown ones straddle the mark.',
    distributionLabel: 'Score histogram, n = {calls}: {bins}. Pass mark {passMark}.',
    binCalls: '{label}: {calls}', bin: 'Score band', calls: 'Calls', passed: 'Passed', tipCalls: 'Calls: {calls}, passed: {passed}',
    items: 'Failure rate per item', item: 'Item', failureRate: 'Failure rate', failures: 'Failed / applicable', meanPoints: 'Mean points',
    itemsNote: 'Failure rate = calls on which the item was deducted, failed or vetoed ÷ calls on which it applied; bonus items are left out.',
    itemsLabel: 'Horizontal bars of the failure rate per scorecard item; highest: {top}.', itemsNone: 'No item applied in this period.',
    tipRate: 'Failure rate {rate} ({failures} of {n})', rateAxis: 'Failure rate (%)',
    ranking: 'Agent ranking (mean score)', rank: 'Rank', agent: 'Agent', teams: 'Teams', mean: 'Mean', passRate: 'Pass rate', vetoes: 'Vetoes',
    rankingNote: 'Highest mean first; green reaches the pass mark ({passMark}), red does not (one-to-one coaching).',
    rankingHidden: 'Many agents: the chart lists the {half} highest and the {half} lowest; the {hidden} between are in the agent report.',
    rankingLabel: 'Horizontal bars of the mean score of {n} agents: highest {first}, lowest {last}.', meanAxis: 'Mean score',
    tipMean: 'Mean {mean} · calls: {calls} · pass rate {rate}', barMean: '{mean} · n={calls}',
    teamsTitle: 'Teams', agents: 'Agents', reviewed: 'Reviewed',
  },
});
type Key = keyof (typeof m)['zh'];

interface Reports {
  distribution: DistributionResponse;
  items: ItemsResponse;
  ranking: RankingResponse;
  teams: TeamsResponse;
}

/** How many agents the ranking chart lists at most (the highest and lowest halves beyond that). */
const RANKING_MAX = 30;

/**
 * 质检报表: for a period (default the last 30 days), a team and final or machine scores, the score distribution,
 * each item's failure rate, the agents by mean score and the teams' figures. Filters live in the URL query.
 */
export function QaReportsView() {
  const t = useT(m);
  const { query, period, range, set } = useReportQuery();
  const team = query.team ?? '';
  const score: ScoreSource = query.score === 'machine' ? 'machine' : 'final';
  // Figures are kept with the filters they were loaded for, so a change of filter never shows stale ones.
  const key = range ? `${range.from}/${range.to}/${team}/${score}` : '';
  const { data: reports, error } = useLoad(key, async (): Promise<Reports> => {
    const all = { from: range!.from, to: range!.to, score };
    const filtered = { ...all, team };
    const [distribution, items, ranking, teams] = await Promise.all([
      getJson<DistributionResponse>(`/v1/reports/distribution${queryString(filtered)}`),
      getJson<ItemsResponse>(`/v1/reports/items${queryString(filtered)}`),
      getJson<RankingResponse>(`/v1/reports/ranking${queryString({ ...filtered, top: RANKING_MAX, bottom: RANKING_MAX / 2 })}`),
      getJson<TeamsResponse>(`/v1/reports/teams${queryString(all)}`),
    ]);
    return { distribution, items, ranking, teams };
  });
  // The team list of the latest figures, kept while other filters load.
  const lastTeams = useRef<string[]>([]);
  if (reports) lastTeams.current = reports.teams.teams.flatMap((row) => (row.team === null ? [] : [row.team]));
  const teamNames = lastTeams.current;

  const options = team && !teamNames.includes(team) ? [team, ...teamNames] : teamNames;
  return (
    <main class="reports">
      <h1 class="page-title">{t('title')}</h1>
      <PeriodFilter period={period} valid={range !== null} onChange={set}>
        <label>
          {t('team')}
          <select value={team} onChange={(e) => set({ team: e.currentTarget.value })}>
            <option value="">{t('allTeams')}</option>
            {options.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <div class="score-switch" role="group" aria-label={t('scoreSource')}>
          <span class="muted">{t('scoreSource')}</span>
          <span>
            <button type="button" aria-pressed={score === 'final'} onClick={() => set({ score: '' })}>
              {t('final')}
            </button>{' '}
            <button type="button" aria-pressed={score === 'machine'} onClick={() => set({ score: 'machine' })}>
              {t('machine')}
            </button>
          </span>
        </div>
      </PeriodFilter>
      <p class="muted">{t(score === 'final' ? 'finalNote' : 'machineNote')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {range && !reports && !error && <p class="muted">{t('loading')}</p>}
      {reports && reports.distribution.calls === 0 && <p class="empty panel">{t('empty')}</p>}
      {reports && reports.distribution.calls > 0 && <ReportPanels reports={reports} t={t} />}
    </main>
  );
}

function ReportPanels({ reports, t }: { reports: Reports; t: Translate<Key> }) {
  const { distribution, teams } = reports;
  return (
    <>
      <p class="report-summary">
        {t('summary', {
          calls: distribution.calls,
          mean: scoreText(distribution.mean ?? 0),
          passed: distribution.passed,
          rate: ratePercent(distribution.passed / distribution.calls),
          passMark: distribution.passMark,
        })}
      </p>
      <div class="report-grid">
        <DistributionPanel distribution={distribution} t={t} />
        <ItemsPanel items={reports.items} t={t} />
        <RankingPanel ranking={reports.ranking} passMark={distribution.passMark} t={t} />
        <TeamsPanel teams={teams} t={t} />
      </div>
    </>
  );
}

function DistributionPanel({ distribution, t }: { distribution: DistributionResponse; t: Translate<Key> }) {
  const lang = useLang();
  const bars = useMemo(() => histogramBars(distribution), [distribution]);
  const spec = useMemo<BarChartSpec>(
    () => ({
      labels: bars.map((b) => b.label),
      values: bars.map((b) => b.calls),
      colours: bars.map((b) => CHART_COLOURS[b.tone]),
      valueTitle: t('callsAxis'),
      integerTicks: true,
      categoryTitle: t('scoreAxis'),
      valueText: bars.map((b) => (b.calls > 0 ? String(b.calls) : '')),
      tooltipLines: (i) => [t('tipCalls', { calls: bars[i]!.calls, passed: bars[i]!.passed })],
      marker: { axis: 'category', at: passMarkPosition(distribution.bins, distribution.passMark) ?? 0, label: t('passMarkLine', { passMark: distribution.passMark }) },
    }),
    [bars, lang],
  );
  const summary = bars.filter((b) => b.calls > 0).map((b) => t('binCalls', { label: b.label, calls: b.calls }));
  return (
    <section class="panel" aria-labelledby="dist-h">
      <h2 id="dist-h">{t('distribution')}</h2>
      <BarChart
        spec={spec}
        label={t('distributionLabel', { calls: distribution.calls, bins: summary.join(lang === 'zh' ? '，' : ', '), passMark: distribution.passMark })}
        table={
          <table class="data" data-table="distribution">
            <thead>
              <tr>
                <th scope="col">{t('bin')}</th>
                <th scope="col" class="num">{t('calls')}</th>
                <th scope="col" class="num">{t('passed')}</th>
              </tr>
            </thead>
            <tbody>
              {bars.map((b) => (
                <tr key={b.label}>
                  <th scope="row">{b.label}</th>
                  <td class="num">{b.calls}</td>
                  <td class="num">{b.passed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <p class="muted">{t('distributionNote', { passMark: distribution.passMark })}</p>
    </section>
  );
}

function ItemsPanel({ items, t }: { items: ItemsResponse; t: Translate<Key> }) {
  const lang = useLang();
  const rows = useMemo(() => failureRows(items.items), [items]);
  const spec = useMemo<BarChartSpec>(
    () => ({
      horizontal: true,
      labels: rows.map((r) => shortLabel(r.name)),
      values: rows.map((r) => Math.round(r.failureRate * 1000) / 10),
      colours: CHART_COLOURS.fail,
      valueTitle: t('rateAxis'),
      valueMax: 100,
      valueText: rows.map((r) => `${ratePercent(r.failureRate)} · n=${r.applicable}`),
      tooltipTitle: (i) => rows[i]!.name,
      tooltipLines: (i) => [t('tipRate', { rate: ratePercent(rows[i]!.failureRate), failures: rows[i]!.failures, n: rows[i]!.applicable })],
    }),
    [rows, lang],
  );
  return (
    <section class="panel" aria-labelledby="items-h">
      <h2 id="items-h">{t('items')}</h2>
      {rows.length === 0 ? (
        <p class="empty">{t('itemsNone')}</p>
      ) : (
        <BarChart
          spec={spec}
          height={barChartHeight(rows.length)}
          label={t('itemsLabel', { top: `${rows[0]!.name} ${ratePercent(rows[0]!.failureRate)}` })}
          table={
            <table class="data" data-table="items">
              <thead>
                <tr>
                  <th scope="col">{t('item')}</th>
                  <th scope="col" class="num">{t('failureRate')}</th>
                  <th scope="col" class="num">{t('failures')}</th>
                  <th scope="col" class="num">{t('meanPoints')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.itemId} data-item={r.itemId}>
                    <th scope="row">{r.name}</th>
                    <td class="num">{ratePercent(r.failureRate)}</td>
                    <td class="num">
                      {r.failures} / {r.applicable}
                    </td>
                    <td class="num">{r.meanPoints === null ? '—' : scoreText(r.meanPoints)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      )}
      <p class="muted">{t('itemsNote')}</p>
    </section>
  );
}

function RankingPanel({ ranking, passMark, t }: { ranking: RankingResponse; passMark: number; t: Translate<Key> }) {
  const lang = useLang();
  const { agents, hidden } = useMemo(() => rankingRows(ranking, RANKING_MAX), [ranking]);
  const spec = useMemo<BarChartSpec>(
    () => ({
      horizontal: true,
      labels: agents.map((a) => a.agentId),
      values: agents.map((a) => a.mean),
      colours: agents.map((a) => (a.mean >= passMark ? CHART_COLOURS.pass : CHART_COLOURS.fail)),
      valueTitle: t('meanAxis'),
      valueMax: 100,
      valueText: agents.map((a) => t('barMean', { mean: scoreText(a.mean), calls: a.calls })),
      tooltipLines: (i) => [t('tipMean', { mean: scoreText(agents[i]!.mean), calls: agents[i]!.calls, rate: ratePercent(agents[i]!.passRate) })],
      marker: { axis: 'value', at: passMark, label: t('passMarkLine', { passMark }) },
    }),
    [agents, passMark, lang],
  );
  if (agents.length === 0) return null;
  const first = agents[0]!;
  const last = agents[agents.length - 1]!;
  return (
    <section class="panel" aria-labelledby="ranking-h">
      <h2 id="ranking-h">{t('ranking')}</h2>
      <BarChart
        spec={spec}
        height={barChartHeight(agents.length)}
        label={t('rankingLabel', { n: ranking.eligible, first: `${first.agentId} ${scoreText(first.mean)}`, last: `${last.agentId} ${scoreText(last.mean)}` })}
        table={
          <table class="data" data-table="ranking">
            <thead>
              <tr>
                <th scope="col" class="num">{t('rank')}</th>
                <th scope="col">{t('agent')}</th>
                <th scope="col">{t('teams')}</th>
                <th scope="col" class="num">{t('calls')}</th>
                <th scope="col" class="num">{t('mean')}</th>
                <th scope="col" class="num">{t('passRate')}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.agentId} data-agent={a.agentId}>
                  <td class="num">{a.place}</td>
                  <th scope="row">{a.agentId}</th>
                  <td>{a.teams.join(', ')}</td>
                  <td class="num">{a.calls}</td>
                  <td class="num">{scoreText(a.mean)}</td>
                  <td class="num">{ratePercent(a.passRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <p class="muted">{t('rankingNote', { passMark })}</p>
      {hidden > 0 && <p class="muted">{t('rankingHidden', { half: RANKING_MAX / 2, hidden })}</p>}
    </section>
  );
}

function TeamsPanel({ teams, t }: { teams: TeamsResponse; t: Translate<Key> }) {
  if (teams.teams.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="teams-h">
      <h2 id="teams-h">{t('teamsTitle')}</h2>
      <table class="data" data-table="teams">
        <thead>
          <tr>
            <th scope="col">{t('team')}</th>
            <th scope="col" class="num">{t('agents')}</th>
            <th scope="col" class="num">{t('calls')}</th>
            <th scope="col" class="num">{t('mean')}</th>
            <th scope="col" class="num">{t('passRate')}</th>
            <th scope="col" class="num">{t('vetoes')}</th>
            <th scope="col" class="num">{t('reviewed')}</th>
          </tr>
        </thead>
        <tbody>
          {teams.teams.map((row) => (
            <tr key={row.team ?? ''}>
              <th scope="row">{row.team ?? t('noTeam')}</th>
              <td class="num">{row.agents}</td>
              <td class="num">{row.calls}</td>
              <td class="num">{scoreText(row.mean)}</td>
              <td class="num">{ratePercent(row.passRate)}</td>
              <td class="num">{row.vetoes}</td>
              <td class="num">{row.reviewed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
