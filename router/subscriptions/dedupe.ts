import { createHash } from 'node:crypto';
import type { Identity } from '../../platform/auth/identity.ts';
import { type Channel, createChannel } from './channel.ts';

/** What a shared group's upstream reports; the hub fans it out to every member. */
export type GroupSink<Event> = {
  next(event: Event): void;
  error(error: Error): void;
  complete(): void;
};

/** How a group gets its events and turns each into what subscribers receive. */
export type GroupSource<Event, Result> = {
  /** Opens the upstream subscription; returns the function that closes it. */
  open(sink: GroupSink<Event>): () => void;
  /** Completes one event (the plan's `rest`): run once per group, whatever its size. */
  complete(event: Event): Promise<Result>;
  /** Measures one event's batch, from its arrival to its result handed to every member (live-metrics.ts). */
  batch?(event: Event): { end(subscribers: number, error?: unknown): void };
};

type Group<Result> = {
  members: Set<Channel<Result>>;
  close: () => void;
  /** Events are completed one after the other, so every member sees them in the order the owner sent them. */
  queue: Promise<void>;
  done: boolean;
};

export type SubscriptionHub<Event, Result> = {
  /** A stream of results for one subscriber: it joins the group of `key`, opening it if it is the first. */
  join(key: string, source: () => GroupSource<Event, Result>, onLeave?: () => void): Channel<Result>;
  /** Groups open now, i.e. upstream subscriptions. */
  groups(): number;
  /** Subscribers across all groups. */
  subscribers(): number;
  /** Ends every subscriber (graphql-ws sends `complete`) and closes every upstream. */
  close(): void;
};

/**
 * Subscribers whose subscriptions are the same (same `key`, see
 * `sharedSubscriptionKey`) share one upstream subscription, and each event is
 * completed once for all of them. The upstream is closed when the last one
 * leaves; a group that ended (upstream error or completion) is forgotten, so
 * the next subscriber with that key opens a new one.
 */
export function createSubscriptionHub<Event, Result>(): SubscriptionHub<Event, Result> {
  const groups = new Map<string, Group<Result>>();

  const retire = (key: string, group: Group<Result>) => {
    group.done = true;
    if (groups.get(key) === group) groups.delete(key);
  };
  const leave = (key: string, group: Group<Result>, channel: Channel<Result>) => {
    group.members.delete(channel);
    if (group.members.size === 0 && !group.done) {
      retire(key, group);
      group.close();
    }
  };
  const start = (key: string, source: GroupSource<Event, Result>, group: Group<Result>) => {
    const enqueue = (step: () => Promise<void> | void) => {
      // A step that throws must not stop the ones after it (a rejected chain would skip them).
      group.queue = group.queue.then(step).catch(() => undefined);
    };
    const everyone = (deliver: (channel: Channel<Result>) => void) => {
      for (const channel of [...group.members]) deliver(channel);
    };
    return source.open({
      next: (event) =>
        enqueue(async () => {
          if (group.done) return;
          const batch = source.batch?.(event);
          let result: Result;
          try {
            result = await source.complete(event);
          } catch (error) {
            batch?.end(group.members.size, error);
            retire(key, group);
            group.close();
            everyone((channel) => channel.fail(error as Error));
            return;
          }
          everyone((channel) => channel.push(result));
          batch?.end(group.members.size);
        }),
      // After the events before it, so nothing already received upstream is dropped.
      error: (error) =>
        enqueue(() => {
          retire(key, group);
          everyone((channel) => channel.fail(error));
        }),
      complete: () =>
        enqueue(() => {
          retire(key, group);
          everyone((channel) => channel.end());
        }),
    });
  };

  return {
    join(key, source, onLeave) {
      const existing = groups.get(key);
      if (existing) {
        const channel = createChannel<Result>(() => {
          leave(key, existing, channel);
          onLeave?.();
        });
        existing.members.add(channel);
        return channel;
      }
      const group: Group<Result> = { members: new Set(), close: () => undefined, queue: Promise.resolve(), done: false };
      const channel = createChannel<Result>(() => {
        leave(key, group, channel);
        onLeave?.();
      });
      group.members.add(channel);
      groups.set(key, group);
      group.close = start(key, source(), group);
      return channel;
    },
    groups: () => groups.size,
    subscribers: () => [...groups.values()].reduce((sum, group) => sum + group.members.size, 0),
    close() {
      for (const [key, group] of [...groups]) {
        retire(key, group);
        group.close();
        for (const channel of [...group.members]) channel.end();
      }
    },
  };
}

/**
 * The key subscribers share an upstream by: the operation as parsed and
 * printed again (so spacing and comments do not matter), the operation
 * name, the variables (keys sorted), and the caller's identity kind, subject
 * and scopes (sorted). Everything that can change what a subscriber may see
 * or receives is in it; a member and a staff user never share, nor do two
 * members, nor one caller's two tokens with different scopes.
 *
 * `acrossCallers` (a shared stream, shared-stream.ts) leaves the caller out:
 * its upstream runs as the router and each subscriber's fields are filtered
 * per event, so every caller of the same operation and variables shares it.
 * Such a key never equals a caller's key.
 */
export function sharedSubscriptionKey(input: {
  document: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  identity: Identity;
  acrossCallers?: boolean;
}): string {
  const { identity } = input;
  const caller = input.acrossCallers ? ['every caller'] : [identity.kind, identity.subject, [...identity.scopes].sort()];
  const parts = [input.document, input.operationName ?? null, canonical(input.variables), ...caller];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** JSON with object keys sorted at every depth, so `{a, b}` and `{b, a}` are the same variables. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
