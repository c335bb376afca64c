import { GraphQLError } from 'graphql';
import type { Logger } from '../platform/observability/log.ts';
import type { SubgraphFetchSettings } from './config.ts';
import { SubgraphLiveness } from './fetch-deadline.ts';
import { failureIdentity } from './subgraph-http.ts';

/**
 * A circuit breaker for one subgraph. Closed, every fetch goes through; after
 * `failures` fetches in a row fail it opens, and fetches fail at once (no
 * waiting on a subgraph that is down, no piling load on one that is
 * struggling). After `resetMs` it is half-open: one trial fetch goes through,
 * and its outcome closes or reopens the circuit.
 *
 * What counts is fetches the subgraph was sent, not callers: a read that
 * several callers share (merged in subgraph-http.ts) is one fetch. If it
 * fails (unreachable, 502/503/504, its own deadline passed) or a caller's
 * deadline passes while waiting for it, the subgraph is charged ONE failure,
 * however many callers were waiting, and every one of them gets
 * SUBGRAPH_UNAVAILABLE; if it answers, each caller's success resets the count.
 * So a subgraph that stops answering opens the circuit after `failures`
 * shared fetches timed out, whatever the number of callers per fetch.
 */
export class CircuitBreaker {
  readonly #failures: number;
  readonly #resetMs: number;
  readonly #now: () => number;
  #consecutive = 0;
  #openedAt: number | null = null;
  #trialInFlight = false;

  constructor(options: { failures: number; resetMs: number; now?: () => number }) {
    this.#failures = options.failures;
    this.#resetMs = options.resetMs;
    this.#now = options.now ?? Date.now;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.#openedAt === null) return 'closed';
    return this.#now() - this.#openedAt >= this.#resetMs ? 'half-open' : 'open';
  }

  /** Whether a fetch may go now; in half-open, only the one trial may. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  /** Seconds until a trial fetch will be let through (for the error message). */
  retryInSeconds(): number {
    if (this.#openedAt === null) return 0;
    return Math.max(1, Math.ceil((this.#openedAt + this.#resetMs - this.#now()) / 1000));
  }

  succeeded(): void {
    this.#consecutive = 0;
    this.#openedAt = null;
    this.#trialInFlight = false;
  }

  failed(): void {
    this.#consecutive += 1;
    if (this.#trialInFlight || (this.#failures > 0 && this.#consecutive >= this.#failures)) this.#openedAt = this.#now();
    this.#trialInFlight = false;
  }
}

/** What a fetch failure was, for the decisions below. */
type Failure = { reason: string; retryable: boolean; countsAgainstSubgraph: boolean };

/**
 * Failures that say the subgraph is not there or not well: it could not be
 * reached, did not answer in time, or its proxy said 502/503/504. A GraphQL
 * error in an answer is the subgraph working, and a 4xx is the request's
 * fault. Timeouts are not retried: the time is spent, and the subgraph may
 * still be working on the first attempt.
 */
function classify(error: unknown, timedOut: boolean): Failure | null {
  if (timedOut) return { reason: 'did not answer in time', retryable: false, countsAgainstSubgraph: true };
  // An abort this caller did not cause (a fetch it shared was given up): the subgraph did not answer in time.
  if (isAbort(error)) return { reason: 'did not answer in time', retryable: false, countsAgainstSubgraph: true };
  if (error instanceof GraphQLError) {
    const status = (error.extensions.response as { status?: number } | undefined)?.status;
    if (status === 502 || status === 503 || status === 504)
      return { reason: `answered HTTP ${status}`, retryable: true, countsAgainstSubgraph: true };
    return null;
  }
  const code = errorCode(error);
  if (code) return { reason: `unreachable (${code})`, retryable: true, countsAgainstSubgraph: true };
  return null;
}

function isAbort(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'AbortError' || name === 'TimeoutError' || code === 'ABORT_ERR';
}

function errorCode(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; errno?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string' && /^E[A-Z]+$/.test(current.code)) return current.code;
    if (typeof current.errno === 'string' && /^E[A-Z]+$/.test(current.errno)) return current.errno;
    current = current.cause as typeof current;
  }
  return undefined;
}

const unavailable = (subgraph: string, message: string) =>
  new GraphQLError(message, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph } });

export type SubgraphResilience = {
  /**
   * Runs one fetch to `subgraph` under its breaker, with a deadline (the
   * fetch receives the signal to abort on) and, when `idempotent`, retries.
   * A failure that is the subgraph's becomes SUBGRAPH_UNAVAILABLE naming it,
   * so the client's partial answer says which part is missing and why.
   */
  run<T>(subgraph: string, idempotent: boolean, fetch: (signal: AbortSignal) => Promise<T>): Promise<T>;
  breaker(subgraph: string): CircuitBreaker;
};

export function subgraphResilience(settings: SubgraphFetchSettings, log: Logger, now: () => number = Date.now): SubgraphResilience {
  const breakers = new Map<string, CircuitBreaker>();
  // When each subgraph last answered: a fetch outlives SUBGRAPH_TIMEOUT_MS while its subgraph keeps answering others.
  const liveness = new SubgraphLiveness();
  const deadlines = { silenceMs: settings.timeoutMs, capMs: settings.busyTimeoutMs };
  // Failures already charged to a subgraph's breaker, by the one fetch each stands for (failureIdentity in
  // subgraph-http.ts: the callers of a shared fetch share it); weak, so they go with their errors.
  const counted = new WeakSet<object>();
  const chargeOnce = (circuit: CircuitBreaker, error: unknown) => {
    const identity = failureIdentity(error);
    if (identity && counted.has(identity)) return;
    if (identity) counted.add(identity);
    circuit.failed();
  };
  const breaker = (subgraph: string) => {
    let known = breakers.get(subgraph);
    if (!known) {
      known = new CircuitBreaker({ failures: settings.breakerFailures, resetMs: settings.breakerResetMs, now });
      breakers.set(subgraph, known);
    }
    return known;
  };
  return {
    breaker,
    async run(subgraph, idempotent, fetch) {
      const circuit = breaker(subgraph);
      for (let attempt = 0; ; attempt++) {
        if (settings.breakerFailures > 0 && !circuit.tryAcquire()) {
          throw unavailable(
            subgraph,
            `the ${subgraph} subgraph is unavailable: its last ${settings.breakerFailures} fetches failed; the router tries it again in ${circuit.retryInSeconds()} s`,
          );
        }
        const deadline = liveness.deadline(subgraph, deadlines);
        const { signal } = deadline;
        try {
          const result = await fetch(signal);
          liveness.answered(subgraph);
          circuit.succeeded();
          return result;
        } catch (error) {
          const failure = classify(error, signal.aborted);
          if (!failure) {
            // The subgraph answered (a GraphQL error, a 4xx): it is alive, so for the breaker this is a success,
            // closing a half-open circuit and ending a run of failures. The error itself is the request's.
            liveness.answered(subgraph);
            circuit.succeeded();
            throw error;
          }
          chargeOnce(circuit, error);
          if (idempotent && failure.retryable && attempt < settings.retries) {
            log.warn(`${subgraph} fetch failed (${failure.reason}); retrying (${attempt + 1} of ${settings.retries})`);
            await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
            continue;
          }
          log.warn(`${subgraph} fetch failed (${failure.reason}): ${(error as Error).message}`);
          const after = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
          throw unavailable(subgraph, `the ${subgraph} subgraph ${failure.reason}${after}`);
        } finally {
          deadline.clear();
        }
      }
    },
  };
}
