import { Agent, request } from 'undici';

/** A subgraph's answer to one POST, read whole: the gateway needs all of it before it can go on. */
export type SubgraphAnswer = {
  status: number;
  contentType: string;
  cacheControl: string | undefined;
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
  close(): Promise<void>;
};

/**
 * How the router talks HTTP to its subgraphs: undici over a keep-alive pool
 * per subgraph, and identical read fetches in flight at the same moment merged
 * into one.
 *
 * Why undici: the gateway's default fetcher (make-fetch-happen over
 * node-fetch) builds a Request, an agent lookup and header objects per fetch,
 * and its idle sockets outlive Node's 5 s server keep-alive, so a busy router
 * sent requests into sockets the subgraph had just closed (ECONNRESET, which
 * then opened circuit breakers). undici reuses connections and honours the
 * server's `Keep-Alive: timeout` hint, closing its side first.
 *
 * Why merging: many clients asking for the same page at once make the query
 * planner produce byte-identical fetches (same subgraph, same operation and
 * variables, same caller). Sending one and giving everyone its answer saves
 * the subgraph that work and keeps the answer exactly what a separate fetch
 * would have returned a moment earlier. The answer is shared as text; each
 * caller parses its own copy, because the gateway merges fetched objects into
 * its result in place and must not see another request's changes.
 */
export function subgraphHttp(): SubgraphHttp {
  const pool = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 30_000 });
  const inFlight = new Map<string, Promise<SubgraphAnswer>>();
  let shared = 0;

  const send = async (url: string, headers: Record<string, string>, body: string, signal: AbortSignal | undefined) => {
    const response = await request(url, { method: 'POST', headers, body, signal, dispatcher: pool });
    const header = (name: string) => {
      const value = response.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    return {
      status: response.statusCode,
      contentType: header('content-type') ?? '',
      cacheControl: header('cache-control'),
      text: await response.body.text(),
    };
  };

  return {
    post(url, headers, body, signal, shareKey) {
      if (shareKey === undefined) return send(url, headers, body, signal);
      const running = inFlight.get(shareKey);
      if (running) {
        shared++;
        return running;
      }
      const answer = send(url, headers, body, signal).finally(() => inFlight.delete(shareKey));
      inFlight.set(shareKey, answer);
      return answer;
    },
    get shared() {
      return shared;
    },
    close: () => pool.close(),
  };
}
