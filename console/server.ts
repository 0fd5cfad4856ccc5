import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { EventBus } from '../engine/bus.js';
import { EarshotError, ERRORS } from '../engine/errors.js';
import type { Store } from '../engine/store/store.js';
import { registerEventsSocket } from './events-socket.js';
import { registerConsoleStatic } from './static.js';
import { registerCallRoutes } from './routes/calls.js';
import { registerKbRoutes } from './routes/kb.js';
import type { KnowledgeService } from '../knowledge/service.js';
import type { RuleService } from '../engine/detect/rule-service.js';
import { registerRuleRoutes } from './routes/rules.js';
import { registerQaRoutes } from './routes/qa.js';
import { registerReportRoutes } from './routes/reports.js';
import type { QaStore } from '../engine/qa/qa-store.js';
import type { QaService } from '../engine/qa/qa-service.js';
import type { LoadedScorecard } from '../engine/qa/scorecard.js';

export interface ConsoleDeps {
  bus: EventBus;
  store: Store;
  kb: KnowledgeService;
  rules: RuleService;
  qaStore: QaStore;
  qa: QaService | null;
  scorecard: LoadedScorecard;
  eventsMaxBufferedBytes: number;
  log: Logger;
}

/** Errors leave the HTTP API in one shape: { statusCode, code, error, message }. */
function installErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError | EarshotError, req, reply) => {
    if (err instanceof EarshotError) {
      const status = err.spec.httpStatus ?? 500;
      return reply.status(status).send({ statusCode: status, code: err.code, error: err.code, message: err.message });
    }
    if (err.validation) {
      return reply.status(400).send({
        statusCode: 400,
        code: 'EARSHOT_ERR_HTTP_BAD_REQUEST',
        error: 'Bad Request',
        message: `${ERRORS.EARSHOT_ERR_HTTP_BAD_REQUEST.message}: ${err.message}`,
      });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log.error({ err, url: req.routeOptions.url }, 'request failed');
    return reply.status(status).send({
      statusCode: status,
      code: status === 500 ? 'EARSHOT_ERR_INTERNAL' : 'EARSHOT_ERR_HTTP_BAD_REQUEST',
      error: status === 500 ? 'Internal Server Error' : 'Bad Request',
      message: status === 500 ? ERRORS.EARSHOT_ERR_INTERNAL.message : err.message,
    });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      statusCode: 404,
      code: 'EARSHOT_ERR_HTTP_ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: `${ERRORS.EARSHOT_ERR_HTTP_ROUTE_NOT_FOUND.message}: ${req.method} ${req.url.split('?')[0]}`,
    });
  });
}

/** The console: REST API, the live events socket and the web console (agent, supervisor and QA views). */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  installErrorHandling(app, deps.log);
  await registerConsoleStatic(app, deps.log);
  app.get('/healthz', async () => ({ ok: true }));
  registerCallRoutes(app, deps.store);
  registerKbRoutes(app, deps.kb);
  registerRuleRoutes(app, deps.rules);
  registerQaRoutes(app, deps.qaStore, deps.qa, { store: deps.store, rules: deps.rules, scorecard: deps.scorecard });
  registerReportRoutes(app, deps.qaStore, deps.scorecard);
  registerEventsSocket(app, deps.bus, deps.eventsMaxBufferedBytes, deps.log);
}
