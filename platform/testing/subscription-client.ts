import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Identity } from '../auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../auth/identity-header.ts';
import { eventually } from './eventually.ts';

export type Subscription<Event> = {
  /** Resolves once the socket is connected and the subscription has had a moment to start. */
  ready: Promise<void>;
  /** Resolves once at least `n` events have arrived. */
  received(n: number): Promise<void>;
  /** Resolves with the events when `count` arrived, the server completed, or an error came (then in `errors`). */
  done: Promise<{ events: Event[]; errors?: unknown }>;
  /** Each event's `extensions.position` as the server sent it (undefined when it sent none), in arrival order. */
  positions: (string | undefined)[];
};

/**
 * Subscribes to a subgraph's own graphql-ws endpoint the way the router does:
 * a signed identity in `connection_init`. Collects the root field's value of
 * each event (`field`) until `count` have arrived.
 */
export function subscribeToSubgraph<Event>(options: {
  url: string;
  secret: string;
  identity: Identity;
  query: string;
  variables?: Record<string, unknown>;
  field: string;
  count: number;
  /** The subscribe message's extensions (`resumeAfter`, say). */
  extensions?: Record<string, unknown>;
  /** The server's `subscriptionsStarted`: `ready` waits until this subscription is counted there. */
  started: () => number;
}): Subscription<Event> {
  const startedBefore = options.started();
  const client = createClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { [IDENTITY_HEADER]: signIdentity(options.identity, options.secret) },
    retryAttempts: 0,
  });
  const events: Event[] = [];
  const positions: (string | undefined)[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  // Ready once the server has started this subscription (it then listens for events), not after a guessed pause.
  const started = () => options.started() > startedBefore;
  const ready = eventually(started, 'the server started the subscription', { timeoutMs: 10_000, intervalMs: 5 }).then(() => undefined);
  // A subscription the server refuses never starts; only a caller that awaits `ready` hears of it.
  ready.catch(() => undefined);
  const done = new Promise<{ events: Event[]; errors?: unknown }>((resolve) => {
    const stop = client.subscribe(
      { query: options.query, variables: options.variables ?? {}, ...(options.extensions ? { extensions: options.extensions } : {}) },
      {
        next: (message) => {
          if (message.errors) {
            resolve({ events, errors: message.errors });
            return;
          }
          events.push((message.data as Record<string, Event>)[options.field]!);
          const position = (message.extensions as { position?: unknown } | undefined)?.position;
          positions.push(typeof position === 'string' ? position : undefined);
          for (const waiter of waiting.filter((candidate) => events.length >= candidate.n)) {
            waiting.splice(waiting.indexOf(waiter), 1);
            waiter.resolve();
          }
          if (events.length === options.count) {
            stop();
            resolve({ events });
          }
        },
        error: (errors) => resolve({ events, errors }),
        complete: () => resolve({ events }),
      },
    );
  });
  return {
    ready,
    received: (n) => (events.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    done: done.finally(() => client.dispose()),
    positions,
  };
}
