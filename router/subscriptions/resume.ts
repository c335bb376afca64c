import { type ExecutionResult, type FormattedExecutionResult, GraphQLError } from 'graphql';
import { type Channel, createChannel } from './channel.ts';
import type { UpstreamSink } from './upstream.ts';

/**
 * Event positions (docs/architecture.md §6): the owning subgraph's outbox
 * numbers every event it relays, in publish order, and sends the number in
 * each `next` payload's `extensions.position`. The router hands it on to
 * clients as `extensions.eventId` (and as the SSE `id:` field); a client that
 * reconnects names the last one it saw (`extensions.lastEventId`, or SSE's
 * `Last-Event-ID` header) and gets every event after it.
 */
export const EVENT_ID_EXTENSION = 'eventId';
export const LAST_EVENT_ID_EXTENSION = 'lastEventId';

/** A position as the wire carries it: a decimal string without leading zeros, within a safe integer (what the owner accepts back). */
const POSITION = /^(0|[1-9]\d{0,15})$/;
const isPosition = (text: string) => POSITION.test(text) && Number.isSafeInteger(Number(text));

/** The client's last event id from a subscribe request, checked: undefined when absent, a GraphQLError (BAD_USER_INPUT) when malformed. */
export function lastEventIdOf(extensions: Record<string, unknown> | null | undefined): string | undefined | GraphQLError {
  const value = extensions?.[LAST_EVENT_ID_EXTENSION];
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof text === 'string' && isPosition(text)) return text;
  return new GraphQLError(`extensions.${LAST_EVENT_ID_EXTENSION} must be an event id this router sent (digits only)`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** The position an upstream event carries, if any. */
export function positionOf(event: FormattedExecutionResult): string | undefined {
  const position = event.extensions?.position;
  return typeof position === 'string' && isPosition(position) ? position : undefined;
}

/**
 * The owner refuses a resume it cannot serve (RESYNC_REQUIRED: past its
 * replay window, or a position it never gave) as graphql-js refuses any
 * subscribe: one result with the error and no data, then completion. As an
 * error it ends the subscriber's stream with that code instead of arriving
 * as an event.
 */
export function resyncRefusalOf(event: FormattedExecutionResult): GraphQLError | undefined {
  if (event.data) return undefined;
  const refusal = event.errors?.find((error) => error.extensions?.code === 'RESYNC_REQUIRED');
  return refusal ? new GraphQLError(refusal.message, { extensions: refusal.extensions }) : undefined;
}

/** The completed result with the event's position as its client-facing id. */
export function withEventId(result: ExecutionResult, position: string | undefined): ExecutionResult {
  if (position === undefined) return result;
  return { ...result, extensions: { ...result.extensions, [EVENT_ID_EXTENSION]: position } };
}

export function eventIdOf(result: ExecutionResult): string | undefined {
  const id = result.extensions?.[EVENT_ID_EXTENSION];
  return typeof id === 'string' ? id : undefined;
}

const after = (a: string, b: string) => Number(a) > Number(b);

export type ResumeSources = {
  /** The subscriber's place in the live shared group, joined before the catch-up opens, so nothing published meanwhile is missed. */
  live: Channel<ExecutionResult>;
  /** Opens the subscriber's own upstream that replays every event after `lastEventId` and then continues live; returns its close. */
  openCatchUp(sink: UpstreamSink): () => void;
  /** Completes one catch-up event as the group completes live ones (with its event id). */
  complete(event: FormattedExecutionResult): Promise<ExecutionResult>;
  lastEventId: string;
};

/**
 * A resuming subscriber's stream: every event after `lastEventId`, in order,
 * once. Two ordered sources cover it: the catch-up (the owner replays from
 * its outbox, then goes on live) covers everything after `lastEventId`; the
 * shared group, joined first, covers everything from its first event on.
 * Catch-up events are delivered until the catch-up has reached the group's
 * first buffered event; from then on the group alone is delivered (the
 * catch-up closes), skipping what was already delivered. So a resuming
 * subscriber costs its own upstream only while it catches up.
 *
 * A catch-up that fails (RESYNC_REQUIRED when the replay window was
 * exceeded, or the subgraph went away) fails the stream with that error.
 */
export function resumeStream(sources: ResumeSources): Channel<ExecutionResult> {
  let lastDelivered = sources.lastEventId;
  let switched = false;
  let closeCatchUp: () => void = () => undefined;
  const waiting: ExecutionResult[] = [];

  const out = createChannel<ExecutionResult>(() => {
    closeCatchUp();
    void sources.live.return?.();
  });

  const deliver = (result: ExecutionResult) => {
    const id = eventIdOf(result);
    // An event without a position cannot be ordered against the others: delivered as it comes.
    if (id !== undefined) {
      if (!after(id, lastDelivered)) return;
      lastDelivered = id;
    }
    out.push(result);
  };

  const switchWhenCaughtUp = () => {
    if (switched || waiting.length === 0) return;
    const first = eventIdOf(waiting[0]!);
    if (first !== undefined && after(first, lastDelivered)) return;
    switched = true;
    closeCatchUp();
    for (const result of waiting.splice(0)) deliver(result);
  };

  // Catch-up events are completed one after the other, so they arrive in the order the owner sent them.
  let completing = Promise.resolve();
  const enqueue = (step: () => Promise<void> | void) => {
    completing = completing.then(step).catch((error: unknown) => out.fail(error as Error));
  };
  closeCatchUp = sources.openCatchUp({
    next: (event) =>
      enqueue(async () => {
        if (switched || out.closed) return;
        deliver(await sources.complete(event));
        switchWhenCaughtUp();
      }),
    error: (error) => enqueue(() => (switched ? undefined : out.fail(error))),
    complete: () => enqueue(() => (switched ? undefined : out.end())),
  });

  void (async () => {
    try {
      for await (const result of sources.live) {
        if (switched) deliver(result);
        else {
          waiting.push(result);
          // Waiting needs a bound too: a catch-up that never reaches the group must not grow memory without end.
          if (waiting.length > MAX_WAITING) throw new GraphQLError(RESYNC_MESSAGE, { extensions: { code: 'RESYNC_REQUIRED' } });
          enqueue(switchWhenCaughtUp);
        }
      }
      out.end();
    } catch (error) {
      out.fail(error as Error);
    }
  })();
  return out;
}

/** Live events a resuming subscriber may hold while it catches up before it is told to resync. */
const MAX_WAITING = 10_000;
const RESYNC_MESSAGE = 'the events missed cannot be replayed in order; reload the data and subscribe again without lastEventId';
