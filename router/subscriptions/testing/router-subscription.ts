import type { ExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export type RouterSubscription<Event> = {
  /** The subscribed root field's value of every event so far. */
  events: Event[];
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
  /** The root field whose value each event's `events` entry is. */
  field: string;
}): RouterSubscription<Event> {
  const client = createClient({
    url: options.routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: options.connectionParams ?? {},
    retryAttempts: 0,
  });
  const events: Event[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  let stop: () => void = () => undefined;
  const ended = new Promise<Awaited<RouterSubscription<Event>['ended']>>((resolve) => {
    const settle = (outcome: Awaited<RouterSubscription<Event>['ended']>) => {
      finished = true;
      resolve(outcome);
      for (const wake of [...waiters]) wake();
    };
    stop = client.subscribe<Record<string, unknown>>(
      { query: options.query, variables: options.variables ?? {} },
      {
        next: (result: ExecutionResult<Record<string, unknown>>) => {
          if (result.errors) {
            settle({ errors: result.errors.map((error) => ({ message: error.message, extensions: error.extensions })) });
            return;
          }
          events.push(result.data![options.field] as Event);
          for (const wake of [...waiters]) wake();
        },
        error: (error) => {
          if (Array.isArray(error)) settle({ errors: error });
          else settle({ closeCode: (error as { code?: number }).code });
        },
        complete: () => settle({ completed: true }),
      },
    );
  });
  return {
    events,
    received(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${events.length} of ${n} events arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (events.length >= n) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(events.slice());
          } else if (finished) {
            clearTimeout(timer);
            waiters.delete(check);
            void ended.then((outcome) =>
              reject(new Error(`the subscription ended after ${events.length} events: ${JSON.stringify(outcome)}`)),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    ended,
    stop: () => stop(),
    dispose: () => client.dispose() as Promise<void>,
  };
}
