import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';

/** The transactional outbox: one row per event, published_at set once the relay has handed it to the bus. */
export const OutboxEventEntity = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  properties: {
    id: p.string().primary(),
    type: p.string(),
    source: p.string(),
    eventKey: p.string().nullable(),
    payload: p.text(),
    occurredAt: p.datetime(),
    publishedAt: p.datetime().nullable(),
  },
});
export type OutboxEvent = InferEntity<typeof OutboxEventEntity>;

/** Every subgraph's database gets the outbox before its own tables (the kit prepends this migration). */
export class KitOutboxMigration extends Migration {
  override name = '0000-kit-outbox';

  override up(): void {
    this.addSql(`create table outbox_event (
      id varchar(36) not null primary key,
      type varchar(100) not null,
      source varchar(40) not null,
      event_key varchar(200) null,
      payload text not null,
      occurred_at datetime(3) not null,
      published_at datetime(3) null)`);
    this.addSql('create index outbox_event_unpublished_index on outbox_event (published_at, id)');
  }
}
