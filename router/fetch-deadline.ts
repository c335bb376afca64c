/**
 * When the router gives up on a subgraph fetch: a busy subgraph is not a dead one.
 *
 * A fixed deadline per fetch treats the two alike. Under load a subgraph that
 * answers a steady stream of fetches can take longer than SUBGRAPH_TIMEOUT_MS
 * to answer one of them; giving up then throws away work it is about to
 * finish, fails a request another router would have answered, and, counted by
 * the breaker, opens the circuit of a subgraph that is working. So the fetch
 * gives up after `silenceMs` only if the subgraph has answered nothing in
 * that time (no fetch of this router to it came back). While it keeps
 * answering, the fetch waits on, up to `capMs` from when it began, so one
 * query the subgraph never finishes still ends.
 */
export type FetchDeadline = {
  /** Aborts (with a TimeoutError) when the deadline passes. */
  readonly signal: AbortSignal;
  /** Stops the timer once the fetch is over. */
  clear(): void;
};

export type DeadlineSettings = {
  /** How long the subgraph may answer nothing at all before a fetch to it is given up. */
  silenceMs: number;
  /** The longest any one fetch is waited for, however busy the subgraph is. */
  capMs: number;
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

  /** A deadline for one fetch to `subgraph`, starting now. */
  deadline(subgraph: string, settings: DeadlineSettings): FetchDeadline {
    const controller = new AbortController();
    const begun = performance.now();
    const capAt = begun + Math.max(settings.capMs, settings.silenceMs);
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      const now = performance.now();
      // The fetch's own silence window, or the last answer's, whichever ends later, but never past the cap.
      const quietUntil = Math.max(begun, this.lastAnswerAt(subgraph)) + settings.silenceMs;
      const until = Math.min(quietUntil, capAt);
      if (now >= until) {
        controller.abort(new DOMException(`no answer within ${Math.round(now - begun)} ms`, 'TimeoutError'));
        return;
      }
      timer = setTimeout(check, until - now);
      timer.unref();
    };
    timer = setTimeout(check, settings.silenceMs);
    timer.unref();
    return {
      signal: controller.signal,
      clear: () => clearTimeout(timer),
    };
  }
}
