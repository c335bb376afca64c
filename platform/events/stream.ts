import type { Database } from '../db/database.ts';
import type { EventBus } from './bus.ts';
import type { DomainEvent } from './event.ts';
import { missedEvents, type ReplayWindow } from './replay.ts';

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

/** Where a resuming stream reads what it missed: the subgraph's own outbox, within its window. */
export type ResumeFrom = {
  /** The position of the last event the client received. */
  after: number;
  db: Database;
  window: ReplayWindow;
  /** The clock the window's age is measured with (tests move it). */
  now?: () => number;
};

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
  return openStream(bus, types, filter).iterator;
}

/**
 * An eventStream that first delivers what the client missed after position
 * `resume.after`, then goes on live: every event of `types` passing `filter`
 * published after that position, in position order, once.
 *
 * It listens on the bus before it reads the outbox, holding live events back
 * meanwhile, so nothing published while it reads falls between the two: the
 * outbox read covers every position up to the newest one at that moment, and
 * live events up to that position are dropped as already replayed. Rejects
 * with RESYNC_REQUIRED (replay.ts) when the window no longer holds what was
 * missed, before anything is delivered.
 */
export async function resumedEventStream<Data>(
  bus: EventBus,
  types: readonly string[],
  filter: (event: DomainEvent<Data>) => boolean,
  resume: ResumeFrom,
): Promise<AsyncIterableIterator<DomainEvent<Data>>> {
  const stream = openStream(bus, types, filter);
  try {
    // Listening must have begun before the outbox is read, or what is published in between is lost.
    await bus.ready?.();
    const missed = await missedEvents(resume.db, types, resume.after, resume.window, resume.now ?? Date.now);
    stream.replay(missed.events as DomainEvent<Data>[], missed.upTo);
    return stream.iterator;
  } catch (error) {
    await stream.iterator.return?.();
    throw error;
  }
}

function openStream<Data>(bus: EventBus, types: readonly string[], filter: (event: DomainEvent<Data>) => boolean) {
  /** Replayed events, yielded before anything live; `replayed` is the next one's index. */
  let replayQueue: DomainEvent<Data>[] = [];
  let replayed = 0;
  const buffer: DomainEvent<Data>[] = [];
  let waiting: ((result: IteratorResult<DomainEvent<Data>>) => void) | null = null;
  let overflow = false;
  let done = false;
  /** Live events at or below this position were read from the outbox instead. */
  let coveredUpTo = Number.NEGATIVE_INFINITY;
  const recentIds = new Set<string>();
  const remember = (id: string) => {
    recentIds.add(id);
    // A Set iterates in insertion order, so its first id is the oldest.
    if (recentIds.size > REMEMBERED_EVENT_IDS) recentIds.delete(recentIds.values().next().value!);
  };
  const alreadyReplayed = (event: DomainEvent<Data>) => event.position !== undefined && event.position <= coveredUpTo;

  const unsubscribe = bus.subscribe(types, (event) => {
    const typed = event as DomainEvent<Data>;
    if (done || recentIds.has(typed.id) || alreadyReplayed(typed) || !filter(typed)) return;
    remember(typed.id);
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
    replayQueue = [];
    waiting?.({ value: undefined, done: true });
    waiting = null;
    return { value: undefined, done: true };
  };

  const iterator: AsyncIterableIterator<DomainEvent<Data>> = {
    next() {
      if (replayed < replayQueue.length) return Promise.resolve({ value: replayQueue[replayed++]!, done: false });
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

  return {
    iterator,
    /**
     * Puts the events read from the outbox (positions up to `upTo`) ahead of
     * the live ones held back meanwhile, and drops the live ones they cover.
     * Called before anyone iterates, so nothing was handed out yet.
     */
    replay(events: readonly DomainEvent<Data>[], upTo: number) {
      coveredUpTo = upTo;
      const live = buffer.filter((event) => !alreadyReplayed(event));
      buffer.splice(0, buffer.length, ...live);
      replayQueue = events.filter((event) => filter(event));
      for (const event of replayQueue) remember(event.id);
    },
  };
}
