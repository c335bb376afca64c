import { Migration } from '@mikro-orm/migrations';

/**
 * Per-key limits (null: the router-wide default) and usage per key per UTC
 * day (accounts/api-key-limits.ts, api-key-usage.ts). The day is text
 * (YYYY-MM-DD) so both dialects compare and group it alike. SQL that SQLite
 * and MySQL/MariaDB both accept.
 */
export class MembersApiKeyLimitsUsage extends Migration {
  override name = '0007-members-api-key-limits-usage';

  override up(): void {
    this.addSql('alter table api_key add column requests_per_minute int null');
    this.addSql('alter table api_key add column max_query_cost int null');
    this.addSql('alter table api_key add column max_subscriptions int null');
    this.addSql(`create table api_key_usage (
      api_key_id varchar(36) not null,
      day char(10) not null,
      requests bigint not null default 0,
      errors bigint not null default 0,
      cost bigint not null default 0,
      primary key (api_key_id, day))`);
  }
}
