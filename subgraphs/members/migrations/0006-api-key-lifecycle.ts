import { Migration } from '@mikro-orm/migrations';

/**
 * API keys with a lifecycle (accounts/api-keys.ts): an optional expiry, and
 * rotation with an overlap window during which the replaced secret still
 * works. SQL that SQLite and MySQL/MariaDB both accept.
 */
export class MembersApiKeyLifecycle extends Migration {
  override name = '0006-members-api-key-lifecycle';

  override up(): void {
    this.addSql('alter table api_key add column expires_at datetime(3) null');
    this.addSql('alter table api_key add column rotated_at datetime(3) null');
    this.addSql('alter table api_key add column previous_secret_hash varchar(64) null');
    this.addSql('alter table api_key add column previous_secret_expires_at datetime(3) null');
    this.addSql('create index api_key_previous_secret_hash on api_key (previous_secret_hash)');
  }
}
