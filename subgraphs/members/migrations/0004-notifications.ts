import { Migration } from '@mikro-orm/migrations';

/** Member notifications (notifications/), in SQL that SQLite and MySQL/MariaDB both accept. */
export class MembersNotifications extends Migration {
  override name = '0004-members-notifications';

  override up(): void {
    this.addSql(`create table notification (
      id varchar(36) not null primary key,
      member_id varchar(36) not null,
      kind varchar(20) not null,
      dedupe_key varchar(120) not null,
      text varchar(500) not null,
      status varchar(10) not null,
      attempts int not null default 0,
      last_error varchar(500) null,
      provider_message_id varchar(100) null,
      claimed_at datetime(3) null,
      created_at datetime(3) not null,
      sent_at datetime(3) null)`);
    this.addSql('create unique index notification_dedupe_unique on notification (dedupe_key)');
    this.addSql('create index notification_status on notification (status, created_at)');
    this.addSql('create index notification_member on notification (member_id, created_at)');
  }
}
