import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type RetryPolicy,
  retry,
  TaskCancelledError,
  type TimeoutPolicy,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import { GraphQLError } from 'graphql';
import type { Logger } from '../platform/observability/log.ts';
import type { SubgraphFetchSettings } from './config.ts';
import { SubgraphLiveness } from './fetch-deadline.ts';
import { failureIdentity } from './subgraph-http.ts';

/**
 * Timeouts, retries and a circuit breaker per subgraph, as cockatiel policies:
 *
 * - `retry` with `ExponentialBackoff` (idempotent fetches only, failures the
 *   classification below calls retryable);
 * - `circuitBreaker` with a `ConsecutiveBreaker`: after SUBGRAPH_BREAKER_FAILURES
 *   counted failures in a row it opens, fetches fail at once, and after
 *   SUBGRAPH_BREAKER_RESET_MS one trial fetch closes or reopens it;
 * - `timeout` for SUBGRAPH_BUSY_TIMEOUT_MS, the cap of one attempt, alongside
 *   our silence deadline (fetch-deadline.ts), which no library offers.
 *
 * What counts is fetches the subgraph was sent, not callers: a read that
 * several callers share (merged in subgraph-http.ts) is one fetch. If it
 * fails (unreachable, 502/503/504, its own deadline passed) or a caller's
 * deadline passes while waiting for it, the subgraph is charged ONE failure,
 * however many callers were waiting, and every one of them gets
 * SUBGRAPH_UNAVAILABLE; if it answers, each caller's success resets the count.
 */

/** What a fetch failure was, for the decisions below. */
type Failure = { reason: string; retryable: boolean };

/**
 * Failures that say the subgraph is not there or not well: it could not be
 * reached, did not answer in time, or its proxy said 502/503/504. A GraphQL
 * error in an answer is the subgraph working, and a 4xx is the request's
 * fault: null, the subgraph answered. Timeouts are not retried: the time is
 * spent, and the subgraph may still be working on the first attempt.
 */
function classify(error: unknown, timedOut: boolean): Failure | null {
  if (timedOut || error instanceof TaskCancelledError) return { reason: 'did not answer in time', retryable: false };
  // An abort this caller did not cause (a fetch it shared was given up): the subgraph did not answer in time.
  if (isAbort(error)) return { reason: 'did not answer in time', retryable: false };
  if (error instanceof GraphQLError) {
    const status = (error.extensions.response as { status?: number } | undefined)?.status;
    if (status === 502 || status === 503 || status === 504) return { reason: `answered HTTP ${status}`, retryable: true };
    return null;
  }
  const code = errorCode(error);
  if (code) return { reason: `unreachable (${code})`, retryable: true };
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

/**
 * A failure that is the subgraph's, thrown through the policies. `charged`:
 * the first caller of the fetch it stands for to see it; only that one counts
 * for the breaker (the others of a shared fetch pass the breaker uncounted).
 */
class SubgraphFailure extends Error {
  readonly failure: Failure;
  readonly error: unknown;
  readonly charged: boolean;
  constructor(failure: Failure, error: unknown, charged: boolean) {
    super(failure.reason);
    this.failure = failure;
    this.error = error;
    this.charged = charged;
  }
}

/** An answer the fetch ended with: a value, or an error of the request (the subgraph answered, so a breaker success). */
type Answered<T> = { value: T } | { error: unknown };

const unavailable = (subgraph: string, message: string) =>
  new GraphQLError(message, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph } });

/** What /metrics and the specs see of a subgraph's breaker. */
export type BreakerView = { readonly state: 'closed' | 'open' | 'half-open' };

export type SubgraphResilience = {
  /**
   * Runs one fetch to `subgraph` under its breaker, with a deadline (the
   * fetch receives the signal to abort on) and, when `idempotent`, retries.
   * A failure that is the subgraph's becomes SUBGRAPH_UNAVAILABLE naming it,
   * so the client's partial answer says which part is missing and why.
   */
  run<T>(subgraph: string, idempotent: boolean, fetch: (signal: AbortSignal) => Promise<T>): Promise<T>;
  breaker(subgraph: string): BreakerView;
};

/**
 * Aggressive: at the cap the attempt ends, whether or not the fetch honours
 * its signal. Every fetch path here does honour it, synchronously, so the
 * fetch's own rejection wins the race; it names the shared fetch it came from
 * (subgraph-http.ts), and five callers of one hung fetch are charged as one
 * failure (fetch-deadline.spec.ts proves it). Only a fetch that ignored its
 * signal would end with cockatiel's TaskCancelledError, charged per caller.
 */
const CAP_STRATEGY = TimeoutStrategy.Aggressive;

export function subgraphResilience(settings: SubgraphFetchSettings, log: Logger): SubgraphResilience {
  // When each subgraph last answered: a fetch outlives SUBGRAPH_TIMEOUT_MS while its subgraph keeps answering others.
  const liveness = new SubgraphLiveness();
  const cap: TimeoutPolicy = timeout(Math.max(settings.busyTimeoutMs, settings.timeoutMs), {
    strategy: CAP_STRATEGY,
    // Not aborted once the fetch is over: an aborted signal in the catch below means the cap passed, nothing else.
    abortOnReturn: false,
  });
  const retries: RetryPolicy = retry(
    handleWhen((error) => error instanceof SubgraphFailure && error.failure.retryable),
    { maxAttempts: settings.retries, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 2_000 }) },
  );
  // Failures already charged to a subgraph's breaker, by the one fetch each stands for (failureIdentity in
  // subgraph-http.ts: the callers of a shared fetch share it); weak, so they go with their errors.
  const counted = new WeakSet<object>();
  const firstToSee = (error: unknown) => {
    const identity = failureIdentity(error);
    if (!identity) return true;
    if (counted.has(identity)) return false;
    counted.add(identity);
    return true;
  };
  const circuits = new Map<string, CircuitBreakerPolicy>();
  const circuitOf = (subgraph: string): CircuitBreakerPolicy | null => {
    if (settings.breakerFailures <= 0) return null;
    let circuit = circuits.get(subgraph);
    if (!circuit) {
      const policy: CircuitBreakerPolicy = circuitBreaker(
        // A failure counts once per fetch; while half-open every failure of the trial decides (reopens).
        handleWhen((error) => error instanceof SubgraphFailure && (error.charged || policy.state === CircuitState.HalfOpen)),
        { halfOpenAfter: settings.breakerResetMs, breaker: new ConsecutiveBreaker(settings.breakerFailures) },
      );
      circuit = policy;
      circuits.set(subgraph, circuit);
    }
    return circuit;
  };
  const retryInSeconds = (circuit: CircuitBreakerPolicy) => {
    const { ownState } = circuit.toJSON() as { ownState: { openedAt?: number } };
    const opensAt = (ownState.openedAt ?? 0) + settings.breakerResetMs;
    return Math.max(1, Math.ceil((opensAt - Date.now()) / 1000));
  };
  const refused = (subgraph: string, circuit: CircuitBreakerPolicy) =>
    unavailable(
      subgraph,
      `the ${subgraph} subgraph is unavailable: its last ${settings.breakerFailures} fetches failed; the router tries it again in ${retryInSeconds(circuit)} s`,
    );

  /** One attempt: the fetch under the silence deadline and the cap; a failure of the subgraph's is thrown as SubgraphFailure. */
  async function attempt<T>(subgraph: string, fetch: (signal: AbortSignal) => Promise<T>): Promise<Answered<T>> {
    const silence = liveness.deadline(subgraph, settings.timeoutMs);
    let signal: AbortSignal = silence.signal;
    try {
      const value = await cap.execute(({ signal: capSignal }) => {
        signal = AbortSignal.any([capSignal, silence.signal]);
        return fetch(signal);
      });
      liveness.answered(subgraph);
      return { value };
    } catch (error) {
      const failure = classify(error, signal.aborted);
      if (!failure) {
        // The subgraph answered (a GraphQL error, a 4xx): it is alive, so for the breaker this is a success,
        // closing a half-open circuit and ending a run of failures. The error itself is the request's.
        liveness.answered(subgraph);
        return { error };
      }
      throw new SubgraphFailure(failure, error, firstToSee(error));
    } finally {
      silence.clear();
    }
  }

  return {
    breaker(subgraph) {
      const circuit = circuitOf(subgraph);
      return {
        get state() {
          const state = circuit?.state ?? CircuitState.Closed;
          return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
        },
      };
    },
    async run(subgraph, idempotent, fetch) {
      const circuit = circuitOf(subgraph);
      let attempts = 0;
      const once = async () => {
        attempts += 1;
        // Half-open with its trial in flight: fail at once, as while open, rather than queue behind the trial.
        if (circuit?.state === CircuitState.HalfOpen) throw refused(subgraph, circuit);
        try {
          return await (circuit ? circuit.execute(() => attempt(subgraph, fetch)) : attempt(subgraph, fetch));
        } catch (error) {
          if (error instanceof BrokenCircuitError && circuit) throw refused(subgraph, circuit);
          if (error instanceof SubgraphFailure) log.warn(`${subgraph} fetch failed (${error.failure.reason}) on attempt ${attempts}`);
          throw error;
        }
      };
      let outcome: Awaited<ReturnType<typeof once>>;
      try {
        outcome = await (idempotent ? retries.execute(once) : once());
      } catch (error) {
        if (!(error instanceof SubgraphFailure)) throw error;
        log.warn(`${subgraph} fetch failed (${error.failure.reason}): ${(error.error as Error)?.message}`);
        const after = attempts > 1 ? ` after ${attempts} attempts` : '';
        throw unavailable(subgraph, `the ${subgraph} subgraph ${error.failure.reason}${after}`);
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },
  };
}
