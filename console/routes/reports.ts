import type { FastifyInstance } from 'fastify';
import { EarshotError } from '../../engine/errors.js';
import { calibrate } from '../../engine/qa/calibration.js';
import type { QaStore } from '../../engine/qa/qa-store.js';
import { agentReport, goLiveCheck, itemReport, ranking, reportResults, scoreDistribution, teamReport, WEEK_MS, type ScoreSource } from '../../engine/qa/reports.js';
import type { LoadedScorecard } from '../../engine/qa/scorecard.js';
import { parseTime } from './qa.js';

const time = { type: 'string', minLength: 1, maxLength: 40 } as const;
const team = { type: 'string', minLength: 1, maxLength: 128 } as const;
const agentId = { type: 'string', minLength: 1, maxLength: 128 } as const;
const score = { type: 'string', enum: ['final', 'machine'], default: 'final' } as const;
const querystring = (properties: Record<string, unknown>, required: string[] = []) => ({
  querystring: { type: 'object', additionalProperties: false, required, properties },
});

/** The rules whose alerts make a call a complaint call, unless `rules` names others. */
export const COMPLAINT_RULES = ['complaint-escalation', 'customer-anger'];

interface PeriodQuery {
  from?: string;
  to?: string;
}

/** [from, to) in ms from the query; 400 when a bound is unreadable or from ≥ to. */
function period(q: PeriodQuery): { from?: number; to?: number } {
  const from = parseTime(q.from, 'from');
  const to = parseTime(q.to, 'to');
  if (from !== undefined && to !== undefined && from >= to) throw new EarshotError('EARSHOT_ERR_HTTP_BAD_REQUEST', `from (${from}) must be before to (${to})`);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}
const echo = (p: { from?: number; to?: number }) => ({ from: p.from ?? null, to: p.to ?? null });

/**
 * Calibration figures and QA reports as JSON for the console (docs/qa.md "Calibration and reports"): agreement
 * between machine and inspectors per item, scores per agent / team / item, the score distribution, coaching
 * ranking, go-live check, hot topics and complaint calls. Periods are [from, to) on the call's start; times are ms or ISO 8601.
 */
export function registerReportRoutes(app: FastifyInstance, qa: QaStore, scorecard: LoadedScorecard, now: () => number = Date.now): void {
  app.get<{ Querystring: PeriodQuery & { limit: number } }>(
    '/v1/qa/calibration',
    { schema: querystring({ from: time, to: time, limit: { type: 'integer', minimum: 1, maximum: 200, default: 10 } }) },
    async (req) => {
      const p = period(req.query);
      return { period: echo(p), ...calibrate(qa.reviewedResults(p.from, p.to), { limit: req.query.limit }) };
    },
  );

  app.get<{ Querystring: PeriodQuery & { team?: string; score: ScoreSource } }>(
    '/v1/reports/agents',
    { schema: querystring({ from: time, to: time, team, score }) },
    async (req) => {
      const p = period(req.query);
      const { team: t, score: source } = req.query;
      const rows = agentReport(reportResults(qa.resultsInPeriod({ ...p, ...(t !== undefined ? { team: t } : {}) }), source));
      return { period: echo(p), team: t ?? null, score: source, agents: rows };
    },
  );

  app.get<{ Querystring: PeriodQuery & { team?: string; score: ScoreSource } }>(
    '/v1/reports/distribution',
    { schema: querystring({ from: time, to: time, team, score }) },
    async (req) => {
      const p = period(req.query);
      const { team: t, score: source } = req.query;
      const distribution = scoreDistribution(reportResults(qa.resultsInPeriod({ ...p, ...(t !== undefined ? { team: t } : {}) }), source));
      // Today's pass mark, as the go-live check uses.
      return { period: echo(p), team: t ?? null, score: source, passMark: scorecard.scorecard.passMark, ...distribution };
    },
  );

  app.get<{ Querystring: PeriodQuery & { score: ScoreSource } }>(
    '/v1/reports/teams',
    { schema: querystring({ from: time, to: time, score }) },
    async (req) => {
      const p = period(req.query);
      return { period: echo(p), score: req.query.score, teams: teamReport(reportResults(qa.resultsInPeriod(p), req.query.score)) };
    },
  );

  app.get<{ Querystring: PeriodQuery & { team?: string; agentId?: string; score: ScoreSource } }>(
    '/v1/reports/items',
    { schema: querystring({ from: time, to: time, team, agentId, score }) },
    async (req) => {
      const p = period(req.query);
      const { team: t, agentId: a, score: source } = req.query;
      const results = reportResults(qa.resultsInPeriod({ ...p, ...(t !== undefined ? { team: t } : {}), ...(a !== undefined ? { agentId: a } : {}) }), source);
      let calls = 0;
      const counted = (function* () {
        for (const r of results) {
          calls++;
          yield r;
        }
      })();
      const items = itemReport(counted);
      return { period: echo(p), team: t ?? null, agentId: a ?? null, score: source, calls, items };
    },
  );

  app.get<{ Querystring: PeriodQuery & { team?: string; bottom: number; top: number; minCalls: number; score: ScoreSource } }>(
    '/v1/reports/ranking',
    {
      schema: querystring({
        from: time, to: time, team, score,
        bottom: { type: 'integer', minimum: 0, maximum: 1000, default: 100 },
        top: { type: 'integer', minimum: 0, maximum: 1000, default: 30 },
        minCalls: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
      }),
    },
    async (req) => {
      const p = period(req.query);
      const { team: t, bottom, top, minCalls, score: source } = req.query;
      const agents = agentReport(reportResults(qa.resultsInPeriod({ ...p, ...(t !== undefined ? { team: t } : {}) }), source));
      return { period: echo(p), team: t ?? null, score: source, ...ranking(agents, { bottom, top, minCalls }) };
    },
  );

  app.get<{ Querystring: { agentId: string; from: string; score: ScoreSource } }>(
    '/v1/reports/go-live',
    { schema: querystring({ agentId, from: time, score }, ['agentId', 'from']) },
    async (req) => {
      const from = parseTime(req.query.from, 'from')!;
      const { agentId: a, score: source } = req.query;
      const results = reportResults(qa.resultsInPeriod({ from, to: from + WEEK_MS, agentId: a }), source);
      // Today's pass mark (85 in the default scorecard), whatever the week's calls were scored under.
      return { score: source, ...goLiveCheck(results, { agentId: a, from, passMark: scorecard.scorecard.passMark, now: now() }) };
    },
  );

  app.get<{ Querystring: PeriodQuery & { team?: string; k: number } }>(
    '/v1/reports/topics',
    { schema: querystring({ from: time, to: time, team, k: { type: 'integer', minimum: 1, maximum: 100, default: 10 } }) },
    async (req) => {
      const p = period(req.query);
      const { team: t, k } = req.query;
      const q = { ...p, ...(t !== undefined ? { team: t } : {}), limit: k };
      return { period: echo(p), team: t ?? null, articles: qa.suggestedArticles(q), keywords: qa.keywordHits(q) };
    },
  );

  app.get<{ Querystring: PeriodQuery & { team?: string; rules?: string; limit: number; score: ScoreSource } }>(
    '/v1/reports/complaints',
    {
      schema: querystring({
        from: time, to: time, team, score,
        rules: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}(,[a-z0-9][a-z0-9_-]{0,63}){0,19}$' },
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      }),
    },
    async (req) => {
      const p = period(req.query);
      const { team: t, limit, score: source } = req.query;
      const ruleIds = req.query.rules !== undefined ? [...new Set(req.query.rules.split(','))] : COMPLAINT_RULES;
      const calls = qa.alertedCalls({ ...p, ...(t !== undefined ? { team: t } : {}), ruleIds, limit }).map((c) => {
        const r = c.qa ? [...reportResults([c.qa], source)][0]! : null;
        return {
          callId: c.callId, agentId: c.agentId, team: c.team, startedAt: c.startedAt, rules: [...new Set(c.alerts.map((a) => a.ruleId))],
          quote: c.alerts[0]!.quote, alerts: c.alerts,
          total: r?.total ?? null, passed: r?.passed ?? null, reviewed: r?.reviewed ?? false,
        };
      });
      return { period: echo(p), team: t ?? null, score: source, rules: ruleIds, calls };
    },
  );
}
