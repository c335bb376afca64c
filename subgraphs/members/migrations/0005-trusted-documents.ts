import { Migration } from '@mikro-orm/migrations';

/**
 * Trusted documents (documents/trusted-documents.ts) and the binding of an API key to one
 * client's documents, in SQL that SQLite and MySQL/MariaDB both accept.
 */
export class MembersTrustedDocuments extends Migration {
  override name = '0005-members-trusted-documents';

  override up(): void {
    this.addSql(`create table trusted_document (
      id varchar(36) not null primary key,
      client varchar(64) not null,
      document_id varchar(71) not null,
      version varchar(64) not null,
      document mediumtext not null,
      published_by varchar(64) not null,
      published_at datetime(3) not null)`);
    this.addSql('create unique index trusted_document_client_id_unique on trusted_document (client, document_id)');
    this.addSql('create index trusted_document_document_id on trusted_document (document_id)');
    this.addSql('alter table api_key add column documents_client varchar(64) null');
  }
}
