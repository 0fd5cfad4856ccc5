import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError, getJson } from '../api';
import { duration, points, wallTime } from '../format';
import { messages, useLang, useT } from '../i18n';
import { beforeFromQuery, filtersFromQuery, listUrl, NO_FILTERS, resultsPath, type QaListFilters, type TriState } from '../qa-filters';
import './qa.css';

const m = messages({
  zh: {
    title: '质检结果', filters: '筛选', agent: '坐席工号', team: '班组', passed: '机器判定', veto: '一票否决', reviewed: '复核',
    any: '全部', pass: '合格', fail: '不合格', yes: '是', no: '否', reviewedYes: '已复核', reviewedNo: '未复核',
    minScore: '机器评分 ≥', maxScore: '机器评分 ≤', failedItem: '失分项目', from: '开始日期自', to: '至',
    apply: '筛选', clear: '清除筛选', call: '通话', started: '开始时间', duration: '时长', machine: '机器评分', human: '复核评分',
    result: '判定', vetoMark: '否决', reviewer: '复核人', none: '没有符合条件的质检结果。', loading: '加载中…',
    prev: '上一页', next: '下一页', results: '质检结果列表', noAgent: '—',
    reviewedBy: '{who} · {at}', pending: '未复核', vetoed: '否决',
  },
  en: {
    title: 'QA results', filters: 'Filters', agent: 'Agent ID', team: 'Team', passed: 'Machine verdict', veto: 'Veto', reviewed: 'Review',
    any: 'Any', pass: 'Pass', fail: 'Fail', yes: 'Yes', no: 'No', reviewedYes: 'Reviewed', reviewedNo: 'Not reviewed',
    minScore: 'Machine score ≥', maxScore: 'Machine score ≤', failedItem: 'Failed item', from: 'Started from', to: 'to',
    apply: 'Apply', clear: 'Clear filters', call: 'Call', started: 'Started', duration: 'Duration', machine: 'Machine score', human: 'Inspector score',
    result: 'Verdict', vetoMark: 'Veto', reviewer: 'Reviewer', none: 'No QA results match.', loading: 'Loading…',
    prev: 'Previous', next: 'Next', results: 'QA results', noAgent: '—',
    reviewedBy: '{who} · {at}', pending: 'Not reviewed', vetoed: 'Veto',
  },
});
type Key = keyof (typeof m)['zh'];

/** One row of GET /v1/qa/results. */
interface ResultRow {
  callId: string;
  agentId: string | null;
  team: string | null;
  startedAt: number;
  durationMs: number | null;
  total: number;
  passed: boolean;
  veto: { itemId: string; ruleIds: string[] } | null;
  failedItems: string[];
  review: { total: number; passed: boolean; reviewer: string; createdAt: number } | null;
}

type ItemOption = { itemId: string; name: string };
let itemOptionsCache: ItemOption[] | null = null;

/** The scorecard's score items (those the failed-item filter takes), read once from GET /v1/qa/scorecard. */
async function loadItemOptions(): Promise<ItemOption[]> {
  if (itemOptionsCache) return itemOptionsCache;
  const card = await getJson<{ sections: { items: { id: string; name: string; points: number; kind?: string }[] }[] }>('/v1/qa/scorecard');
  itemOptionsCache = card.sections.flatMap((sec) => sec.items.filter((i) => (i.kind ?? 'score') === 'score' && i.points > 0).map((i) => ({ itemId: i.id, name: i.name })));
  return itemOptionsCache;
}

/** `/qa`: the scored calls, newest first, filtered from the URL query and paged with `before`. */
export function QaListView() {
  const t = useT(m);
  const { path, query, route } = useLocation();
  const filters = filtersFromQuery(query);
  const before = beforeFromQuery(query);
  const fetchKey = resultsPath(filters, before);
  const [draft, setDraft] = useState<QaListFilters>(filters);
  const [rows, setRows] = useState<ResultRow[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [itemOptions, setItemOptions] = useState<ItemOption[]>(itemOptionsCache ?? []);
  /** The cursors of the pages before this one (in memory: after a reload, Previous goes to the newest page). */
  const earlier = useRef<(number | null)[]>([]);

  useEffect(() => setDraft(filters), [listUrl('', filters)]);
  useEffect(() => {
    let alive = true;
    setError(null);
    getJson<{ results: ResultRow[]; next: number | null }>(fetchKey).then(
      (r) => alive && (setRows(r.results), setNext(r.next)),
      (err: Error) => alive && (setRows(null), setError(err instanceof ApiError ? `${err.code}: ${err.message}` : err.message)),
    );
    return () => void (alive = false);
  }, [fetchKey]);
  useEffect(() => void loadItemOptions().then(setItemOptions, () => undefined), []);

  const apply = (f: QaListFilters) => {
    earlier.current = [];
    route(listUrl(path, f));
  };
  const set = (key: keyof QaListFilters) => (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const options = itemOptions.some((o) => o.itemId === draft.failedItem) || !draft.failedItem ? itemOptions : [...itemOptions, { itemId: draft.failedItem, name: draft.failedItem }];

  return (
    <main class="qa">
      <h1 class="page-title">{t('title')}</h1>
      <form
        class="panel filters qa-filters"
        aria-label={t('filters')}
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label>
          {t('agent')}
          <input name="agentId" value={draft.agentId} onInput={set('agentId')} maxLength={128} size={10} />
        </label>
        <label>
          {t('team')}
          <input name="team" value={draft.team} onInput={set('team')} maxLength={128} size={10} />
        </label>
        <TriSelect label={t('passed')} name="passed" value={draft.passed} onChange={set('passed')} t={t} yes="pass" no="fail" />
        <TriSelect label={t('veto')} name="veto" value={draft.veto} onChange={set('veto')} t={t} yes="yes" no="no" />
        <TriSelect label={t('reviewed')} name="reviewed" value={draft.reviewed} onChange={set('reviewed')} t={t} yes="reviewedYes" no="reviewedNo" />
        <label>
          {t('minScore')}
          <input name="minScore" type="number" min={0} max={100} step="any" value={draft.minScore} onInput={set('minScore')} class="score-input" />
        </label>
        <label>
          {t('maxScore')}
          <input name="maxScore" type="number" min={0} max={100} step="any" value={draft.maxScore} onInput={set('maxScore')} class="score-input" />
        </label>
        <label>
          {t('failedItem')}
          <select name="failedItem" value={draft.failedItem} onChange={set('failedItem')}>
            <option value="">{t('any')}</option>
            {options.map((o) => (
              <option key={o.itemId} value={o.itemId}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('from')}
          <input name="from" type="date" value={draft.from} onInput={set('from')} />
        </label>
        <label>
          {t('to')}
          <input name="to" type="date" value={draft.to} onInput={set('to')} />
        </label>
        <span class="row">
          <button type="submit" class="primary">
            {t('apply')}
          </button>
          <button type="button" onClick={() => apply(NO_FILTERS)}>
            {t('clear')}
          </button>
        </span>
      </form>

      <section class="panel" aria-labelledby="qa-results-h">
        <h2 id="qa-results-h" class="visually-hidden">
          {t('results')}
        </h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {!error && rows === null && <p class="muted">{t('loading')}</p>}
        {rows && rows.length === 0 && <p class="empty">{t('none')}</p>}
        {rows && rows.length > 0 && <ResultsTable rows={rows} t={t} />}
        <nav class="row pager" aria-label={t('results')}>
          <button
            type="button"
            disabled={before === null}
            onClick={() => route(listUrl(path, filters, earlier.current.pop() ?? null))}
          >
            {t('prev')}
          </button>
          <button
            type="button"
            disabled={next === null}
            onClick={() => {
              earlier.current.push(before);
              route(listUrl(path, filters, next));
            }}
          >
            {t('next')}
          </button>
        </nav>
      </section>
    </main>
  );
}

function TriSelect(props: { label: string; name: string; value: TriState; onChange: (e: Event) => void; t: (k: Key) => string; yes: Key; no: Key }) {
  const { t } = props;
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={props.onChange}>
        <option value="">{t('any')}</option>
        <option value="true">{t(props.yes)}</option>
        <option value="false">{t(props.no)}</option>
      </select>
    </label>
  );
}

function ResultsTable({ rows, t }: { rows: ResultRow[]; t: (k: Key, p?: Record<string, string | number>) => string }) {
  const lang = useLang();
  return (
    <table class="data qa-results">
      <thead>
        <tr>
          <th scope="col">{t('call')}</th>
          <th scope="col">{t('agent')}</th>
          <th scope="col">{t('team')}</th>
          <th scope="col">{t('started')}</th>
          <th scope="col" class="num">
            {t('duration')}
          </th>
          <th scope="col" class="num">
            {t('machine')}
          </th>
          <th scope="col">{t('result')}</th>
          <th scope="col">{t('vetoMark')}</th>
          <th scope="col" class="num">
            {t('human')}
          </th>
          <th scope="col">{t('reviewer')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.callId} data-call-id={r.callId}>
            <th scope="row">
              <a href={`/qa/calls/${encodeURIComponent(r.callId)}`}>{r.callId}</a>
            </th>
            <td>{r.agentId ?? t('noAgent')}</td>
            <td>{r.team ?? t('noAgent')}</td>
            <td>{wallTime(r.startedAt, lang)}</td>
            <td class="num">{r.durationMs !== null ? duration(r.durationMs) : '—'}</td>
            <td class="num machine-total">{points(r.total)}</td>
            <td>
              <span class={r.passed ? 'pass' : 'fail'}>{t(r.passed ? 'pass' : 'fail')}</span>
            </td>
            <td>{r.veto ? <span class="sev sev-critical">{t('vetoed')}</span> : <span class="muted">—</span>}</td>
            <td class="num human-total">
              {r.review ? (
                <>
                  {points(r.review.total)} <span class={r.review.passed ? 'pass' : 'fail'}>{t(r.review.passed ? 'pass' : 'fail')}</span>
                </>
              ) : (
                '—'
              )}
            </td>
            <td>{r.review ? t('reviewedBy', { who: r.review.reviewer, at: wallTime(r.review.createdAt, lang) }) : <span class="muted">{t('pending')}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
