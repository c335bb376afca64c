import { Migration } from '@mikro-orm/migrations';

/** The members tables, in SQL that SQLite and MySQL/MariaDB both accept. */
export class MembersInitial extends Migration {
  override name = '0001-members-initial';

  override up(): void {
    this.addSql(`create table member (
      id varchar(36) not null primary key,
      name varchar(120) not null,
      email varchar(254) not null,
      phone varchar(40) null,
      tier varchar(16) not null,
      status varchar(16) not null,
      created_at datetime(3) not null)`);
    this.addSql('create unique index member_email_unique on member (email)');
    this.addSql(`create table staff (
      id varchar(36) not null primary key,
      name varchar(120) not null,
      email varchar(254) not null,
      roles varchar(200) not null,
      active boolean not null,
      created_at datetime(3) not null)`);
    this.addSql('create unique index staff_email_unique on staff (email)');
    this.addSql(`create table credential (
      email varchar(254) not null primary key,
      account_kind varchar(10) not null,
      account_id varchar(36) not null,
      password_hash varchar(200) not null,
      failed_attempts int not null,
      locked_until datetime(3) null,
      updated_at datetime(3) not null)`);
  }
}
