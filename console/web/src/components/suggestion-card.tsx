import { useState } from 'preact/hooks';
import { postJson } from '../api';
import { messages, useT } from '../i18n';
import type { SuggestionEvent } from '../events';

const m = messages({
  zh: { why: '匹配原因', useful: '有用', notUseful: '没用', thanks: '已反馈，谢谢', failed: '反馈未保存：{msg}', feedback: '这条建议有用吗？' },
  en: { why: 'Why', useful: 'Useful', notUseful: 'Not useful', thanks: 'Thanks for the feedback', failed: 'Feedback not saved: {msg}', feedback: 'Was this suggestion useful?' },
});

type Verdict = 'useful' | 'not-useful';

/** A knowledge suggestion: title, the key answer sentence, why it matched, and the agent's verdict on it. */
export function SuggestionCard({ s, agentId }: { s: SuggestionEvent; agentId: string }) {
  const t = useT(m);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = (v: Verdict): void => {
    setError(null);
    postJson(`/v1/kb/articles/${encodeURIComponent(s.articleId)}/feedback`, { verdict: v, callId: s.callId, suggestionId: s.suggestionId, agentId })
      .then(() => setVerdict(v))
      .catch((err: Error) => setError(t('failed', { msg: err.message })));
  };
  const titleId = `sg-${s.suggestionId}`;
  return (
    <article class="suggestion" aria-labelledby={titleId} data-article={s.articleId} data-suggestion-id={s.suggestionId}>
      <h3 id={titleId}>{s.title}</h3>
      <p class="answer">{s.answer}</p>
      <p class="why">
        <span class="muted">{t('why')}：</span>
        {s.reason}
      </p>
      <div class="row" role="group" aria-label={t('feedback')}>
        <button type="button" aria-pressed={verdict === 'useful'} disabled={verdict !== null} onClick={() => send('useful')}>
          {t('useful')}
        </button>
        <button type="button" aria-pressed={verdict === 'not-useful'} disabled={verdict !== null} onClick={() => send('not-useful')}>
          {t('notUseful')}
        </button>
        {verdict && (
          <span class="muted" role="status">
            {t('thanks')}
          </span>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}
