import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { EarshotError } from './errors.js';
import type { LogLevel } from './log.js';
import { packageRoot } from './paths.js';

/**
 * Configuration, validated once at start-up and frozen (STYLE.md §7). Units are in the names.
 * Precedence: command-line flag, then environment variable, then default. This is the only module that
 * reads the environment, and only through the `env` it is handed.
 */
export interface EarshotConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Both channels silent longer than this raises a dead-air alert. */
  readonly deadAirMs: number;
  /** Audio time between two `metric` events of a call. */
  readonly metricIntervalMs: number;
  /** Largest binary audio frame accepted on an audio socket. */
  readonly maxFrameBytes: number;
  /** Largest text (JSON) frame accepted on an audio socket. */
  readonly maxTextFrameBytes: number;
  readonly maxConcurrentCalls: number;
  /** An /v1/events consumer with more than this many bytes unsent is disconnected (it refetches over REST). */
  readonly eventsMaxBufferedBytes: number;
  /** Worker threads running VAD and recognition; 0 runs them on the main thread (tests, tiny installs). */
  readonly analysisWorkers: number;
  readonly vad: 'silero' | 'energy';
  /** Folder holding model folders by name. */
  readonly modelsDir: string;
  /** Speech model to run, by its name in models/manifest.json; 'none' for text + VAD mode. */
  readonly model: string;
  /** Fetch the default model on start when it is absent. */
  readonly fetchModel: 'yes' | 'no';
  /** A call analysed this far behind its audio gets a lag warning. */
  readonly lagWarnMs: number;
  /** Audio waiting longer than this to be analysed pauses reading the call's socket (TCP backpressure). */
  readonly backpressureLagMs: number;
  /** Knowledge-base folder (Markdown, JSON, CSV articles and synonyms.txt). */
  readonly kbDir: string;
  /** Reload the knowledge base when its files change. */
  readonly kbWatch: 'yes' | 'no';
  /** Knowledge hits scoring below this are not suggested to the agent. */
  readonly assistMinScore: number;
  /** Keywords spotted on every channel, one per line (the shipped domain list by default). */
  readonly keywordsFile: string;
  /** Rules folder (YAML/JSON compliance and service rules; the default bank pack by default). */
  readonly rulesDir: string;
  /** Reload the rules when their files change. */
  readonly rulesWatch: 'yes' | 'no';
  /** The QA scorecard every ended call is scored on. */
  readonly scorecardFile: string;
  /** Run the QA worker in this process (score calls as they end, and those that ended while none ran). */
  readonly qa: 'yes' | 'no';
  /** Tenants and their API keys for the audio endpoints; '' (none): audio from loopback clients only. */
  readonly apiKeysFile: string;
  /** Messages a second one audio connection may send (two seconds' burst). */
  readonly maxMessageRate: number;
  /** gRPC port (native StreamCall and Google Speech-compatible StreamingRecognize); 0: any free port. */
  readonly grpcPort: number;
  /** Serve gRPC. */
  readonly grpc: 'yes' | 'no';
}

type Kind = 'int' | 'string' | 'optional-string' | 'level' | 'enum';
interface OptionSpec {
  flag: string;
  env: string;
  kind: Kind;
  min?: number;
  max?: number;
  def: string | number;
  help: string;
  values?: readonly string[];
}

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const OPTIONS: Record<keyof EarshotConfig, OptionSpec> = {
  host: { flag: 'host', env: 'EARSHOT_HOST', kind: 'string', def: '127.0.0.1', help: 'address to listen on (0.0.0.0 for all interfaces)' },
  port: { flag: 'port', env: 'EARSHOT_PORT', kind: 'int', min: 0, max: 65535, def: 8080, help: 'HTTP, WebSocket and console port (0: any free port)' },
  dataDir: { flag: 'data-dir', env: 'EARSHOT_DATA_DIR', kind: 'string', def: './data', help: 'folder of the SQLite store' },
  logLevel: { flag: 'log-level', env: 'EARSHOT_LOG_LEVEL', kind: 'level', def: 'info', help: LEVELS.join(' | ') },
  deadAirMs: { flag: 'dead-air-ms', env: 'EARSHOT_DEAD_AIR_MS', kind: 'int', min: 1000, max: 600_000, def: 8000, help: 'silence on every channel that raises a dead-air alert (silence rules without minSilenceMs)' },
  metricIntervalMs: { flag: 'metric-interval-ms', env: 'EARSHOT_METRIC_INTERVAL_MS', kind: 'int', min: 500, max: 600_000, def: 5000, help: 'audio time between metric events' },
  maxFrameBytes: { flag: 'max-frame-bytes', env: 'EARSHOT_MAX_FRAME_BYTES', kind: 'int', min: 320, max: 16 * 1024 * 1024, def: 256 * 1024, help: 'largest binary audio frame' },
  maxTextFrameBytes: { flag: 'max-text-frame-bytes', env: 'EARSHOT_MAX_TEXT_FRAME_BYTES', kind: 'int', min: 1024, max: 1024 * 1024, def: 64 * 1024, help: 'largest JSON control frame' },
  maxConcurrentCalls: { flag: 'max-concurrent-calls', env: 'EARSHOT_MAX_CONCURRENT_CALLS', kind: 'int', min: 1, max: 100_000, def: 1000, help: 'live calls accepted at once' },
  analysisWorkers: { flag: 'analysis-workers', env: 'EARSHOT_ANALYSIS_WORKERS', kind: 'int', min: 0, max: 64, def: availableParallelism(), help: 'VAD/ASR worker threads (0: on the main thread)' },
  vad: { flag: 'vad', env: 'EARSHOT_VAD', kind: 'enum', values: ['silero', 'energy'], def: 'silero', help: 'voice activity detector' },
  modelsDir: { flag: 'models-dir', env: 'EARSHOT_MODELS_DIR', kind: 'string', def: './models', help: 'folder of speech model folders' },
  model: { flag: 'model', env: 'EARSHOT_MODEL', kind: 'string', def: 'kws-zh-wenetspeech-3.3M', help: "speech model name ('none': text + VAD mode)" },
  fetchModel: { flag: 'fetch-model', env: 'EARSHOT_FETCH_MODEL', kind: 'enum', values: ['yes', 'no'], def: 'yes', help: 'download the model on start if absent' },
  backpressureLagMs: { flag: 'backpressure-lag-ms', env: 'EARSHOT_BACKPRESSURE_LAG_MS', kind: 'int', min: 500, max: 600_000, def: 10_000, help: "analysis lag that pauses reading a call's socket" },
  kbDir: { flag: 'kb-dir', env: 'EARSHOT_KB_DIR', kind: 'string', def: join(packageRoot(import.meta.url), 'knowledge', 'kb'), help: 'knowledge-base folder' },
  kbWatch: { flag: 'kb-watch', env: 'EARSHOT_KB_WATCH', kind: 'enum', values: ['yes', 'no'], def: 'yes', help: 'reload the knowledge base when its files change' },
  assistMinScore: { flag: 'assist-min-score', env: 'EARSHOT_ASSIST_MIN_SCORE', kind: 'int', min: 0, max: 1000, def: 35, help: 'weakest knowledge hit suggested to the agent (BM25F score)' },
  keywordsFile: { flag: 'keywords-file', env: 'EARSHOT_KEYWORDS_FILE', kind: 'string', def: join(packageRoot(import.meta.url), 'knowledge', 'keywords.txt'), help: 'keywords to spot, one per line' },
  rulesDir: { flag: 'rules-dir', env: 'EARSHOT_RULES_DIR', kind: 'string', def: join(packageRoot(import.meta.url), 'knowledge', 'rules'), help: 'rules folder (YAML/JSON)' },
  rulesWatch: { flag: 'rules-watch', env: 'EARSHOT_RULES_WATCH', kind: 'enum', values: ['yes', 'no'], def: 'yes', help: 'reload the rules when their files change' },
  scorecardFile: { flag: 'scorecard-file', env: 'EARSHOT_SCORECARD_FILE', kind: 'string', def: join(packageRoot(import.meta.url), 'knowledge', 'scorecards', 'bank-card-centre.yaml'), help: 'QA scorecard (YAML/JSON)' },
  qa: { flag: 'qa', env: 'EARSHOT_QA', kind: 'enum', values: ['yes', 'no'], def: 'yes', help: 'score ended calls in this process' },
  apiKeysFile: { flag: 'api-keys-file', env: 'EARSHOT_API_KEYS_FILE', kind: 'optional-string', def: '', help: 'tenants and API keys (JSON/YAML); none: loopback clients only' },
  maxMessageRate: { flag: 'max-message-rate', env: 'EARSHOT_MAX_MESSAGE_RATE', kind: 'int', min: 10, max: 100_000, def: 500, help: 'messages a second per audio connection' },
  grpcPort: { flag: 'grpc-port', env: 'EARSHOT_GRPC_PORT', kind: 'int', min: 0, max: 65535, def: 50051, help: 'gRPC port (0: any free port)' },
  grpc: { flag: 'grpc', env: 'EARSHOT_GRPC', kind: 'enum', values: ['yes', 'no'], def: 'yes', help: 'serve the gRPC audio services' },
  lagWarnMs: { flag: 'lag-warn-ms', env: 'EARSHOT_LAG_WARN_MS', kind: 'int', min: 100, max: 600_000, def: 2000, help: 'analysis lag that raises a warning' },
  eventsMaxBufferedBytes: { flag: 'events-max-buffered-bytes', env: 'EARSHOT_EVENTS_MAX_BUFFERED_BYTES', kind: 'int', min: 64 * 1024, max: 1024 * 1024 * 1024, def: 8 * 1024 * 1024, help: 'unsent bytes after which an event consumer is dropped' },
};

function parseValue(key: string, spec: OptionSpec, raw: string | number, source: string): string | number {
  if (spec.kind === 'int') {
    const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n)) throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `${key} (${source}) must be an integer, got "${raw}"`);
    if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
      throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `${key} (${source}) must be between ${spec.min} and ${spec.max}, got ${n}`);
    }
    return n;
  }
  const s = String(raw).trim();
  if (spec.kind === 'optional-string') return s;
  if (s === '') throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `${key} (${source}) must not be empty`);
  const allowed = spec.kind === 'level' ? LEVELS : spec.kind === 'enum' ? spec.values ?? [] : null;
  if (allowed && !allowed.includes(s)) {
    throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', `${key} (${source}) must be one of ${allowed.join(', ')}, got "${s}"`);
  }
  return s;
}

/** Build the configuration from flags, environment and defaults; unknown flags are an error. */
export function loadConfig(argv: readonly string[] = [], env: Readonly<Record<string, string | undefined>> = {}, overrides: Partial<EarshotConfig> = {}): EarshotConfig {
  const options = Object.fromEntries(Object.values(OPTIONS).map((o) => [o.flag, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new EarshotError('EARSHOT_ERR_CONFIG_INVALID', (err as Error).message, { cause: err });
  }
  const out: Record<string, string | number> = {};
  for (const [key, spec] of Object.entries(OPTIONS) as [keyof EarshotConfig, OptionSpec][]) {
    const flag = values[spec.flag];
    const fromEnv = env[spec.env];
    const override = overrides[key];
    if (override !== undefined) out[key] = parseValue(key, spec, override as string | number, 'override');
    else if (typeof flag === 'string') out[key] = parseValue(key, spec, flag, `--${spec.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') out[key] = parseValue(key, spec, fromEnv, spec.env);
    else out[key] = spec.def;
  }
  out.dataDir = resolve(String(out.dataDir));
  out.modelsDir = resolve(String(out.modelsDir));
  out.keywordsFile = resolve(String(out.keywordsFile));
  out.kbDir = resolve(String(out.kbDir));
  out.rulesDir = resolve(String(out.rulesDir));
  out.scorecardFile = resolve(String(out.scorecardFile));
  if (out.apiKeysFile !== '') out.apiKeysFile = resolve(String(out.apiKeysFile));
  return Object.freeze(out) as unknown as EarshotConfig;
}

export function usage(): string {
  return Object.values(OPTIONS)
    .map((o) => `  --${o.flag.padEnd(26)} ${o.env.padEnd(34)} ${o.help} (default ${o.def})`)
    .join('\n');
}
