import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { eventCollector, nextResultOf } from './event-collector.ts';

export type RouterSubscription<Event> = {
  /** The subscribed root field's value of every event so far. */
  events: Event[];
  /** Each event's id (`extensions.eventId`), in the order of `events`. */
  eventIds: (string | undefined)[];
  /** Resolves once `n` events have arrived; rejects if the subscription ends first or `timeoutMs` passes. */
  received(n: number, timeoutMs?: number): Promise<Event[]>;
  /** Resolves when the operation ends: completed by the server, an error for it, or the socket closing (its code). */
  ended: Promise<{ completed?: true; errors?: { message: string; extensions?: Record<string, unknown> }[]; closeCode?: number }>;
  /** Completes the operation from the client's side (graphql-ws `complete`), as a client that stops does. */
  stop(): void;
  dispose(): Promise<void>;
};

/**
 * A client of the router's graphql-ws endpoint, as a dashboard would use it:
 * credentials in `connection_init`, one operation, no retries (a test wants
 * to see a refusal, not a retry).
 */
export function subscribeToRouter<Event = Record<string, unknown>>(options: {
  routerUrl: string;
  connectionParams?: Record<string, unknown>;
  query: string;
  variables?: Record<string, unknown>;
  /** The subscribe message's extensions (`lastEventId` to resume). */
  extensions?: Record<string, unknown>;
  /** The root field whose value each event's `events` entry is. */
  field: string;
  /** Told of each event as it arrives. */
  onEvent?: (event: Event) => void;
}): RouterSubscription<Event> {
  const client = createClient({
    url: options.routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: options.connectionParams ?? {},
    retryAttempts: 0,
  });
  type Outcome = Awaited<RouterSubscription<Event>['ended']>;
  const collected = eventCollector<Event, Outcome>('subscription', options.onEvent);
  const { settle } = collected;
  const stop = client.subscribe<Record<string, unknown>>(
    { query: options.query, variables: options.variables ?? {}, ...(options.extensions ? { extensions: options.extensions } : {}) },
    {
      next: nextResultOf(collected, options.field),
      error: (error) => {
        if (Array.isArray(error)) settle({ errors: error });
        else settle({ closeCode: (error as { code?: number }).code });
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
    dispose: () => client.dispose() as Promise<void>,
  };
}
