import type { FastifyInstance } from 'fastify';
import { EarshotError } from '../../engine/errors.js';
import type { FeedbackInput } from '../../knowledge/kb-store.js';
import type { ArticleInput, KnowledgeService } from '../../knowledge/service.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } },
} as const;

const strings = (maxItems: number, maxLength: number) => ({ type: 'array', maxItems, items: { type: 'string', minLength: 1, maxLength } }) as const;

const articleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'answer'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    category: { type: 'string', maxLength: 100 },
    tags: strings(50, 50),
    questions: strings(100, 300),
    synonyms: { type: 'array', maxItems: 100, items: strings(20, 50) },
    answer: { type: 'string', minLength: 1, maxLength: 20_000 },
    keySentences: strings(5, 1000),
  },
} as const;

/** Knowledge base over REST: search, CRUD of API articles, agents' feedback per article. */
export function registerKbRoutes(app: FastifyInstance, kb: KnowledgeService): void {
  app.get<{ Querystring: { q: string; k: number } }>(
    '/v1/kb/search',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['q'],
          properties: { q: { type: 'string', minLength: 1, maxLength: 1000 }, k: { type: 'integer', minimum: 1, maximum: 50, default: 5 } },
        },
      },
    },
    async (req) => ({
      query: req.query.q,
      hits: kb.search(req.query.q, req.query.k).map((h) => ({
        id: h.article.id, title: h.article.title, category: h.article.category, score: Number(h.score.toFixed(4)),
        answer: h.article.keySentences.join(''), matched: h.matched,
      })),
    }),
  );

  app.get('/v1/kb/articles', async () => ({ articles: kb.list(), loadErrors: kb.loadErrors }));

  app.get<{ Params: { id: string } }>('/v1/kb/articles/:id', { schema: { params: idParam } }, async (req) => {
    const article = kb.get(req.params.id);
    if (!article) throw new EarshotError('EARSHOT_ERR_KB_NOT_FOUND', `article "${req.params.id}"`);
    return article;
  });

  app.post<{ Body: ArticleInput }>('/v1/kb/articles', { schema: { body: articleBody } }, async (req, reply) => {
    return reply.status(201).send(kb.create(req.body));
  });

  app.put<{ Params: { id: string }; Body: ArticleInput }>('/v1/kb/articles/:id', { schema: { params: idParam, body: articleBody } }, async (req) =>
    kb.update(req.params.id, req.body),
  );

  app.delete<{ Params: { id: string } }>('/v1/kb/articles/:id', { schema: { params: idParam } }, async (req, reply) => {
    kb.remove(req.params.id);
    return reply.status(204).send();
  });

  app.post<{ Params: { id: string }; Body: FeedbackInput }>(
    '/v1/kb/articles/:id/feedback',
    {
      schema: {
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['verdict'],
          properties: {
            verdict: { type: 'string', enum: ['useful', 'not-useful', 'wrong'] },
            callId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$' },
            suggestionId: { type: 'string', maxLength: 200 },
            agentId: { type: 'string', maxLength: 128 },
            comment: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (req, reply) => reply.status(201).send(kb.addFeedback(req.params.id, req.body)),
  );

  app.get<{ Params: { id: string } }>('/v1/kb/articles/:id/feedback', { schema: { params: idParam } }, async (req) => kb.feedback(req.params.id));
}
