import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox: one row per event, published_at set once the relay
 * has handed it to the bus. `position` is null until the relay, holding its
 * lease, numbers the row in publish order (relay.ts): ids are made before
 * commit, so with concurrent transactions their order is not the order rows
 * become visible, and only the relay's numbering is an order a subscriber can
 * resume from.
 */
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
    position: p.bigint('number').nullable(),
    traceContext: p.string().nullable(),
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

/**
 * Numbers outbox rows in publish order (docs/architecture.md §6, resuming
 * live updates). Existing rows keep a null position: they were published
 * before positions existed, and a stream cannot resume from before them.
 * The unique index both finds the newest position at once and refuses a
 * second relay numbering the same rows (a lapsed lease).
 */
export class KitOutboxPositionMigration extends Migration {
  override name = '0000-kit-outbox-position';

  override up(): void {
    this.addSql('alter table outbox_event add column position bigint null');
    this.addSql('create unique index outbox_event_position_index on outbox_event (position)');
  }
}

/**
 * The trace context of the work that wrote each row (W3C `traceparent` and
 * `tracestate` as JSON), so the relay, publishing later and from no request,
 * can still carry the trace to the consumers. Null when that work was not traced.
 */
export class KitOutboxTraceContextMigration extends Migration {
  override name = '0000-kit-outbox-trace-context';

  override up(): void {
    this.addSql('alter table outbox_event add column trace_context varchar(1024) null');
  }
}
