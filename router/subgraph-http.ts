import { Agent } from 'node:http';
import { postText } from '../subgraphs/kit/http/post-text.ts';

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

/** Longest a pooled socket idles, unless the subgraph announces a shorter keep-alive. */
const IDLE_SOCKET_MS = 30_000;

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
export function subgraphHttp(): SubgraphHttp {
  // The idle timeout also makes the agent honour the subgraphs' shorter Keep-Alive hint (see above).
  const pool = new Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: 64 });
  const inFlight = new Map<string, Promise<SubgraphAnswer>>();
  let shared = 0;

  const send = async (url: string, headers: Record<string, string>, body: string, signal: AbortSignal | undefined) => {
    const answer = await postText(url, headers, body, { agent: pool, signal });
    return {
      status: answer.status,
      contentType: answer.headers['content-type'] ?? '',
      cacheControl: answer.headers['cache-control'],
      text: answer.text,
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
    close: async () => pool.destroy(),
  };
}
