import { type FormattedExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Logger } from '../../platform/observability/log.ts';

export type UpstreamSink = {
  next(event: FormattedExecutionResult): void;
  /** The subscription ended abnormally: refused by the subgraph, or the subgraph went away or could not be reached. */
  error(error: GraphQLError): void;
  /** The subgraph completed the subscription. */
  complete(): void;
};

/** One subscription to open on a subgraph. */
export type UpstreamRequest = {
  subgraph: string;
  /** The subgraph's GraphQL URL (http or https; its graphql-ws endpoint is the same path). */
  url: string;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /**
   * Sent in the subscribe message's `extensions`: the subscriber's signed
   * identity and request id. The socket is shared, so who is subscribing is
   * told per subscription, not once per connection.
   */
  extensions: Record<string, unknown>;
};

export type UpstreamPoolOptions = {
  /** Called for every connection attempt, so each carries a freshly signed identity (the router's own). */
  connectionParams: () => Record<string, unknown>;
  /** Subscriptions one socket carries before another socket to the same subgraph is opened; default 1,000. */
  subscriptionsPerSocket?: number;
  /** How often a connection that cannot be made yet is tried again; default 8 (about half a minute in all). */
  retryAttempts?: number;
  /** The wait before retry n (0-based); default doubles from 250 ms up to 5 s. */
  retryWaitMs?: (retries: number) => number;
  log: Logger;
};

export type UpstreamPool = {
  /** Opens one subscription on the owning subgraph; returns the function that ends it. */
  open(request: UpstreamRequest, sink: UpstreamSink): () => void;
  /** Sockets open or opening to subgraphs now. */
  sockets(): number;
  close(): void;
};

/** The code of every error about the subgraph being unreachable, so clients know to subscribe again later. */
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

const defaultRetryWait = (retries: number) => Math.min(250 * 2 ** retries, 5000);

/** One graphql-ws socket to a subgraph and the subscriptions it carries. */
type Connection = {
  url: string;
  client: Client;
  connected: boolean;
  /** Lost, failed or emptied: no new subscription joins it. */
  retired: boolean;
  /** Each subscription's "the socket went away" callback. */
  members: Set<(error: GraphQLError) => void>;
};

/**
 * Subscriptions to subgraphs over a few multiplexed graphql-ws sockets, never
 * one socket per subscription: a client opening thousands of subscriptions
 * costs the router a handful of file handles, not thousands (graphql-ws
 * carries any number of operations on one socket).
 *
 * - A socket is opened when the first subscription needs it and closed when
 *   its last one ends.
 * - Connecting is retried: a subscription opened while the subgraph is down
 *   (or restarting) starts once it answers again, and fails only when the
 *   retries run out.
 * - Once connected, losing the socket is not hidden: every subscription on it
 *   gets an error at once, and the socket is retired. Silently resubscribing
 *   here would pass a gap off as a complete stream; the client subscribes
 *   again naming the last event id it saw, and the owner replays what it
 *   missed (resume.ts), or answers RESYNC_REQUIRED.
 */
export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  const perSocket = options.subscriptionsPerSocket ?? 1000;
  const open = new Map<string, Connection[]>();

  const unavailable = (subgraph: string, reason: string) =>
    new GraphQLError(
      `the ${subgraph} subgraph ${reason}; subscribe again with extensions.lastEventId to receive the events missed meanwhile`,
      {
        extensions: { code: SUBGRAPH_UNAVAILABLE, subgraph },
      },
    );

  const retire = (connection: Connection) => {
    if (connection.retired) return;
    connection.retired = true;
    const list = open.get(connection.url)?.filter((candidate) => candidate !== connection) ?? [];
    if (list.length > 0) open.set(connection.url, list);
    else open.delete(connection.url);
    Promise.resolve(connection.client.dispose()).catch((error: unknown) =>
      options.log.warn(`closing a subgraph socket: ${(error as Error).message}`),
    );
  };

  const connect = (url: string, subgraph: string): Connection => {
    const connection = { url, connected: false, retired: false, members: new Set() } as unknown as Connection;
    connection.client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: options.connectionParams,
      retryAttempts: options.retryAttempts ?? 8,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, (options.retryWaitMs ?? defaultRetryWait)(retries))),
      // Retry only while never connected; a connection lost later is reported (see above).
      shouldRetry: () => !connection.connected && !connection.retired,
      // Pings notice a subgraph that vanished without closing its sockets (a crashed host).
      keepAlive: 10_000,
      on: {
        connected: () => {
          connection.connected = true;
        },
        closed: () => {
          if (!connection.connected || connection.retired) return;
          const lost = unavailable(subgraph, 'went away');
          const members = [...connection.members];
          retire(connection);
          for (const fail of members) fail(lost);
        },
        error: (error) => options.log.warn(`socket to the ${subgraph} subgraph: ${describe(error)}`),
      },
    });
    return connection;
  };

  const connectionFor = (url: string, subgraph: string): Connection => {
    const list = open.get(url) ?? [];
    const roomy = list.find((connection) => !connection.retired && connection.members.size < perSocket);
    if (roomy) return roomy;
    const fresh = connect(url, subgraph);
    open.set(url, [...list, fresh]);
    return fresh;
  };

  return {
    open(request, sink) {
      const connection = connectionFor(request.url, request.subgraph);
      let finished = false;
      let stop: () => void = () => undefined;
      const leave = () => {
        connection.members.delete(lost);
        if (connection.members.size === 0) retire(connection);
      };
      const finish = (outcome: () => void) => {
        if (finished) return;
        finished = true;
        leave();
        outcome();
      };
      const lost = (error: GraphQLError) => finish(() => sink.error(error));
      connection.members.add(lost);
      stop = connection.client.subscribe<Record<string, unknown>, Record<string, unknown>>(
        { query: request.query, operationName: request.operationName, variables: request.variables, extensions: request.extensions },
        {
          next: (event) => {
            if (!finished) sink.next(event);
          },
          error: (error) => {
            const refused = Array.isArray(error) && error.length > 0;
            // A failure of the socket itself (retries exhausted) ends it for everyone on it.
            if (!refused) retire(connection);
            finish(() => sink.error(upstreamError(error, (reason) => unavailable(request.subgraph, reason))));
          },
          complete: () => finish(() => sink.complete()),
        },
      );
      return () => {
        if (finished) return;
        finished = true;
        stop();
        leave();
      };
    },
    sockets: () => [...open.values()].reduce((sum, list) => sum + list.length, 0),
    close() {
      for (const list of [...open.values()]) for (const connection of list) retire(connection);
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? 'connection error');
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
