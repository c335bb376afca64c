import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../observability/log.ts';
import { RequestError, sendError } from './graphql-over-http.ts';

/**
 * An HTTP server around an async handler: a `RequestError` (too large, bad
 * body) becomes its status, anything else is logged and answered 500 without
 * details, so one bad request never takes the process down.
 */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  log: Logger,
  /** Runs `serve` inside the request's scope (id, span) and measures it (observability.ts). */
  observe?: (req: IncomingMessage, res: ServerResponse, serve: () => Promise<void>) => void,
): Server {
  const serve = (req: IncomingMessage, res: ServerResponse) =>
    handle(req, res).catch((error: unknown) => {
      if (error instanceof RequestError) {
        sendError(res, error.status, 'BAD_REQUEST', error.message);
        return;
      }
      log.error('unhandled request failure', error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal error; it has been logged.');
      else res.end();
    });
  return createServer((req, res) => {
    if (observe) observe(req, res, () => serve(req, res));
    else void serve(req, res);
  });
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}
