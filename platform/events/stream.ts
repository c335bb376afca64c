import type { EventBus } from './bus.ts';
import type { DomainEvent } from './event.ts';

/** How many events may wait for a slow subscriber before its stream ends with an error (it can resubscribe). */
export const MAX_BUFFERED_EVENTS = 10_000;

/** How many recent event ids a stream remembers to drop a redelivered event (the relay may publish one twice). */
export const REMEMBERED_EVENT_IDS = 1_000;

export class SubscriberTooSlowError extends Error {
  constructor() {
    super(`the subscriber fell more than ${MAX_BUFFERED_EVENTS} events behind; subscribe again`);
    this.name = 'SubscriberTooSlowError';
  }
}

/**
 * The bus as an async iterator, for GraphQL subscription resolvers. Events
 * that pass `filter` are buffered in order; leaving the iterator (the client
 * completes or disconnects) unsubscribes from the bus.
 *
 * Delivery is at least once: the outbox relay publishes an event again when
 * it could not record that it had (a lock conflict, a lost lease), and a live
 * subscriber must not see one change twice. So the stream, like every other
 * consumer, drops an event whose id it has already yielded, among the last
 * REMEMBERED_EVENT_IDS; redeliveries come within seconds, far inside that.
 */
export function eventStream<Data>(
  bus: EventBus,
  types: readonly string[],
  filter: (event: DomainEvent<Data>) => boolean = () => true,
): AsyncIterableIterator<DomainEvent<Data>> {
  const buffer: DomainEvent<Data>[] = [];
  let waiting: ((result: IteratorResult<DomainEvent<Data>>) => void) | null = null;
  let overflow = false;
  let done = false;
  const recentIds = new Set<string>();

  const unsubscribe = bus.subscribe(types, (event) => {
    const typed = event as DomainEvent<Data>;
    if (done || recentIds.has(typed.id) || !filter(typed)) return;
    recentIds.add(typed.id);
    // A Set iterates in insertion order, so its first id is the oldest.
    if (recentIds.size > REMEMBERED_EVENT_IDS) recentIds.delete(recentIds.values().next().value!);
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: typed, done: false });
      return;
    }
    if (buffer.length >= MAX_BUFFERED_EVENTS) {
      overflow = true;
      return;
    }
    buffer.push(typed);
  });

  const finish = (): IteratorResult<DomainEvent<Data>> => {
    done = true;
    unsubscribe();
    buffer.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = null;
    return { value: undefined, done: true };
  };

  return {
    next() {
      if (buffer.length > 0) return Promise.resolve({ value: buffer.shift()!, done: false });
      if (overflow) {
        finish();
        return Promise.reject(new SubscriberTooSlowError());
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: () => Promise.resolve(finish()),
    throw: (error?: unknown) => {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
