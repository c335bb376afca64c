import { eventCollector, eventIdOf } from './event-collector.ts';
import type { RouterEventStream } from './router-event-stream.ts';

export type RouterMultipartStream<Event> = RouterEventStream<Event> & {
  /** Empty parts (`{}`) received so far: the heartbeats. */
  heartbeats(): number;
  /** Every part as received, parsed. */
  parts: unknown[];
};

const DELIMITER = '\r\n--graphql';

/**
 * A client of the router's multipart subscriptions as Apollo Client's HTTP
 * link speaks to it: a POST with `accept: multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json`,
 * reading each part as it arrives. Same shape as subscribeOverSse's: an HTTP
 * refusal is `{ status }`, a part with errors (in its payload, or the
 * protocol's transport error) is `{ errors }`, the closing delimiter `{ completed }`.
 */
export function subscribeOverMultipart<Event = Record<string, unknown>>(options: {
  routerUrl: string;
  headers?: Record<string, string>;
  query: string;
  variables?: Record<string, unknown>;
  /** The body's extensions (`lastEventId` to resume). */
  extensions?: Record<string, unknown>;
  /** The root field whose value each event's `events` entry is. */
  field: string;
  /** Told of each event as it arrives. */
  onEvent?: (event: Event) => void;
}): RouterMultipartStream<Event> {
  const parts: unknown[] = [];
  const controller = new AbortController();
  type Outcome = Awaited<RouterEventStream<Event>['ended']>;
  const collected = eventCollector<Event, Outcome>('stream', options.onEvent);
  const { settle } = collected;
  const onPart = (text: string) => {
    const json = text.slice(text.indexOf('\r\n\r\n') + 4);
    const value = JSON.parse(json) as {
      payload?: {
        data?: Record<string, unknown>;
        errors?: { message: string; extensions?: Record<string, unknown> }[];
        extensions?: Record<string, unknown>;
      } | null;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    parts.push(value);
    const errors = value.errors ?? value.payload?.errors;
    if (errors) settle({ errors: errors.map((error) => ({ message: error.message, extensions: error.extensions })) });
    else if (value.payload?.data) collected.add(value.payload.data[options.field] as Event, eventIdOf(value.payload.extensions));
  };
  void (async () => {
    const response = await fetch(options.routerUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json',
        ...options.headers,
      },
      body: JSON.stringify({ query: options.query, variables: options.variables ?? {}, extensions: options.extensions ?? {} }),
      signal: controller.signal,
    });
    if (!response.ok || !response.body) {
      settle({ status: response.status });
      return;
    }
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let at = buffer.indexOf(DELIMITER); at >= 0; at = buffer.indexOf(DELIMITER)) {
        const segment = buffer.slice(0, at);
        buffer = buffer.slice(at + DELIMITER.length);
        if (segment.trim() !== '') onPart(segment);
      }
      if (buffer === '--\r\n') settle({ completed: true });
    }
    settle({ completed: true });
  })().catch((error: unknown) => settle({ errors: [{ message: (error as Error).message }] }));

  return {
    events: collected.events,
    eventIds: collected.eventIds,
    parts,
    heartbeats: () => parts.filter((value) => JSON.stringify(value) === '{}').length,
    received: collected.received,
    ended: collected.ended,
    stop: () => controller.abort(),
    async dispose() {
      controller.abort();
    },
  };
}
