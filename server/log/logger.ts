import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Every field that can carry a credential, wherever it sits in a log object. Tokens must never reach
 * logs (they end up in bug reports and log shippers), so redaction is by field name, not by call site.
 */
export const REDACTED_PATHS = [
  'token',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.*.token',
  '*.*.password',
  '*.*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

const TOKEN_IN_TEXT = /\b(rct_[A-Za-z0-9_-]{8,})|([?&#](?:token|access_token|password)=)[^&#\s]+/g;

/** Remove tokens from free text (URLs, error messages) before it is logged. */
export function scrubSecrets(text: string): string {
  return text.replace(TOKEN_IN_TEXT, (_m, bare: string | undefined, param: string | undefined) =>
    bare ? 'rct_[REDACTED]' : `${param}[REDACTED]`,
  );
}

export interface CreateLoggerOptions {
  level: LogLevel;
  /** Human-readable lines (default when stdout is a terminal); JSON lines otherwise. */
  pretty?: boolean | undefined;
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: {
      log(object) {
        // Messages and URLs are free text: scrub anything that looks like a token in them too.
        for (const key of ['url', 'msg', 'err'] as const) {
          const value = object[key];
          if (typeof value === 'string') object[key] = scrubSecrets(value);
        }
        return object;
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  if (usePretty) {
    return pino(config, pretty({ colorize: Boolean(process.stdout.isTTY), destination: options.destination ?? 1, sync: true }));
  }
  return options.destination ? pino(config, options.destination) : pino(config);
}
