import { context, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import type { Database } from '../db/database.ts';
import type { Logger } from '../observability/log.ts';
import type { EventBus } from './bus.ts';
import { OutboxEventEntity } from './outbox.entity.ts';
import { numberedBatchToPublish } from './outbox-positions.ts';
import { relayLease } from './relay-lease.ts';
import { publishTraced } from './traced-bus.ts';

export type OutboxRelay = {
  /** Asks for a run soon (after a commit); runs never overlap. */
  kick(): void;
  /** Resolves when every event committed so far has been published. */
  drain(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Moves committed outbox rows to the bus, oldest first, then marks them
 * published. It runs after every commit and on a timer (the timer catches
 * what another process committed, and retries after a failed publish). An
 * event can be published twice if the process dies between publish and
 * mark; consumers deduplicate by id (at-least-once delivery). Of several
 * instances on one database only the lease holder publishes (relay-lease.ts),
 * so events leave in one order. Holding the lease, it numbers each row before
 * publishing it (outbox-positions.ts): that number, the event's position, is
 * the order events leave in, which a live subscriber resumes from. With a
 * tracer, each event leaves under a producer span in the trace of the work
 * that recorded it (traced-bus.ts).
 */
export function startOutboxRelay(
  db: Database,
  bus: EventBus,
  options: { intervalMs?: number; batchSize?: number; log: Logger; tracer?: Tracer },
): OutboxRelay {
  const batchSize = options.batchSize ?? 200;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failing = false;
  const lease = relayLease(db);

  const publishPending = async () => {
    if (!(await lease.acquire())) return;
    for (;;) {
      const events = await numberedBatchToPublish(db, batchSize);
      if (events.length === 0) return;
      await publishTraced(options.tracer, events, (traced) => bus.publish(traced));
      await db.transaction(db.fork(), async (tx) => {
        await tx.nativeUpdate(OutboxEventEntity, { id: { $in: events.map((event) => event.id) } }, { publishedAt: new Date() });
      });
      if (events.length < batchSize) return;
    }
  };

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    // Not part of the request whose commit kicked it: each event's producer span has its own stored parent.
    running = context
      .with(ROOT_CONTEXT, async () => {
        do {
          again = false;
          try {
            await publishPending();
            if (failing) options.log.info('outbox relay publishes again');
            failing = false;
          } catch (error) {
            // Once per outage, not on every tick while the broker is away.
            if (!stopped && !failing)
              options.log.error('outbox relay failed; the events stay in the outbox and are retried on every tick', error);
            failing = true;
          }
        } while (again && !stopped);
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => void run(), options.intervalMs ?? 500);
  timer.unref();
  const unsubscribe = db.afterCommit(() => void run());

  return {
    kick: () => void run(),
    async drain() {
      await run();
      // A run that was already going may have missed rows committed meanwhile.
      await run();
    },
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await running;
      stopped = true;
      await lease.release().catch(() => undefined);
    },
  };
}
