import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { startAnalysis } from './engine/analysis/start.js';
import type { AnalysisBackend } from './engine/analysis/backend.js';
import { createInProcessBus, type EventBus } from './engine/bus.js';
import type { EarshotConfig } from './engine/config.js';
import { createLogger } from './engine/log.js';
import { createCallRegistry, type CallRegistry } from './engine/session/registry.js';
import { recordEvents } from './engine/store/recorder.js';
import { openSqliteStore } from './engine/store/sqlite-store.js';
import type { Store } from './engine/store/store.js';
import { registerConsole } from './console/server.js';
import { registerWebSocketGateways } from './gateway/register.js';
import { createAudioAuth, loadTenants } from './gateway/auth.js';
import { startGrpcGateway, type GrpcGateway } from './gateway/grpc/server.js';
import { createAssistFactory } from './engine/assist/call-assist.js';
import { openKbStore } from './knowledge/kb-store.js';
import { createKnowledgeService, type KnowledgeService } from './knowledge/service.js';
import { createRuleService, type RuleService } from './engine/detect/rule-service.js';
import { DEFAULT_KIND_OPTIONS } from './engine/detect/compile.js';
import { EarshotError } from './engine/errors.js';
import { openQaStore, type QaStore } from './engine/qa/qa-store.js';
import { createQaService, type QaService } from './engine/qa/qa-service.js';
import { loadScorecard } from './engine/qa/scorecard-loader.js';

export interface Earshot {
  /** Base URL of the console and API, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  /** The gRPC port bound (`--grpc-port`; StreamCall and Google Speech StreamingRecognize); null with `--grpc no`. */
  readonly grpcPort: number | null;
  readonly bus: EventBus;
  readonly store: Store;
  readonly registry: CallRegistry;
  readonly analysis: AnalysisBackend;
  readonly kb: KnowledgeService;
  readonly rules: RuleService;
  readonly qaStore: QaStore;
  /** The QA worker, when this process runs one (`--qa yes`). */
  readonly qa: QaService | null;
  /** Ends live calls (stored as 'server-shutdown'), closes sockets and the store. */
  close(): Promise<void>;
}

/**
 * The composition root: one process on embedded defaults (in-process bus, SQLite store), one port for
 * HTTP, the audio and events WebSockets and the console. docs/lifecycle.md maps each stage of a call.
 */
export async function startEarshot(config: EarshotConfig, log: Logger = createLogger(config.logLevel)): Promise<Earshot> {
  const tenants = config.apiKeysFile ? loadTenants(config.apiKeysFile) : [];
  const store = openSqliteStore(config.dataDir);
  const bus = createInProcessBus(log);
  recordEvents(bus, store); // first subscriber: an event is stored before any socket sees it
  let analysis: AnalysisBackend;
  try {
    analysis = await startAnalysis(config, log.child({ component: 'analysis' }));
  } catch (err) {
    store.close();
    throw err;
  }
  const kb = createKnowledgeService(config.kbDir, openKbStore(store.db), log.child({ component: 'knowledge' }), { watch: config.kbWatch === 'yes' });
  const assist = createAssistFactory((query, k) => kb.search(query, k), { minScore: config.assistMinScore, contextTurns: 2 });
  const rules = createRuleService(config.rulesDir, { ...DEFAULT_KIND_OPTIONS, deadAirMs: config.deadAirMs, watch: config.rulesWatch === 'yes' }, log.child({ component: 'rules' }));
  const scorecardLoad = loadScorecard(config.scorecardFile, new Set(rules.active.rules.map((r) => r.rule.id)));
  if (!scorecardLoad.loaded) {
    rules.close();
    kb.close();
    await analysis.close();
    store.close();
    const problems = scorecardLoad.errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''} field "${e.field}": ${e.reason}`);
    throw new EarshotError('EARSHOT_ERR_SCORECARD_INVALID', problems.join('; '));
  }
  const qaStore = openQaStore(store.db);
  const qa = config.qa === 'yes' ? createQaService({ store, qa: qaStore, bus, scorecard: scorecardLoad.loaded, log: log.child({ component: 'qa' }) }) : null;
  const registry = createCallRegistry(bus, store, analysis, { ...config, assist, rules }, log);
  const recovered = registry.recoverInterrupted();
  if (recovered > 0) log.warn({ recovered }, 'closed calls interrupted by the previous run');
  qa?.catchUp();

  const app: FastifyInstance = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only bridges the two packages' generic parameters.
    loggerInstance: log.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    // No per-request logs: URLs can carry an ?authorization= token, and the API logs its own errors.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Unknown fields are an error, not silently dropped (fastify's default removes them).
    ajv: { customOptions: { removeAdditional: false } },
  });
  await app.register(fastifyWebsocket, {
    // The gateway applies the configured limits itself so that an oversized frame gets a close reason;
    // ws's own limit is only the backstop on memory.
    options: { maxPayload: 4 * Math.max(config.maxFrameBytes, config.maxTextFrameBytes) },
  });
  const auth = createAudioAuth(tenants);
  if (auth.mode === 'loopback-only') log.warn('no API keys configured (--api-keys-file): audio endpoints accept loopback clients only');
  registerWebSocketGateways(app, { registry, auth, config, log: log.child({ component: 'gateway' }) });
  await registerConsole(app, { bus, store, kb, rules, qaStore, qa, scorecard: scorecardLoad.loaded, eventsMaxBufferedBytes: config.eventsMaxBufferedBytes, log: log.child({ component: 'console' }) });

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    qa?.close();
    await analysis.close();
    store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;

  let grpc: GrpcGateway | null = null;
  if (config.grpc === 'yes') {
    try {
      grpc = await startGrpcGateway({
        host: config.host,
        port: config.grpcPort,
        registry,
        auth,
        bus,
        limits: config,
        log: log.child({ component: 'gateway' }),
      });
    } catch (err) {
      await app.close();
      qa?.close();
      await analysis.close();
      kb.close();
      rules.close();
      store.close();
      throw err;
    }
    log.info({ host: config.host, port: grpc.port }, 'gRPC audio services listening');
  }

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    grpcPort: grpc?.port ?? null,
    bus,
    store,
    registry,
    analysis,
    kb,
    rules,
    qaStore,
    qa,
    close() {
      closing ??= (async () => {
        // gRPC first: it stops taking streams and ends its own calls as server-shutdown while their clients
        // still listen (each gets call.ended, then UNAVAILABLE). Cutting its connections before the registry
        // ended those calls would store them as socket-closed.
        await grpc?.close();
        await registry.endAll('server-shutdown');
        for (const client of app.websocketServer.clients) client.close(1001, 'EARSHOT_ERR_SHUTTING_DOWN: server is shutting down');
        await app.close();
        await analysis.close();
        await qa?.idle();
        qa?.close();
        kb.close();
        rules.close();
        store.close();
      })();
      return closing;
    },
  };
}
