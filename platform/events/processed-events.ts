import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { retryOnLockConflict } from '../db/conflicts.ts';
import type { Database, EntityManager } from '../db/database.ts';
import type { EventBus } from './bus.ts';
import type { DomainEvent } from './event.ts';

/**
 * Which events each consumer has handled: the inbox half of at-least-once
 * delivery. A row is written in the same transaction as the consumer's
 * effect, so the effect and "handled" commit together or not at all.
 */
export const ProcessedEventEntity = defineEntity({
  name: 'ProcessedEvent',
  tableName: 'processed_event',
  properties: {
    consumer: p.string().primary(),
    eventId: p.string().primary(),
    processedAt: p.datetime(),
  },
});
export type ProcessedEvent = InferEntity<typeof ProcessedEventEntity>;

/** Every subgraph's database gets this table next to the outbox (the kit prepends this migration). */
export class KitProcessedEventsMigration extends Migration {
  override name = '0000-kit-processed-events';

  override up(): void {
    this.addSql(`create table processed_event (
      consumer varchar(100) not null,
      event_id varchar(36) not null,
      processed_at datetime(3) not null,
      primary key (consumer, event_id))`);
  }
}

const MAX_CONSUMER_LENGTH = 100;
const MAX_EVENT_ID_LENGTH = 36;

/**
 * Runs `work` for `event` at most once per `consumer`, however often the
 * event is delivered. In one transaction: claim (consumer, event id), then
 * run `work` with the transaction's EntityManager. A claim that already
 * exists means an earlier delivery committed its effect: `work` is skipped
 * and this resolves false. If `work` throws, the claim rolls back with it,
 * so the next delivery runs it again.
 *
 * The claim is an insert that ignores a duplicate key (no failed statement,
 * so the transaction stays usable); on MySQL a concurrent delivery of the
 * same event waits on the first one's row lock and then sees its outcome.
 */
export async function handleOnce(
  db: Database,
  consumer: string,
  event: DomainEvent,
  work: (tx: EntityManager) => Promise<void>,
): Promise<boolean> {
  // `insert ignore` on MySQL would truncate an over-long value instead of failing: refuse it here.
  if (consumer.length === 0 || consumer.length > MAX_CONSUMER_LENGTH) {
    throw new Error(`handleOnce: the consumer name must be 1 to ${MAX_CONSUMER_LENGTH} characters; received "${consumer}"`);
  }
  if (event.id.length === 0 || event.id.length > MAX_EVENT_ID_LENGTH) {
    throw new Error(`handleOnce: event ids are at most ${MAX_EVENT_ID_LENGTH} characters; received "${event.id}"`);
  }
  return db.transaction(db.fork(), async (tx) => {
    const claimed = await db.run(tx, `${db.insertIgnore} processed_event (consumer, event_id, processed_at) values (?, ?, ?)`, [
      consumer,
      event.id,
      db.sqlDate(new Date()),
    ]);
    if (claimed === 0) return false;
    await work(tx);
    return true;
  });
}

/**
 * A service's consumer of `types` on the work queue `queue` (one delivery per
 * service, not per instance, on RabbitMQ), whose `work` takes effect once per
 * event: handleOnce with the queue's name as the consumer. A lock conflict on
 * MySQL rolled the whole handling back, claim included, so it runs again at
 * once instead of waiting for a redelivery.
 */
export function consumeOnce(
  deps: { db: Database; bus: EventBus },
  types: readonly string[],
  queue: string,
  work: (tx: EntityManager, event: DomainEvent) => Promise<unknown>,
): () => void {
  return deps.bus.subscribe(
    types,
    async (event) => {
      await retryOnLockConflict(() => handleOnce(deps.db, queue, event, (tx) => work(tx, event).then(() => undefined)));
    },
    { queue },
  );
}
