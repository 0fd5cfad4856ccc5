import type { FastifyInstance } from 'fastify';
import { EarshotError } from '../../engine/errors.js';
import { INCIDENT_FLOW, type IncidentStatus, type QaStore } from '../../engine/qa/qa-store.js';
import type { QaService } from '../../engine/qa/qa-service.js';
import type { RuleService } from '../../engine/detect/rule-service.js';
import { validateRuleSet } from '../../engine/detect/rule-validate.js';
import type { Store } from '../../engine/store/store.js';
import type { LoadedScorecard } from '../../engine/qa/scorecard.js';
import { parseScorecard } from '../../engine/qa/scorecard-loader.js';
import { whatIf } from '../../engine/qa/what-if.js';

const callIdParam = { type: 'object', required: ['callId'], properties: { callId: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const itemId = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } as const;

/** A time bound: ms since the epoch, or an ISO 8601 date/time. */
export function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new EarshotError('EARSHOT_ERR_HTTP_BAD_REQUEST', `${field} must be ms since the epoch or an ISO date, got "${value}"`);
  return ms;
}

interface ResultsQuery {
  agentId?: string;
  team?: string;
  from?: string;
  to?: string;
  minScore?: number;
  maxScore?: number;
  failedItem?: string;
  veto?: boolean;
  passed?: boolean;
  reviewed?: boolean;
  limit: number;
  before?: number;
}

/** QA over REST: machine results with their evidence, inspectors' reviews, incident sheets (沟通单). */
export interface QaRouteDeps {
  store: Store;
  rules: RuleService;
  scorecard: LoadedScorecard;
}

export function registerQaRoutes(app: FastifyInstance, qa: QaStore, service: QaService | null, deps: QaRouteDeps): void {
  app.get<{ Querystring: ResultsQuery }>(
    '/v1/qa/results',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            agentId: { type: 'string', maxLength: 128 }, team: { type: 'string', maxLength: 128 },
            from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 },
            minScore: { type: 'number', minimum: 0, maximum: 100 }, maxScore: { type: 'number', minimum: 0, maximum: 100 },
            failedItem: itemId, veto: { type: 'boolean' }, passed: { type: 'boolean' }, reviewed: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, before: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = qa.listResults({
        ...(q.agentId !== undefined ? { agentId: q.agentId } : {}),
        ...(q.team !== undefined ? { team: q.team } : {}),
        ...(q.from !== undefined ? { from: parseTime(q.from, 'from')! } : {}),
        ...(q.to !== undefined ? { to: parseTime(q.to, 'to')! } : {}),
        ...(q.minScore !== undefined ? { minTotal: q.minScore } : {}),
        ...(q.maxScore !== undefined ? { maxTotal: q.maxScore } : {}),
        ...(q.failedItem !== undefined ? { failedItem: q.failedItem } : {}),
        ...(q.veto !== undefined ? { veto: q.veto } : {}),
        ...(q.passed !== undefined ? { passed: q.passed } : {}),
        ...(q.reviewed !== undefined ? { reviewed: q.reviewed } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
        limit: q.limit,
      });
      const results = rows.map(({ result, scoredAt, review }) => ({
        callId: result.callId, agentId: result.agentId, team: result.team, startedAt: result.startedAt, durationMs: result.durationMs,
        scorecardVersion: result.scorecardVersion, total: result.total, passed: result.passed, veto: result.veto,
        failedItems: result.items.filter((i) => i.kind === 'score' && ['deducted', 'failed', 'veto'].includes(i.status)).map((i) => i.itemId),
        scoredAt, review: review ? { total: review.total, passed: review.passed, reviewer: review.reviewer, createdAt: review.createdAt } : null,
      }));
      const last = rows[rows.length - 1];
      return { results, next: rows.length === q.limit && last ? last.result.startedAt : null };
    },
  );

  // The scorecard calls are scored on now; `version` is what a result records as scorecardVersion.
  app.get('/v1/qa/scorecard', async () => ({ ...deps.scorecard.scorecard, label: deps.scorecard.scorecard.version, version: deps.scorecard.version }));

  app.get<{ Params: { callId: string } }>('/v1/qa/results/:callId', { schema: { params: callIdParam } }, async (req) => {
    const stored = qa.getResult(req.params.callId);
    if (!stored) throw new EarshotError('EARSHOT_ERR_QA_NOT_FOUND', `call "${req.params.callId}"`);
    // Section names for the console (results carry only section ids) when the loaded scorecard is the call's,
    // and the veto mode that inspectors' reviews are totalled with (qa-service review()).
    const card = deps.scorecard.scorecard;
    const sections = card.id === stored.result.scorecardId ? card.sections.map((s) => ({ sectionId: s.id, name: s.name })) : [];
    return { ...stored.result, scoredAt: stored.scoredAt, reviews: qa.reviews(req.params.callId), sections, vetoMode: card.vetoMode ?? 'zero' };
  });

  app.post<{ Params: { callId: string }; Body: { reviewer: string; comment?: string; veto?: boolean; items: { itemId: string; points: number; comment?: string }[] } }>(
    '/v1/qa/results/:callId/reviews',
    {
      schema: {
        params: callIdParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reviewer', 'items'],
          properties: {
            reviewer: { type: 'string', minLength: 1, maxLength: 128 },
            comment: { type: 'string', maxLength: 2000 },
            veto: { type: 'boolean' },
            items: {
              type: 'array', maxItems: 200,
              items: {
                type: 'object', additionalProperties: false, required: ['itemId', 'points'],
                properties: { itemId, points: { type: 'number', minimum: -100, maximum: 100 }, comment: { type: 'string', maxLength: 2000 } },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      if (!service) throw new EarshotError('EARSHOT_ERR_QA_NOT_FOUND', 'this process runs no QA worker (--qa no)');
      const stored = qa.getResult(req.params.callId);
      if (!stored) throw new EarshotError('EARSHOT_ERR_QA_NOT_FOUND', `call "${req.params.callId}"`);
      const seen = new Set<string>();
      for (const o of req.body.items) {
        const item = stored.result.items.find((i) => i.itemId === o.itemId);
        if (!item) throw new EarshotError('EARSHOT_ERR_QA_REVIEW_INVALID', `item "${o.itemId}" is not on this result's scorecard`);
        if (seen.has(o.itemId)) throw new EarshotError('EARSHOT_ERR_QA_REVIEW_INVALID', `item "${o.itemId}" is given twice`);
        seen.add(o.itemId);
        const [min, max] = item.kind === 'penalty' ? [-item.maxPoints, 0] : [0, item.maxPoints];
        if (o.points < min || o.points > max) throw new EarshotError('EARSHOT_ERR_QA_REVIEW_INVALID', `item "${o.itemId}" takes ${min} to ${max} points, got ${o.points}`);
      }
      const review = service.review(req.params.callId, req.body);
      return reply.status(201).send(review);
    },
  );

  app.get<{ Querystring: { status?: IncidentStatus; agentId?: string; limit: number } }>(
    '/v1/qa/incidents',
    {
      schema: {
        querystring: {
          type: 'object', additionalProperties: false,
          properties: { status: { type: 'string', enum: ['open', 'discussed', 'closed'] }, agentId: { type: 'string', maxLength: 128 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
        },
      },
    },
    async (req) => ({ incidents: qa.listIncidents({ ...req.query }) }),
  );

  const incidentParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^inc-\\d{1,12}$' } } } as const;
  app.get<{ Params: { id: string } }>('/v1/qa/incidents/:id', { schema: { params: incidentParam } }, async (req) => {
    const incident = qa.getIncident(req.params.id);
    if (!incident) throw new EarshotError('EARSHOT_ERR_INCIDENT_NOT_FOUND', `"${req.params.id}"`);
    return incident;
  });

  app.patch<{ Params: { id: string }; Body: { status: IncidentStatus; by?: string; note?: string } }>(
    '/v1/qa/incidents/:id',
    {
      schema: {
        params: incidentParam,
        body: {
          type: 'object', additionalProperties: false, required: ['status'],
          properties: { status: { type: 'string', enum: ['open', 'discussed', 'closed'] }, by: { type: 'string', maxLength: 128 }, note: { type: 'string', maxLength: 4000 } },
        },
      },
    },
    async (req) => {
      const incident = qa.getIncident(req.params.id);
      if (!incident) throw new EarshotError('EARSHOT_ERR_INCIDENT_NOT_FOUND', `"${req.params.id}"`);
      if (!INCIDENT_FLOW[incident.status].includes(req.body.status)) {
        throw new EarshotError('EARSHOT_ERR_INCIDENT_TRANSITION', `${incident.status} → ${req.body.status} (allowed: ${INCIDENT_FLOW[incident.status].join(', ') || 'none, it is closed'})`);
      }
      if (req.body.status === 'closed' && incident.status === 'discussed' && !req.body.note) {
        throw new EarshotError('EARSHOT_ERR_HTTP_BAD_REQUEST', 'closing a discussed incident needs the feedback as note');
      }
      return qa.updateIncident(req.params.id, req.body.status, req.body.by ?? null, req.body.note ?? null, Date.now());
    },
  );

  interface WhatIfBody {
    scorecard?: Record<string, unknown>;
    rules?: { upsert?: Record<string, unknown>[]; disable?: string[] };
    from?: string;
    to?: string;
    agentId?: string;
    team?: string;
    limit: number;
  }
  /**
   * What-if: re-score stored calls under a changed scorecard (a whole scorecard object) and/or rule changes
   * (rules to add or replace by id, ids to switch off), leaving every stored result as it is.
   */
  app.post<{ Body: WhatIfBody }>(
    '/v1/qa/what-if',
    {
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            scorecard: { type: 'object' },
            rules: {
              type: 'object', additionalProperties: false,
              properties: { upsert: { type: 'array', maxItems: 500, items: { type: 'object' } }, disable: { type: 'array', maxItems: 500, items: { type: 'string', maxLength: 64 } } },
            },
            from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 },
            agentId: { type: 'string', maxLength: 128 }, team: { type: 'string', maxLength: 128 },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 },
          },
        },
      },
    },
    async (req) => {
      const b = req.body;
      let rules = deps.rules.active.rules.map((r) => ({ raw: r.rule as unknown, file: r.file }));
      if (b.rules) {
        const disable = new Set(b.rules.disable ?? []);
        const upsert = b.rules.upsert ?? [];
        const ids = new Set(upsert.map((r) => r.id));
        rules = [...rules.filter((r) => !disable.has((r.raw as { id: string }).id) && !ids.has((r.raw as { id: string }).id)), ...upsert.map((raw) => ({ raw: raw as unknown, file: '(request)' }))];
      }
      const checked = b.rules ? validateRuleSet(rules) : null;
      const requestErrors = checked?.errors.filter((e) => e.file === '(request)') ?? [];
      if (requestErrors.length > 0) {
        throw new EarshotError('EARSHOT_ERR_RULE_INVALID', requestErrors.map((e) => `rule "${e.ruleId ?? '?'}" field "${e.field}": ${e.reason}`).join('; '));
      }
      const ruleIds = new Set((checked ? checked.rules.map((r) => r.rule.id) : deps.rules.active.rules.map((r) => r.rule.id)));
      let scorecard = deps.scorecard;
      if (b.scorecard) {
        const parsed = parseScorecard(JSON.stringify(b.scorecard), 'request.json', ruleIds);
        if (!parsed.loaded) throw new EarshotError('EARSHOT_ERR_SCORECARD_INVALID', parsed.errors.map((e) => `field "${e.field}": ${e.reason}`).join('; '));
        scorecard = parsed.loaded;
      } else if (checked) {
        // The active scorecard must still find its rules in the changed set.
        const parsed = parseScorecard(JSON.stringify(deps.scorecard.scorecard), 'active scorecard', ruleIds);
        if (!parsed.loaded) throw new EarshotError('EARSHOT_ERR_SCORECARD_INVALID', parsed.errors.map((e) => `field "${e.field}": ${e.reason}`).join('; '));
      }
      return whatIf(
        { store: deps.store, qa, scorecard: deps.scorecard },
        {
          ...(b.scorecard ? { scorecard } : {}),
          ...(checked ? { rules: checked.rules.map((r) => r.rule) } : {}),
          ...(b.from !== undefined ? { from: parseTime(b.from, 'from')! } : {}),
          ...(b.to !== undefined ? { to: parseTime(b.to, 'to')! } : {}),
          ...(b.agentId !== undefined ? { agentId: b.agentId } : {}),
          ...(b.team !== undefined ? { team: b.team } : {}),
          limit: b.limit,
        },
      );
    },
  );
}
