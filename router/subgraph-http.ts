import { Agent } from 'node:http';
import { REPLICATION_POSITION_HEADER } from '../platform/graphql/replication-position.ts';
import { postText } from '../platform/http/post-text.ts';
import { subgraphAdmission } from './subgraph-admission.ts';

/** A subgraph's answer to one POST, read whole: the gateway needs all of it before it can go on. */
export type SubgraphAnswer = {
  status: number;
  contentType: string;
  cacheControl: string | undefined;
  /** The primary's position after a write the fetch made (platform/graphql/replication-position.ts). */
  replicationPosition?: string;
  text: string;
};

export type SubgraphHttp = {
  /**
   * POSTs `body` to `url`. With a `shareKey`, a second call with the same key
   * while the first is still in flight does not send anything: it gets the
   * first call's answer. Only for reads (the caller decides): a mutation sent
   * twice must run twice.
   */
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal | undefined,
    shareKey?: string,
  ): Promise<SubgraphAnswer>;
  /** Fetches answered by another call's answer so far, for /metrics. */
  readonly shared: number;
  /** Fetches waiting for a place under the per-subgraph limit now, for /metrics. */
  readonly queued: number;
  close(): Promise<void>;
};

/** Longest a pooled socket idles, unless the subgraph announces a shorter keep-alive. */
const IDLE_SOCKET_MS = 30_000;
/** A shared fetch's own deadline when none is given (the router passes SUBGRAPH_BUSY_TIMEOUT_MS). */
const DEFAULT_SHARED_FETCH_TIMEOUT_MS = 10_000;

/**
 * How the router talks HTTP to its subgraphs: Node's own client over a
 * keep-alive pool, and identical read fetches in flight at the same moment
 * merged into one.
 *
 * Why not the gateway's default fetcher: make-fetch-happen over node-fetch
 * builds a Request, an agent lookup and header objects per fetch, and its idle
 * sockets outlived Node's 5 s server keep-alive, so a busy router sent
 * requests into sockets the subgraph had just closed (ECONNRESET, which then
 * opened circuit breakers). Node's agent honours the server's `Keep-Alive:
 * timeout` hint once it has an idle timeout of its own, and closes its side a
 * second before the server would. (undici was as fast here and cost 15-30 MB
 * more memory per process just to load.)
 *
 * Why merging: many clients asking for the same page at once make the query
 * planner produce byte-identical fetches (same subgraph, same operation and
 * variables, same caller). Sending one and giving everyone its answer saves
 * the subgraph that work and keeps the answer exactly what a separate fetch
 * would have returned a moment earlier. The answer is shared as text; each
 * caller parses its own copy, because the gateway merges fetched objects into
 * its result in place and must not see another request's changes.
 */
export function subgraphHttp(options: { sharedFetchTimeoutMs?: number; maxInFlightPerSubgraph?: number } = {}): SubgraphHttp {
  const sharedFetchTimeoutMs = options.sharedFetchTimeoutMs ?? DEFAULT_SHARED_FETCH_TIMEOUT_MS;
  // Counted per subgraph URL, after merging: a fetch many callers share holds one place (subgraph-admission.ts).
  const admission = subgraphAdmission(options.maxInFlightPerSubgraph ?? 0);
  // The idle timeout also makes the agent honour the subgraphs' shorter Keep-Alive hint (see above).
  const pool = new Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: 64 });
  const inFlight = new Map<string, SharedFetch>();
  let shared = 0;

  const send = async (url: string, headers: Record<string, string>, body: string, signal: AbortSignal | undefined) => {
    const release = await admission.acquire(url, signal);
    let answer: Awaited<ReturnType<typeof postText>>;
    try {
      answer = await postText(url, headers, body, { agent: pool, signal });
    } finally {
      release();
    }
    return {
      status: answer.status,
      contentType: answer.headers['content-type'] ?? '',
      cacheControl: answer.headers['cache-control'],
      replicationPosition: headerOf(answer.headers[REPLICATION_POSITION_HEADER]),
      text: answer.text,
    };
  };

  return {
    post(url, headers, body, signal, shareKey) {
      if (shareKey === undefined) return send(url, headers, body, signal);
      let fetch = inFlight.get(shareKey);
      if (fetch) shared++;
      else {
        // The shared fetch has a signal of its own: no one caller's deadline may cut it short for the others.
        // It also has a deadline of its own, so callers who keep joining cannot keep a hung fetch alive forever.
        // The deadline's timer ends with the fetch: AbortSignal.timeout's would stay pending its whole length
        // after every fetch, holding the async context it began in (a request's scope; under Jest, a test file).
        const controller = new AbortController();
        const started: SharedFetch = { controller, waiting: 0, settled: false, answer: Promise.resolve() as never };
        const deadline = setTimeout(() => {
          controller.abort(new DOMException(`the shared fetch took over ${sharedFetchTimeoutMs} ms`, 'TimeoutError'));
        }, sharedFetchTimeoutMs).unref();
        started.answer = send(url, headers, body, controller.signal)
          .then(
            (answer) => answerOfFetch(answer, started),
            (error: unknown) => {
              throw failureOfFetch(error, started);
            },
          )
          .finally(() => {
            clearTimeout(deadline);
            started.settled = true;
            if (inFlight.get(shareKey) === started) inFlight.delete(shareKey);
          });
        // Its outcome reaches every caller still waiting; with none left it must not surface as unhandled.
        started.answer.catch(() => undefined);
        inFlight.set(shareKey, started);
        fetch = started;
      }
      return waitFor(fetch, signal, () => {
        if (inFlight.get(shareKey) === fetch) inFlight.delete(shareKey);
      });
    },
    get shared() {
      return shared;
    },
    get queued() {
      return admission.waiting;
    },
    close: async () => pool.destroy(),
  };
}

/**
 * Which shared fetch an answer or an error came from. Every caller of one
 * shared fetch gets the same answer object or error object, or an
 * abandonment naming the fetch; subgraph-resilience.ts charges the subgraph
 * once per fetch, however many callers were waiting for it.
 */
const fetchOf = new WeakMap<object, object>();
const answerOfFetch = (answer: SubgraphAnswer, fetch: object) => {
  fetchOf.set(answer, fetch);
  return answer;
};
const failureOfFetch = (error: unknown, fetch: object) => {
  if (typeof error === 'object' && error !== null) fetchOf.set(error, fetch);
  return error;
};

/**
 * The one failure `error` stands for, for counting: the shared fetch it came
 * from, or what it was derived from (see `sameFailureAs`), or itself.
 */
export function failureIdentity(error: unknown): object | null {
  if (error instanceof SharedFetchAbandonedError) return error.fetch;
  if (typeof error !== 'object' || error === null) return null;
  return fetchOf.get(error) ?? error;
}

/**
 * Records that `error` is the failure `source` (an answer or error of a
 * fetch) already stands for: the GraphQLError each caller makes of one shared
 * 503 answer is one failure of the subgraph, not one per caller.
 */
export function sameFailureAs(error: object, source: object): void {
  fetchOf.set(error, fetchOf.get(source) ?? source);
}

/** One fetch in flight and the callers waiting for it. */
type SharedFetch = { answer: Promise<SubgraphAnswer>; controller: AbortController; waiting: number; settled: boolean };

/**
 * A caller that stopped waiting for a shared fetch (its own deadline passed,
 * or it was aborted). `fetch` names the shared fetch, so that however many
 * callers give up on one fetch, the subgraph is charged with one failure
 * (subgraph-resilience.ts).
 */
export class SharedFetchAbandonedError extends Error {
  readonly code = 'ABORT_ERR';
  readonly fetch: object;
  constructor(fetch: object, reason: unknown) {
    super(`the caller stopped waiting for the subgraph: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`);
    this.name = 'AbortError';
    this.fetch = fetch;
  }
}

/**
 * Waits for a shared fetch under this caller's own signal: the caller leaves
 * when its signal aborts, and the fetch itself is aborted only when the last
 * caller waiting for it has left.
 */
function waitFor(fetch: SharedFetch, signal: AbortSignal | undefined, forget: () => void): Promise<SubgraphAnswer> {
  fetch.waiting++;
  return new Promise<SubgraphAnswer>((resolve, reject) => {
    let left = false;
    const leave = () => {
      if (left) return false;
      left = true;
      signal?.removeEventListener('abort', abandon);
      fetch.waiting--;
      return true;
    };
    const abandon = () => {
      if (!leave()) return;
      if (fetch.waiting === 0 && !fetch.settled) {
        forget();
        fetch.controller.abort(signal?.reason);
      }
      reject(new SharedFetchAbandonedError(fetch, signal?.reason));
    };
    if (signal?.aborted) {
      abandon();
      return;
    }
    signal?.addEventListener('abort', abandon, { once: true });
    fetch.answer.then(
      (answer) => {
        if (leave()) resolve(answer);
      },
      (error: unknown) => {
        if (leave()) reject(error);
      },
    );
  });
}

/** One header's value; a header sent twice is not one value. */
const headerOf = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);
