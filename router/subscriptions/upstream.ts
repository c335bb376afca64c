import { type FormattedExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export type UpstreamSink = {
  next(event: FormattedExecutionResult): void;
  /** The subscription ended abnormally: refused by the subgraph, or the subgraph went away or could not be reached. */
  error(error: GraphQLError): void;
  /** The subgraph completed the subscription. */
  complete(): void;
};

export type UpstreamOptions = {
  subgraph: string;
  /** The subgraph's GraphQL URL (http or https; its graphql-ws endpoint is the same path). */
  url: string;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /** Called for every connection attempt, so each carries a freshly signed identity. */
  connectionParams: () => Record<string, unknown>;
  /** How often a connection that cannot be made yet is tried again; default 8 (about half a minute in all). */
  retryAttempts?: number;
  /** The wait before retry n (0-based); default doubles from 250 ms up to 5 s. */
  retryWaitMs?: (retries: number) => number;
};

/** The code of every error about the subgraph being unreachable, so clients know to subscribe again later. */
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

const defaultRetryWait = (retries: number) => Math.min(250 * 2 ** retries, 5000);

/**
 * Opens one subscription on the owning subgraph's graphql-ws endpoint, as the
 * router (one socket per subscription, so closing the subscription closes the
 * socket and the subgraph stops its stream). Returns the function that ends it.
 *
 * - Connecting is retried: a subscription opened while the subgraph is down
 *   (or restarting) starts once it answers again, and fails only when the
 *   retries run out.
 * - Once connected, losing the connection is not hidden: the sink gets an
 *   error at once. Events published while nobody listened are not replayed,
 *   so silently resuming would pass a gap off as a complete stream; the
 *   client subscribes again and reads the current state.
 */
export function openUpstream(options: UpstreamOptions, sink: UpstreamSink): () => void {
  let connected = false;
  let finished = false;
  const finish = (outcome: () => void) => {
    if (finished) return;
    finished = true;
    outcome();
    void client.dispose();
  };
  const unavailable = (reason: string) =>
    new GraphQLError(`the ${options.subgraph} subgraph ${reason}; events meanwhile are not replayed, subscribe again`, {
      extensions: { code: SUBGRAPH_UNAVAILABLE, subgraph: options.subgraph },
    });

  const client = createClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: options.connectionParams,
    retryAttempts: options.retryAttempts ?? 8,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, (options.retryWaitMs ?? defaultRetryWait)(retries))),
    // Retry only while never connected; a connection lost later is reported (see above).
    shouldRetry: () => !connected && !finished,
    // Pings notice a subgraph that vanished without closing its sockets (a crashed host).
    keepAlive: 10_000,
    on: {
      connected: () => {
        connected = true;
      },
      closed: () => {
        if (connected) finish(() => sink.error(unavailable('went away')));
      },
    },
  });

  const stop = client.subscribe<Record<string, unknown>, Record<string, unknown>>(
    { query: options.query, operationName: options.operationName, variables: options.variables },
    {
      next: (event) => {
        if (!finished) sink.next(event);
      },
      error: (error) => finish(() => sink.error(upstreamError(error, unavailable))),
      complete: () => finish(() => sink.complete()),
    },
  );
  return () => {
    if (finished) return;
    finished = true;
    stop();
    void client.dispose();
  };
}

/** graphql-ws reports an operation's errors as formatted errors and a connection failure as a close event or an Error. */
function upstreamError(error: unknown, unavailable: (reason: string) => GraphQLError): GraphQLError {
  if (Array.isArray(error) && error.length > 0) {
    const first = error[0] as GraphQLFormattedError;
    return new GraphQLError(first.message, { extensions: first.extensions ?? {} });
  }
  const reason = error instanceof Error ? error.message : `closed the connection (${(error as { code?: number }).code ?? 'no code'})`;
  return unavailable(`could not be reached: ${reason}`);
}
