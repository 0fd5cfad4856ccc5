import { pino, type Logger, type DestinationStream } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Structured logs (STYLE.md §10): static messages, data in fields. Transcripts, phone numbers and other
 * customer data go under a `pii` key, which redaction removes wherever it appears.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'earshot',
      level,
      redact: { paths: ['pii', '*.pii', 'req.headers.authorization', 'req.query.authorization'], remove: true },
    },
    destination,
  );
}
