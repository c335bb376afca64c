import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute } from 'graphql';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/bus.ts';
import type { DomainEvent } from '../events/event.ts';
import { eventStream, resumedEventStream } from '../events/stream.ts';
import { badUserInput } from './errors.ts';

/**
 * Resumable live updates on a subgraph's graphql-ws endpoint
 * (docs/architecture.md §6). Every `next` payload of an event that went
 * through the outbox carries its position, `extensions: { position: "42" }`;
 * a client that reconnects sends the last one it saw in its subscribe
 * message, `payload.extensions.resumeAfter: "42"`, and gets what it missed
 * first (stream.ts, replay.ts).
 */

/** The subscribe message's extension that asks to resume after a position. */
export const RESUME_AFTER_EXTENSION = 'resumeAfter';
/** The `next` payload's extension that names the event's position. */
export const POSITION_EXTENSION = 'position';

/** A position as the wire carries it: a decimal string without leading zeros, within a safe integer. */
const DECIMAL_POSITION = /^(0|[1-9][0-9]{0,15})$/;

/**
 * The position a subscribe message's extensions ask to resume after, null when
 * they ask for none. Anything else than a decimal string of a non-negative
 * integer is BAD_USER_INPUT, refused before the subscription starts.
 */
export function resumeAfterOf(extensions: Readonly<Record<string, unknown>> | null | undefined): number | null {
  const value = extensions?.[RESUME_AFTER_EXTENSION];
  if (value === undefined || value === null) return null;
  const position = typeof value === 'string' && DECIMAL_POSITION.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(position)) {
    throw badUserInput(
      `extensions.${RESUME_AFTER_EXTENSION} must be the position of the last event received (a decimal string such as "42", ` +
        `as the \`next\` payload's extensions.${POSITION_EXTENSION} gave it); received ${describe(value)}`,
      `extensions.${RESUME_AFTER_EXTENSION}`,
    );
  }
  return position;
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `a ${Array.isArray(value) ? 'list' : typeof value}`;
  return value.length > 24 ? `a string of ${value.length} characters` : JSON.stringify(value);
}

/** What a subscription resolver's context offers liveEvents (the SubgraphContext has all of it). */
export type LiveEventsContext = {
  bus: EventBus;
  db: Database;
  config: Pick<Config, 'replayWindowSeconds' | 'replayWindowEvents'>;
  /** The position the client asked to resume after, null for a fresh subscription. */
  resumeAfter: number | null;
};

/**
 * The events a subscription resolver streams: live from the bus, after what
 * the client missed when its subscribe message asked to resume. `filter`
 * decides for replayed and live events alike, so a caller check in it holds
 * for both. Rejects with RESYNC_REQUIRED when the subgraph's replay window no
 * longer holds what was missed.
 */
export async function liveEvents<Data>(
  ctx: LiveEventsContext,
  types: readonly string[],
  filter: (event: DomainEvent<Data>) => boolean = () => true,
): Promise<AsyncIterableIterator<DomainEvent<Data>>> {
  if (ctx.resumeAfter === null) return eventStream(ctx.bus, types, filter);
  return resumedEventStream(ctx.bus, types, filter, {
    after: ctx.resumeAfter,
    db: ctx.db,
    window: { seconds: ctx.config.replayWindowSeconds, events: ctx.config.replayWindowEvents },
  });
}

/**
 * graphql-js's `subscribe`, with each result carrying the position of the
 * event it was made from (graphql-ws's `subscribe` option). Like graphql-js
 * it executes the operation once per source event, in order; doing that here
 * pairs every result with its own event instead of counting along. A source
 * event without a position (not relayed) gives a result without it.
 */
export async function subscribeWithPositions(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const events = source[Symbol.asyncIterator]();
  const stop = async () => {
    await events.return?.();
  };
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      if (step.done) return { value: undefined, done: true };
      try {
        return { value: withPosition(await execute({ ...args, rootValue: step.value }), step.value), done: false };
      } catch (error) {
        await stop();
        throw error;
      }
    },
    async return() {
      await stop();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return results;
    },
  };
  return results;
}

function withPosition(result: ExecutionResult, event: unknown): ExecutionResult {
  const position = (event as Partial<DomainEvent> | null)?.position;
  if (typeof position !== 'number') return result;
  return { ...result, extensions: { ...result.extensions, [POSITION_EXTENSION]: String(position) } };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
