import { currentRequestScope } from '../runtime/request-scope.ts';

/**
 * A minimal line logger: one line per event. Two formats:
 * - `text` (development): `[service] message`, for a person at a console;
 * - `json` (production, or LOG_FORMAT=json): one JSON object per line with
 *   time, level, service, message, requestId (and traceId when tracing), error,
 *   for a log pipeline to index. The request id comes from the request scope
 *   (request-scope.ts), so every line written while serving a request carries it.
 * Tests keep it quiet except for errors, which always print.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type Logger = {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, error?: unknown, fields?: LogFields): void;
  /**
   * One line per finished request (an access log). Only the JSON format writes
   * it: a pipeline aggregates it, while a development console stays readable.
   */
  request?(fields: LogFields): void;
};

export type LogFormat = 'text' | 'json';

export type LoggerOptions = {
  quiet?: boolean;
  /** Default `text`. */
  format?: LogFormat;
  /** Where lines go; default stdout (info) and stderr (warn, error). Tests capture lines here. */
  write?: (line: string, level: 'info' | 'warn' | 'error') => void;
};

const consoleWrite = (line: string, level: 'info' | 'warn' | 'error') => {
  if (level === 'info') process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
};

export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  if (options.format === 'json') return jsonLogger(service, options);
  const prefix = `[${service}]`;
  const write = options.write;
  return {
    info: (message) => {
      if (options.quiet) return;
      if (write) write(`${prefix} ${message}`, 'info');
      else console.log(`${prefix} ${message}`);
    },
    warn: (message) => {
      if (options.quiet) return;
      if (write) write(`${prefix} ${message}`, 'warn');
      else console.warn(`${prefix} ${message}`);
    },
    error: (message, error) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : (error ?? '');
      if (write) write(`${prefix} ${message} ${String(detail)}`.trimEnd(), 'error');
      else console.error(`${prefix} ${message}`, detail);
    },
  };
}

function jsonLogger(service: string, options: LoggerOptions): Logger {
  const write = options.write ?? consoleWrite;
  const line = (level: 'info' | 'warn' | 'error', message: string, fields: LogFields | undefined, error?: unknown) => {
    const scope = currentRequestScope();
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, service, message };
    if (scope) {
      entry.requestId = scope.requestId;
      if (scope.traceId) entry.traceId = scope.traceId;
    }
    if (fields) Object.assign(entry, fields);
    if (error !== undefined) entry.error = describeError(error);
    write(JSON.stringify(entry), level);
  };
  return {
    info: (message, fields) => {
      if (!options.quiet) line('info', message, fields);
    },
    warn: (message, fields) => {
      if (!options.quiet) line('warn', message, fields);
    },
    error: (message, error, fields) => line('error', message, fields, error),
    request: (fields) => {
      if (!options.quiet) line('info', 'request', fields);
    },
  };
}

function describeError(error: unknown): { name?: string; message: string; stack?: string } | string {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return String(error);
}
