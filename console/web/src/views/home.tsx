import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { getJson } from '../api';
import { duration, wallTime } from '../format';
import { messages, useLang, useT } from '../i18n';

const m = messages({
  zh: {
    title: 'Earshot 实时坐席辅助与语音质检', live: '进行中的通话', none: '当前没有通话。运行 npm run demo 推送一通演示通话。',
    agentView: '坐席助手', open: '打开', agentId: '坐席工号', views: '视图',
    supervisor: '班长监控墙：全场通话与告警', qa: '质检：机器预评分、复核、报表与校准', since: '开始于 {t}', noAgent: '（无坐席）',
  },
  en: {
    title: 'Earshot real-time agent assist and speech QA', live: 'Live calls', none: 'No calls right now. Run npm run demo to stream a demo call.',
    agentView: 'Agent assist', open: 'Open', agentId: 'Agent ID', views: 'Views',
    supervisor: 'Supervisor wall: every live call and alert on the floor', qa: 'QA: machine pre-scores, reviews, reports and calibration', since: 'started {t}', noAgent: '(no agent)',
  },
});

interface CallRow {
  callId: string;
  agentId: string | null;
  startedAt: number;
  durationMs: number | null;
}

export function HomeView() {
  const t = useT(m);
  const lang = useLang();
  const { route } = useLocation();
  const [calls, setCalls] = useState<CallRow[] | null>(null);
  const [agent, setAgent] = useState('');
  useEffect(() => {
    getJson<{ calls: CallRow[] }>('/v1/calls?status=live&limit=100').then((r) => setCalls(r.calls), () => setCalls([]));
  }, []);
  return (
    <main>
      <h1 class="page-title">{t('title')}</h1>
      <div class="panel" style={{ marginBottom: '.8rem' }}>
        <h2>{t('views')}</h2>
        <ul>
          <li>
            <a href="/supervisor">{t('supervisor')}</a>
          </li>
          <li>
            <a href="/qa">{t('qa')}</a>
          </li>
        </ul>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (agent.trim()) route(`/agent/${encodeURIComponent(agent.trim())}`);
          }}
        >
          <label>
            {t('agentView')} · {t('agentId')}{' '}
            <input value={agent} onInput={(e) => setAgent(e.currentTarget.value)} maxLength={128} />
          </label>
          <button type="submit">{t('open')}</button>
        </form>
      </div>
      <section class="panel" aria-labelledby="live-h">
        <h2 id="live-h">{t('live')}</h2>
        {calls && calls.length === 0 && <p class="empty">{t('none')}</p>}
        <ul>
          {(calls ?? []).map((c) => (
            <li key={c.callId}>
              {c.agentId ? <a href={`/agent/${encodeURIComponent(c.agentId)}`}>{c.agentId}</a> : t('noAgent')} · {c.callId} ·{' '}
              <span class="muted">{t('since', { t: wallTime(c.startedAt, lang) })}</span>
              {c.durationMs !== null && ` · ${duration(c.durationMs)}`}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
