import { Migration } from '@mikro-orm/migrations';

/** Partner API keys (api-keys.ts), in SQL that SQLite and MySQL/MariaDB both accept. */
export class MembersApiKeys extends Migration {
  override name = '0003-members-api-keys';

  override up(): void {
    this.addSql(`create table api_key (
      id varchar(36) not null primary key,
      name varchar(120) not null,
      prefix varchar(16) not null,
      secret_hash char(64) not null,
      scopes varchar(500) not null,
      created_by varchar(64) not null,
      created_at datetime(3) not null,
      revoked_at datetime(3) null,
      last_used_at datetime(3) null,
      request_count bigint not null default 0)`);
    this.addSql('create unique index api_key_secret_hash_unique on api_key (secret_hash)');
  }
}
