import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { ApiError, getJson, postJson } from '../api';
import { applyEvents, emptyCall, type TranscriptLine } from '../call-state';
import { ReviewFormFooter } from '../components/review-form';
import { ScorecardTable, type EvidenceRef } from '../components/scorecard-table';
import { Transcript } from '../components/transcript';
import { duration, points, wallTime } from '../format';
import { messages, useLang, useT } from '../i18n';
import { formProblems, humanTotal, initialForm, latestReview, reviewBody, type QaResultDetail, type Review, type ReviewForm } from '../qa-review';
import { fetchCallEvents } from '../use-call';
import './qa.css';

const m = messages({
  zh: {
    title: '质检详情 · {id}', back: '← 质检结果', agent: '坐席', team: '班组', started: '开始时间', duration: '时长',
    machine: '机器评分', human: '复核评分', passMark: '及格线 {n}', pass: '合格', fail: '不合格', veto: '一票否决', noVeto: '无',
    notReviewed: '未复核', by: '{who} · {at}', scorecard: '质检表版本', ruleSet: '规则集版本', scored: '评分时间',
    transcript: '通话转写', noTranscript: '没有转写记录。', transcriptError: '转写读取失败：{e}', loading: '加载中…',
    history: '复核记录', historyRow: '{at} · {who}：{total}（{verdict}），改分 {n} 项', none: '—', facts: '通话与评分',
  },
  en: {
    title: 'QA · {id}', back: '← QA results', agent: 'Agent', team: 'Team', started: 'Started', duration: 'Duration',
    machine: 'Machine score', human: 'Inspector score', passMark: 'pass mark {n}', pass: 'Pass', fail: 'Fail', veto: 'Veto', noVeto: 'None',
    notReviewed: 'Not reviewed', by: '{who} · {at}', scorecard: 'Scorecard version', ruleSet: 'Rule set version', scored: 'Scored',
    transcript: 'Transcript', noTranscript: 'No transcript.', transcriptError: 'Could not read the transcript: {e}', loading: 'Loading…',
    history: 'Reviews', historyRow: '{at} · {who}: {total} ({verdict}), {n} item(s) overridden', none: '—', facts: 'Call and score',
  },
});

const errorText = (err: unknown): string => (err instanceof ApiError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err));

/** `/qa/calls/:callId`: the machine score by scorecard item with its evidence, the transcript beside it, and the review. */
export function QaCallView({ callId: fromProps }: { callId?: string }) {
  const t = useT(m);
  const lang = useLang();
  const route = useRoute();
  const callId = fromProps ?? route.params.callId ?? '';
  const [result, setResult] = useState<QaResultDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [lines, setLines] = useState<TranscriptLine[] | null>(null);
  const [transcriptError, setTranscriptError] = useState<string | null>(null);
  const [form, setForm] = useState<ReviewForm | null>(null);
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [apiError, setApiError] = useState<string | null>(null);
  const [saved, setSaved] = useState<Review | null>(null);
  const [active, setActive] = useState<EvidenceRef | null>(null);

  const load = async (): Promise<void> => {
    const r = await getJson<QaResultDetail>(`/v1/qa/results/${encodeURIComponent(callId)}`);
    setResult(r);
    setForm(initialForm(r));
  };

  useEffect(() => {
    let alive = true;
    setResult(null);
    setLines(null);
    setLoadError(null);
    setTranscriptError(null);
    setTried(false);
    setSaved(null);
    setApiError(null);
    setActive(null);
    load().catch((err) => alive && setLoadError(errorText(err)));
    fetchCallEvents(callId).then(
      (events) => alive && setLines(applyEvents(emptyCall(callId), events).lines.filter((l) => l.final)),
      (err) => alive && setTranscriptError(errorText(err)),
    );
    return () => void (alive = false);
  }, [callId]);

  if (loadError) {
    return (
      <main class="qa">
        <a href="/qa">{t('back')}</a>
        <h1 class="page-title">{t('title', { id: callId })}</h1>
        <p class="error" role="alert">
          {loadError}
        </p>
      </main>
    );
  }
  if (!result || !form) {
    return (
      <main class="qa">
        <p class="muted">{t('loading')}</p>
      </main>
    );
  }

  const latest = latestReview(result);
  const problems = tried ? formProblems(result.items, form) : [];
  const preview = humanTotal(result, form);
  const verdict = (passed: boolean) => <span class={passed ? 'pass' : 'fail'}>{t(passed ? 'pass' : 'fail')}</span>;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTried(true);
    setSaved(null);
    if (formProblems(result.items, form).length > 0) return;
    setSaving(true);
    setApiError(null);
    try {
      const review = await postJson<Review>(`/v1/qa/results/${encodeURIComponent(callId)}/reviews`, reviewBody(result.items, form));
      setSaved(review);
      setTried(false);
      await load();
    } catch (err) {
      setApiError(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <main class="qa qa-call">
      <a href="/qa">{t('back')}</a>
      <h1 class="page-title">{t('title', { id: result.callId })}</h1>
      <section class="panel" aria-label={t('facts')}>
        <dl class="qa-facts">
          <div>
            <dt>{t('agent')}</dt>
            <dd>{result.agentId ?? t('none')}</dd>
          </div>
          <div>
            <dt>{t('team')}</dt>
            <dd>{result.team ?? t('none')}</dd>
          </div>
          <div>
            <dt>{t('started')}</dt>
            <dd>{wallTime(result.startedAt, lang)}</dd>
          </div>
          <div>
            <dt>{t('duration')}</dt>
            <dd>{duration(result.durationMs)}</dd>
          </div>
          <div class="big">
            <dt>{t('machine')}</dt>
            <dd>
              <strong class="machine-total">{points(result.total)}</strong> <span class="muted">/ {t('passMark', { n: points(result.passMark) })}</span> {verdict(result.passed)}
            </dd>
          </div>
          <div class="big">
            <dt>{t('human')}</dt>
            <dd>
              {latest ? (
                <>
                  <strong class="human-total">{points(latest.total)}</strong> {verdict(latest.passed)}{' '}
                  <span class="muted">{t('by', { who: latest.reviewer, at: wallTime(latest.createdAt, lang) })}</span>
                </>
              ) : (
                <span class="muted">{t('notReviewed')}</span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('veto')}</dt>
            <dd>
              {result.veto ? (
                <span class="sev sev-critical">
                  {result.items.find((i) => i.itemId === result.veto!.itemId)?.name ?? result.veto.itemId} · {result.veto.ruleIds.join(', ')}
                </span>
              ) : (
                t('noVeto')
              )}
            </dd>
          </div>
          <div>
            <dt>{t('scorecard')}</dt>
            <dd>
              {result.scorecardId} {result.scorecardVersion}
            </dd>
          </div>
          <div>
            <dt>{t('ruleSet')}</dt>
            <dd>{result.ruleSetVersion ?? t('none')}</dd>
          </div>
          <div>
            <dt>{t('scored')}</dt>
            <dd>{wallTime(result.scoredAt, lang)}</dd>
          </div>
        </dl>
      </section>

      <div class="qa-call-grid">
        <form class="qa-review" onSubmit={submit} noValidate>
          <div class="panel scorecard-panel">
            <ScorecardTable
              items={result.items}
              sections={result.sections}
              latest={latest}
              decisions={form.items}
              onDecision={(itemId, d) => setForm({ ...form, items: { ...form.items, [itemId]: d } })}
              problems={problems}
              active={active}
              onEvidence={setActive}
            />
          </div>
          <ReviewFormFooter
            form={form}
            onChange={setForm}
            machineVeto={result.veto !== null}
            preview={preview}
            problems={problems}
            itemName={(id) => result.items.find((i) => i.itemId === id)?.name ?? id}
            saving={saving}
            apiError={apiError}
            saved={saved}
          />
          {result.reviews.length > 0 && (
            <section class="panel" aria-labelledby="history-h">
              <h2 id="history-h">{t('history')}</h2>
              <ul class="plain review-history">
                {[...result.reviews].reverse().map((r) => (
                  <li key={r.reviewId}>
                    {t('historyRow', { at: wallTime(r.createdAt, lang), who: r.reviewer, total: points(r.total), verdict: t(r.passed ? 'pass' : 'fail'), n: r.items.length })}
                    {r.comment && <div class="muted">{r.comment}</div>}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </form>
        <section class="panel transcript-panel" aria-labelledby="transcript-h">
          <h2 id="transcript-h">{t('transcript')}</h2>
          {transcriptError && (
            <p class="error" role="alert">
              {t('transcriptError', { e: transcriptError })}
            </p>
          )}
          {lines === null && !transcriptError && <p class="muted">{t('loading')}</p>}
          {lines && lines.length === 0 && <p class="empty">{t('noTranscript')}</p>}
          {lines && lines.length > 0 && <Transcript lines={lines} highlightMs={active?.startMs ?? null} label={t('transcript')} maxHeight="calc(100vh - 9rem)" />}
        </section>
      </div>
    </main>
  );
}
