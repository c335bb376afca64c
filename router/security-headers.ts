import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers that make a script injected into our pages hard to run and our
 * pages useless to frame. The web client builds its DOM from text (never
 * innerHTML) and loads only its own modules, so its policy allows scripts from
 * this origin alone: no inline script, no eval, no third-party host. Its
 * token lives in the page's memory only (no storage, no cookie), where only a
 * script running in the page could ask for it, so keeping foreign scripts out
 * is the protection (README, "The web client").
 *
 * GraphiQL's bundle injects its editor's styles and runs its editor workers
 * from blob URLs, so its page allows those two things and nothing more.
 */
export function sendsPageHeaders(res: ServerResponse, req: IncomingMessage, page: 'web-client' | 'graphiql'): void {
  // The socket is on this origin; CSP's 'self' does not cover ws:/wss: in every browser, so they are named.
  const host = /^[A-Za-z0-9.[\]:-]+$/.test(req.headers.host ?? '') ? req.headers.host : undefined;
  const sockets = host ? ` ws://${host} wss://${host}` : '';
  const policy =
    page === 'web-client'
      ? [
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          `connect-src 'self'${sockets}`,
          "base-uri 'none'",
          "form-action 'self'",
          "frame-ancestors 'none'",
        ]
      : [
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data:",
          "font-src 'self' data:",
          "worker-src 'self' blob:",
          `connect-src 'self'${sockets}`,
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ];
  res.setHeader('content-security-policy', policy.join('; '));
  res.setHeader('x-frame-options', 'DENY');
}

/** On every answer of the router: no content sniffing, and no URL (with its query) handed to other sites as a referrer. */
export function sendsCommonHeaders(res: ServerResponse): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}
