import type { ExecutionResult } from 'graphql';

/**
 * What the test clients of every transport (graphql-ws, SSE, multipart) keep
 * of one subscription: the events so far, how it ended, and a way to wait
 * for the n-th event. One place, so the three clients answer `received` and
 * `ended` alike and differ only in how they read their transport.
 */
export type EventCollector<Event, Outcome> = {
  events: Event[];
  /** Each event's id (`extensions.eventId`), in the same order as `events`; undefined where an event had none. */
  eventIds: (string | undefined)[];
  /** Adds an event and wakes whoever waits for it. */
  add(event: Event, eventId?: string): void;
  /** Ends the subscription with `outcome` (only the first call counts). */
  settle(outcome: Outcome): void;
  /** Resolves once `n` events have arrived; rejects if the subscription ends first or `timeoutMs` passes. */
  received(n: number, timeoutMs?: number): Promise<Event[]>;
  ended: Promise<Outcome>;
};

/** `onEvent`: told of each event as it is added (the fan-out benchmark stamps its arrival). */
export function eventCollector<Event, Outcome>(what: string, onEvent?: (event: Event) => void): EventCollector<Event, Outcome> {
  const events: Event[] = [];
  const eventIds: (string | undefined)[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  let resolveEnded: (outcome: Outcome) => void = () => undefined;
  const ended = new Promise<Outcome>((resolve) => {
    resolveEnded = resolve;
  });
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  return {
    events,
    eventIds,
    ended,
    add(event, eventId) {
      events.push(event);
      eventIds.push(eventId);
      onEvent?.(event);
      wakeAll();
    },
    settle(outcome) {
      if (finished) return;
      finished = true;
      resolveEnded(outcome);
      wakeAll();
    },
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
            void ended.then((outcome) => reject(new Error(`the ${what} ended after ${events.length} events: ${JSON.stringify(outcome)}`)));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** A `next` handler for a GraphQL client: a result with errors ends the subscription with them, data adds `field`'s value. */
export function nextResultOf<Event>(
  collected: EventCollector<Event, { errors?: { message: string; extensions?: Record<string, unknown> }[] }>,
  field: string,
) {
  return (result: ExecutionResult<Record<string, unknown>>) => {
    if (result.errors)
      collected.settle({ errors: result.errors.map((error) => ({ message: error.message, extensions: error.extensions })) });
    else collected.add(result.data![field] as Event, eventIdOf(result.extensions));
  };
}

/** The event id the router sent with a result (extensions.eventId), if any. */
export function eventIdOf(extensions: Record<string, unknown> | undefined): string | undefined {
  const id = extensions?.eventId;
  return typeof id === 'string' ? id : undefined;
}
