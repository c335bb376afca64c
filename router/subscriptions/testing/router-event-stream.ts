import { createClient, NetworkError } from 'graphql-sse';
import { eventCollector, nextResultOf } from './event-collector.ts';
import type { RouterSubscription } from './router-subscription.ts';

export type RouterEventStream<Event> = Omit<RouterSubscription<Event>, 'ended'> & {
  /** Resolves when the stream ends: completed by the server, an error result for it, or an HTTP refusal (its status). */
  ended: Promise<{ completed?: true; errors?: { message: string; extensions?: Record<string, unknown> }[]; status?: number }>;
};

/**
 * A client of the router's Server-Sent Events endpoint (graphql-sse's own
 * client, distinct connections), as a dashboard without WebSockets would use
 * it: credentials in the request headers, one operation, no retries (a test
 * wants to see a refusal, not a retry). The same shape as subscribeToRouter's.
 */
export function subscribeOverSse<Event = Record<string, unknown>>(options: {
  routerUrl: string;
  headers?: Record<string, string>;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** The request's extensions (`lastEventId` to resume; or send the `last-event-id` header). */
  extensions?: Record<string, unknown>;
  /** The root field whose value each event's `events` entry is. */
  field: string;
  /** Told of each event as it arrives. */
  onEvent?: (event: Event) => void;
}): RouterEventStream<Event> {
  const client = createClient({ url: options.routerUrl, headers: options.headers ?? {}, retryAttempts: 0 });
  type Outcome = Awaited<RouterEventStream<Event>['ended']>;
  const collected = eventCollector<Event, Outcome>('stream', options.onEvent);
  const { settle } = collected;
  const stop = client.subscribe<Record<string, unknown>>(
    {
      query: options.query,
      variables: options.variables ?? {},
      operationName: options.operationName,
      ...(options.extensions ? { extensions: options.extensions } : {}),
    },
    {
      next: nextResultOf(collected, options.field),
      error: (error) => {
        if (error instanceof NetworkError && error.response) settle({ status: error.response.status });
        else settle({ errors: [{ message: (error as Error).message ?? String(error) }] });
      },
      complete: () => settle({ completed: true }),
    },
  );
  return {
    events: collected.events,
    eventIds: collected.eventIds,
    received: collected.received,
    ended: collected.ended,
    stop: () => stop(),
    async dispose() {
      stop();
      client.dispose();
    },
  };
}
