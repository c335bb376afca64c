import type { Logger } from '../../platform/observability/log.ts';
import { type Credentials, expiryOf, type IdentityResolver } from '../auth/identity.ts';

/** Close codes in graphql-ws's convention: 4401 for a credential that no longer checks out, 4403 for access withdrawn. */
export const TOKEN_EXPIRED = 4401;
export const ACCESS_REVOKED = 4403;

type ClosableSocket = { close(code: number, reason: string): void };

export type AccessWatchOptions = {
  resolveIdentity: IdentityResolver;
  /** How often an API key is asked about again; its lookup is cached for API_KEY_CACHE_SECONDS, so a revocation shows within that window plus this. */
  recheckMs: number;
  log: Logger;
  now?: () => number;
};

/** setTimeout's longest delay (about 24.8 days); a later expiry is re-armed. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends a socket's access when its credential ends, as an HTTP request would be
 * refused at that moment: a token at its `exp` (4401), an API key once the
 * router's key lookup no longer knows it, i.e. revoked (4403). Without this an
 * open subscription would outlive the credential it was opened with.
 * Returns the function that stops watching (call it when the socket closes).
 */
export function watchAccess(socket: ClosableSocket, credentials: Credentials, options: AccessWatchOptions): () => void {
  const now = options.now ?? Date.now;
  const timers: NodeJS.Timeout[] = [];
  const token = credentials.authorization?.trim().split(/\s+/)[1];
  if (token) {
    const expiresAt = expiryOf(token);
    const arm = () => {
      const left = expiresAt - now();
      if (left <= 0) {
        socket.close(TOKEN_EXPIRED, 'Unauthorized: the token expired; connect again with a fresh one');
        return;
      }
      timers[0] = setTimeout(arm, Math.min(left, LONGEST_TIMER_MS));
      timers[0].unref();
    };
    arm();
  } else if (credentials.apiKey?.trim()) {
    let checking = false;
    const recheck = setInterval(() => {
      if (checking) return;
      checking = true;
      options
        .resolveIdentity(credentials)
        .then((caller) => {
          // 503 (keys cannot be checked now) is not a revocation: the key keeps its access until members answers.
          if (!caller.ok && caller.status === 401) socket.close(ACCESS_REVOKED, 'Forbidden: the API key was revoked');
        })
        .catch((error: unknown) => options.log.warn(`rechecking a subscriber's API key: ${(error as Error).message}`))
        .finally(() => {
          checking = false;
        });
    }, options.recheckMs);
    recheck.unref();
    timers.push(recheck);
  }
  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}
