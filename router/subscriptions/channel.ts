/**
 * One subscriber's stream: the shared group pushes results in, graphql-ws
 * pulls them out with `for await`. Hand-written rather than an async
 * generator because a generator's `return()` waits for the pending `next()`,
 * so a client that completes would only be let go at the next event; here
 * `return()` ends the stream (and runs `onClose`) at once.
 */
export type Channel<T> = AsyncIterableIterator<T> & {
  push(value: T): void;
  /** Ends the stream with an error: graphql-ws sends it as the operation's `error`. */
  fail(error: Error): void;
  /** Ends the stream normally: graphql-ws sends `complete`. */
  end(): void;
  readonly closed: boolean;
};

/** Results a subscriber may fall behind by before it is cut off, so one stalled socket cannot grow the router's memory without end. */
export const MAX_BUFFERED = 10_000;

export class SlowSubscriberError extends Error {
  readonly extensions = { code: 'SLOW_SUBSCRIBER' };
  constructor() {
    super(`the subscriber fell more than ${MAX_BUFFERED} events behind and was ended; subscribe again`);
    this.name = 'SlowSubscriberError';
  }
}

export function createChannel<T>(onClose: () => void): Channel<T> {
  const buffered: T[] = [];
  let waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: Error) => void } | null = null;
  let failure: Error | null = null;
  let ended = false;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    onClose();
  };
  const settleWaiting = () => {
    if (!waiting) return;
    const waiter = waiting;
    if (buffered.length > 0) {
      waiting = null;
      waiter.resolve({ value: buffered.shift()!, done: false });
    } else if (failure) {
      waiting = null;
      waiter.reject(failure);
    } else if (ended) {
      waiting = null;
      waiter.resolve({ value: undefined, done: true });
    }
  };

  const channel: Channel<T> = {
    get closed() {
      return closed;
    },
    push(value) {
      if (ended || failure || closed) return;
      if (buffered.length >= MAX_BUFFERED) {
        buffered.length = 0;
        channel.fail(new SlowSubscriberError());
        return;
      }
      buffered.push(value);
      settleWaiting();
    },
    fail(error) {
      if (ended || failure || closed) return;
      failure = error;
      close();
      settleWaiting();
    },
    end() {
      if (ended || failure || closed) return;
      ended = true;
      close();
      settleWaiting();
    },
    next() {
      // Buffered results are delivered before the end or failure that followed them.
      if (buffered.length > 0) return Promise.resolve({ value: buffered.shift()!, done: false });
      if (failure) return Promise.reject(failure);
      if (ended || closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return() {
      ended = true;
      buffered.length = 0;
      close();
      settleWaiting();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error: unknown) {
      return channel.return!().then(() => Promise.reject(error));
    },
    [Symbol.asyncIterator]() {
      return channel;
    },
  };
  return channel;
}

/** The same stream, each result passed through `map` as its reader takes it (a subscriber's field filter, the delivered-events metric). */
export function mapTaken<T>(channel: Channel<T>, map: (value: T) => T): Channel<T> {
  const mapped: Channel<T> = {
    get closed() {
      return channel.closed;
    },
    push: (value) => channel.push(value),
    fail: (error) => channel.fail(error),
    end: () => channel.end(),
    next: () => channel.next().then((step) => (step.done ? step : { value: map(step.value), done: false })),
    return: () => channel.return!(),
    throw: (error: unknown) => channel.throw!(error),
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
}
