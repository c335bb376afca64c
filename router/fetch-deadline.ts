/**
 * When the router gives up on a subgraph fetch that has heard nothing: a busy
 * subgraph is not a dead one.
 *
 * A fixed deadline per fetch treats the two alike. Under load a subgraph that
 * answers a steady stream of fetches can take longer than SUBGRAPH_TIMEOUT_MS
 * to answer one of them; giving up then throws away work it is about to
 * finish, fails a request another router would have answered, and, counted by
 * the breaker, opens the circuit of a subgraph that is working. So the fetch
 * gives up after `silenceMs` only if the subgraph has answered nothing in
 * that time (no fetch of this router to it came back). While it keeps
 * answering, the fetch waits on; the fixed cap that ends one query the
 * subgraph never finishes (SUBGRAPH_BUSY_TIMEOUT_MS) is cockatiel's timeout
 * policy in subgraph-resilience.ts. No library deadline extends itself on
 * another fetch's answer, which is why this one is ours.
 */
export type SilenceDeadline = {
  /** Aborts (with a TimeoutError) when the subgraph has been silent for `silenceMs`. */
  readonly signal: AbortSignal;
  /** Stops the timer once the fetch is over. */
  clear(): void;
};

/** Per subgraph, when it last answered a fetch (performance.now(), the monotonic clock the timers also run on). */
export class SubgraphLiveness {
  readonly #lastAnswerAt = new Map<string, number>();

  answered(subgraph: string): void {
    this.#lastAnswerAt.set(subgraph, performance.now());
  }

  lastAnswerAt(subgraph: string): number {
    return this.#lastAnswerAt.get(subgraph) ?? Number.NEGATIVE_INFINITY;
  }

  /** A silence deadline for one fetch to `subgraph`, starting now. */
  deadline(subgraph: string, silenceMs: number): SilenceDeadline {
    const controller = new AbortController();
    const begun = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      const now = performance.now();
      // The fetch's own silence window, or the last answer's, whichever ends later.
      const until = Math.max(begun, this.lastAnswerAt(subgraph)) + silenceMs;
      if (now >= until) {
        controller.abort(new DOMException(`no answer within ${Math.round(now - begun)} ms`, 'TimeoutError'));
        return;
      }
      timer = setTimeout(check, until - now);
      timer.unref();
    };
    timer = setTimeout(check, silenceMs);
    timer.unref();
    return {
      signal: controller.signal,
      clear: () => clearTimeout(timer),
    };
  }
}
