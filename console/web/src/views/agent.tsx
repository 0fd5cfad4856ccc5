import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api';
import { alertsFor, elapsedMs } from '../call-state';
import { AlertItem } from '../components/alert-item';
import { ConnectionBadge } from '../components/connection';
import { SuggestionCard } from '../components/suggestion-card';
import { TalkMeter } from '../components/talk-meter';
import { Transcript } from '../components/transcript';
import { duration } from '../format';
import { messages, useT } from '../i18n';
import { common } from '../labels';
import { subscribe, type LiveStatus } from '../live';
import { talkShares } from '../talk-meter';
import { useLiveCall, useNow } from '../use-call';
import './agent.css';

const m = messages({
  zh: {
    title: '坐席助手 · {agent}', waiting: '等待来电…该坐席的下一通电话接通后，这里会实时显示。', call: '通话 {id}',
    reminders: '提醒与告警', noReminders: '暂无提醒', suggestions: '知识推荐', noSuggestions: '客户提问后，这里会推荐知识库答案',
    transcript: '实时转写', noTranscript: '尚无转写', more: '另有 {n} 条较早的推荐', ended: '通话已结束（{reason}）',
  },
  en: {
    title: 'Agent assist · {agent}', waiting: "Waiting for a call… the agent's next call shows here live.", call: 'Call {id}',
    reminders: 'Reminders and alerts', noReminders: 'No reminders', suggestions: 'Knowledge suggestions', noSuggestions: 'Answers from the knowledge base appear here when the customer asks',
    transcript: 'Live transcript', noTranscript: 'No transcript yet', more: '{n} earlier suggestions', ended: 'Call ended ({reason})',
  },
});

const SHOWN_SUGGESTIONS = 4;

/** The agent's latest call: the newest one on record, then every call that starts for this agent. */
function useAgentCallId(agentId: string): { callId: string | null; status: LiveStatus } {
  const [callId, setCallId] = useState<string | null>(null);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  useEffect(() => {
    let alive = true;
    const latest = (): void => {
      getJson<{ calls: { callId: string; status: string }[] }>(`/v1/calls?agentId=${encodeURIComponent(agentId)}&limit=1`)
        .then((r) => {
          const c = r.calls[0];
          if (alive && c) setCallId((cur) => (cur && c.status !== 'live' ? cur : c.callId));
        })
        .catch(() => {});
    };
    setCallId(null);
    const stop = subscribe(
      { types: ['call.started'] },
      (e) => {
        if (e.type === 'call.started' && e.agentId === agentId) setCallId(e.callId);
      },
      setStatus,
      latest,
    );
    return () => {
      alive = false;
      stop();
    };
  }, [agentId]);
  return { callId, status };
}

/** `/agent/:agentId`: what the agent needs during the call, readable in a 400 px side panel. */
export function AgentView({ agentId }: { agentId: string }) {
  const t = useT(m);
  const c = useT(common);
  const agent = useAgentCallId(agentId);
  const { call, status: callStatus, error } = useLiveCall(agent.callId);
  const status = call ? callStatus : agent.status;
  const now = useNow(1000);
  const [showAll, setShowAll] = useState(false);
  const elapsed = call ? elapsedMs(call, now) : 0;
  const alerts = call ? alertsFor(call, 'agent') : [];
  const suggestions = call ? (showAll ? call.suggestions : call.suggestions.slice(0, SHOWN_SUGGESTIONS)) : [];
  return (
    <main class="agent-view" aria-label={t('title', { agent: agentId })}>
      <section class="panel agent-status" aria-labelledby="agent-h">
        <div class="row">
          <h1 id="agent-h" class="page-title" style={{ margin: 0 }}>
            {t('title', { agent: agentId })}
          </h1>
          <ConnectionBadge status={status} />
        </div>
        {!call && <p class="empty">{t('waiting')}</p>}
        {call && (
          <>
            <div class="row">
              <span class="muted">{t('call', { id: call.callId })}</span>
              <span class={call.status === 'live' ? 'pass' : 'muted'}>{c(call.status)}</span>
              <span class="call-clock" aria-label={duration(elapsed)}>
                {duration(elapsed)}
              </span>
            </div>
            {call.status === 'ended' && <p class="muted">{t('ended', { reason: call.endReason ?? '' })}</p>}
            <TalkMeter shares={talkShares(call, elapsed)} />
          </>
        )}
        {error && <p class="error">{error}</p>}
      </section>
      <section class="panel agent-alerts" aria-labelledby="rem-h">
        <h2 id="rem-h">{t('reminders')}</h2>
        <ul class="plain" aria-live="polite" data-testid="agent-alerts">
          {alerts.map((a) => (
            <AlertItem key={a.alertId} alert={a} showChannel={a.channel !== 'agent'} />
          ))}
        </ul>
        {call && alerts.length === 0 && <p class="empty">{t('noReminders')}</p>}
      </section>
      <section class="panel agent-suggest" aria-labelledby="sug-h">
        <h2 id="sug-h">{t('suggestions')}</h2>
        <div aria-live="polite" data-testid="agent-suggestions">
          {suggestions.map((s) => (
            <SuggestionCard key={s.suggestionId} s={s} agentId={agentId} />
          ))}
        </div>
        {call && call.suggestions.length === 0 && <p class="empty">{t('noSuggestions')}</p>}
        {call && !showAll && call.suggestions.length > SHOWN_SUGGESTIONS && (
          <button type="button" onClick={() => setShowAll(true)}>
            {t('more', { n: call.suggestions.length - SHOWN_SUGGESTIONS })}
          </button>
        )}
      </section>
      <section class="panel agent-talk" aria-labelledby="tr-h">
        <h2 id="tr-h">{t('transcript')}</h2>
        {call && call.lines.length === 0 && <p class="empty">{t('noTranscript')}</p>}
        <Transcript lines={call?.lines ?? []} follow label={t('transcript')} maxHeight="70vh" />
      </section>
    </main>
  );
}
