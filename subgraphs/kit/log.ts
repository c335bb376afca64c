/**
 * A minimal line logger: one line per event, prefixed with the service name.
 * Tests keep it quiet except for errors, which always print.
 */
export type Logger = {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
};

export function createLogger(service: string, options: { quiet?: boolean } = {}): Logger {
  const prefix = `[${service}]`;
  return {
    info: (message) => {
      if (!options.quiet) console.log(`${prefix} ${message}`);
    },
    warn: (message) => {
      if (!options.quiet) console.warn(`${prefix} ${message}`);
    },
    error: (message, error) => {
      console.error(`${prefix} ${message}`, error instanceof Error ? (error.stack ?? error.message) : (error ?? ''));
    },
  };
}
