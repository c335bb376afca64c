import type { ServerResponse } from 'node:http';

/** Seconds a shed client is asked to wait: long enough for the requests in flight to finish, short enough not to lose it. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

export type Admission = {
  /** Takes a place for one request, or says there is none (the request must then be refused at once). */
  tryEnter(): boolean;
  /** Gives the place back; once per successful tryEnter. */
  leave(): void;
  readonly inFlight: number;
};

/**
 * Load shedding at the door: at most `max` GraphQL requests in the router at
 * once (0: no limit). A request past it is refused before anything is read,
 * verified or planned, so an overload costs the router almost nothing per
 * extra request and the requests it has taken on keep their pace, instead of
 * every request slowing down until all of them time out.
 */
export function admission(max: number): Admission {
  let inFlight = 0;
  return {
    tryEnter() {
      if (max > 0 && inFlight >= max) return false;
      inFlight += 1;
      return true;
    },
    leave() {
      inFlight = Math.max(0, inFlight - 1);
    },
    get inFlight() {
      return inFlight;
    },
  };
}

/** The refusal: HTTP 503 with `Retry-After` (RFC 9110) and a GraphQL error `OVERLOADED` carrying the same hint. */
export function sendOverloaded(res: ServerResponse): void {
  const body = {
    errors: [
      {
        message: `the router is at its limit of requests in flight; retry after ${OVERLOADED_RETRY_AFTER_SECONDS} second`,
        extensions: { code: 'OVERLOADED', retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS },
      },
    ],
  };
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(OVERLOADED_RETRY_AFTER_SECONDS) });
  res.end(JSON.stringify(body));
}
