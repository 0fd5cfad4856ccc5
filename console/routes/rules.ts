import type { FastifyInstance } from 'fastify';
import { EarshotError } from '../../engine/errors.js';
import { RULE_KINDS } from '../../engine/detect/rule.js';
import type { RuleService } from '../../engine/detect/rule-service.js';

/**
 * The active rule set over REST: what new calls are judged by, where each rule came from, and the problems
 * of the last load (a reload refused because of them leaves `staleSince` set).
 */
export function registerRuleRoutes(app: FastifyInstance, rules: RuleService): void {
  app.get<{ Querystring: { kind?: string } }>(
    '/v1/rules',
    {
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: [...RULE_KINDS] } } },
      },
    },
    async (req) => {
      const set = rules.active;
      const list = set.rules.filter((r) => req.query.kind === undefined || r.rule.kind === req.query.kind);
      return {
        version: set.version,
        loadedAt: new Date(set.loadedAt).toISOString(),
        staleSince: rules.staleSince === null ? null : new Date(rules.staleSince).toISOString(),
        count: list.length,
        rules: list.map((r) => ({ ...r.rule, source: { file: r.file, ...(r.line !== undefined ? { line: r.line } : {}) } })),
        errors: rules.errors,
      };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/rules/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } } } } },
    async (req) => {
      const found = rules.active.rules.find((r) => r.rule.id === req.params.id);
      if (!found) throw new EarshotError('EARSHOT_ERR_RULE_NOT_FOUND', `rule "${req.params.id}"`);
      return { ...found.rule, source: { file: found.file, ...(found.line !== undefined ? { line: found.line } : {}) }, version: rules.active.version };
    },
  );
}
