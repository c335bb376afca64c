import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { RequestError, sendError } from './graphql-over-http.ts';

/**
 * An HTTP server around an async handler: a `RequestError` (too large, bad
 * body) becomes its status, anything else is logged and answered 500 without
 * details, so one bad request never takes the process down.
 */
export function createHttpServer(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, log: Logger): Server {
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof RequestError) {
        sendError(res, error.status, 'BAD_REQUEST', error.message);
        return;
      }
      log.error('unhandled request failure', error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal error; it has been logged.');
      else res.end();
    });
  });
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}
