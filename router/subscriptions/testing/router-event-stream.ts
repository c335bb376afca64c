import type { ExecutionResult } from 'graphql';
import { createClient, NetworkError } from 'graphql-sse';
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
  /** The root field whose value each event's `events` entry is. */
  field: string;
}): RouterEventStream<Event> {
  const client = createClient({ url: options.routerUrl, headers: options.headers ?? {}, retryAttempts: 0 });
  const events: Event[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  let stop: () => void = () => undefined;
  type Outcome = Awaited<RouterEventStream<Event>['ended']>;
  const ended = new Promise<Outcome>((resolve) => {
    const settle = (outcome: Outcome) => {
      if (finished) return;
      finished = true;
      resolve(outcome);
      for (const wake of [...waiters]) wake();
    };
    stop = client.subscribe<Record<string, unknown>>(
      { query: options.query, variables: options.variables ?? {}, operationName: options.operationName },
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
          if (error instanceof NetworkError && error.response) settle({ status: error.response.status });
          else settle({ errors: [{ message: (error as Error).message ?? String(error) }] });
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
            void ended.then((outcome) => reject(new Error(`the stream ended after ${events.length} events: ${JSON.stringify(outcome)}`)));
          }
        };
        waiters.add(check);
        check();
      });
    },
    ended,
    stop: () => stop(),
    async dispose() {
      stop();
      client.dispose();
    },
  };
}
