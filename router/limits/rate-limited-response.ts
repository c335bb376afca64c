import type { ServerResponse } from 'node:http';

/**
 * The answer to a caller whose bucket is empty: HTTP 429 with `Retry-After`
 * (RFC 9110), and a GraphQL error `RATE_LIMITED` carrying the same hint, so a
 * client that reads only the body learns when to come back.
 */
export function sendRateLimited(res: ServerResponse, retryAfterSeconds: number): void {
  const body = {
    errors: [
      {
        message: `too many requests; retry after ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`,
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
      },
    ],
  };
  res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds) });
  res.end(JSON.stringify(body));
}
