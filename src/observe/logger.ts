// Structured JSON logs (pino). Secrets never reach a log line: the redact paths cover every place a
// secret or credential can sit in the objects we log.
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const REDACT = [
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'apiKey',
  'headers.authorization',
  '*.headers.authorization',
  'config.nats.password',
  'config.nats.token',
];

export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  const options: LoggerOptions = {
    name: opts.name ?? 'ceg',
    level: opts.level ?? process.env.CEG_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(options);
}

/** A logger that writes nothing, for embedders and tests that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
