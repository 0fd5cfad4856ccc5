import type { FastifyInstance } from 'fastify';
import { EarshotError } from '../../engine/errors.js';
import { CALL_EVENT_TYPES, type CallEventType } from '../../engine/events.js';
import type { Store } from '../../engine/store/store.js';

const callIdParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$' } },
} as const;

const typesPattern = `^(${CALL_EVENT_TYPES.map((t) => t.replace('.', '\\.')).join('|')})(,(${CALL_EVENT_TYPES.map((t) => t.replace('.', '\\.')).join('|')}))*$`;

interface ListCallsQs {
  status?: 'live' | 'ended';
  agentId?: string;
  limit: number;
  before?: number;
}
interface EventsQs {
  afterSeq?: number;
  limit: number;
  types?: string;
}

/** REST over the store: live and recent calls, newest first, and each call's events. */
export function registerCallRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Querystring: ListCallsQs }>(
    '/v1/calls',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['live', 'ended'] },
            agentId: { type: 'string', minLength: 1, maxLength: 128 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            before: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
    async (req) => {
      const calls = store.listCalls(req.query);
      return { calls, next: calls.length === req.query.limit ? calls[calls.length - 1]!.startedAt : null };
    },
  );

  app.get<{ Params: { id: string } }>('/v1/calls/:id', { schema: { params: callIdParam } }, async (req) => {
    const call = store.getCall(req.params.id);
    if (!call) throw new EarshotError('EARSHOT_ERR_CALL_NOT_FOUND', `callId "${req.params.id}"`);
    return call;
  });

  app.get<{ Params: { id: string }; Querystring: EventsQs }>(
    '/v1/calls/:id/events',
    {
      schema: {
        params: callIdParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            afterSeq: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 },
            types: { type: 'string', pattern: typesPattern },
          },
        },
      },
    },
    async (req) => {
      if (!store.hasCall(req.params.id)) throw new EarshotError('EARSHOT_ERR_CALL_NOT_FOUND', `callId "${req.params.id}"`);
      const types = req.query.types?.split(',') as CallEventType[] | undefined;
      const events = store.listEvents(req.params.id, { afterSeq: req.query.afterSeq, limit: req.query.limit, types });
      return { callId: req.params.id, events };
    },
  );
}
