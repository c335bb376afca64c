import { Migration } from '@mikro-orm/migrations';

/**
 * Partners' webhooks (webhooks/): the webhook with its signing secret, the
 * dispatcher's lease and the last event position recorded; one delivery per
 * webhook and event position (the unique key makes recording an event
 * idempotent); one row per attempt. Times are epoch milliseconds, so raw SQL
 * reads and compares them alike on both dialects. SQL that SQLite and
 * MySQL/MariaDB both accept.
 */
export class MembersWebhooks extends Migration {
  override name = '0008-members-webhooks';

  override up(): void {
    this.addSql(`create table webhook (
      id varchar(36) not null primary key,
      api_key_id varchar(36) not null,
      name varchar(120) not null,
      url varchar(2048) not null,
      query text not null,
      secret varchar(100) not null,
      status varchar(10) not null,
      disabled_reason varchar(500) null,
      version int not null default 1,
      last_position varchar(20) null,
      lease_owner varchar(100) null,
      lease_until_ms bigint not null default 0,
      last_success_ms bigint null,
      created_at_ms bigint not null,
      updated_at_ms bigint not null)`);
    this.addSql('create index webhook_api_key on webhook (api_key_id)');
    this.addSql(`create table webhook_delivery (
      id varchar(40) not null primary key,
      webhook_id varchar(36) not null,
      event_position varchar(20) not null,
      payload mediumtext not null,
      status varchar(10) not null,
      attempts int not null default 0,
      next_attempt_ms bigint null,
      created_at_ms bigint not null,
      unique (webhook_id, event_position))`);
    this.addSql('create index webhook_delivery_due on webhook_delivery (status, next_attempt_ms)');
    this.addSql(`create table webhook_attempt (
      id varchar(36) not null primary key,
      delivery_id varchar(40) not null,
      at_ms bigint not null,
      status varchar(10) not null,
      response_code int null,
      latency_ms int not null,
      error varchar(500) null)`);
    this.addSql('create index webhook_attempt_delivery on webhook_attempt (delivery_id)');
  }
}
