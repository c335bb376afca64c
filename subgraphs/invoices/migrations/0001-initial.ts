import { Migration } from '@mikro-orm/migrations';

/** The invoices tables, in SQL that SQLite and MySQL/MariaDB both accept. */
export class InvoicesInitial extends Migration {
  override name = '0001-invoices-initial';

  override up(): void {
    this.addSql(`create table invoice (
      id varchar(36) not null primary key,
      kind varchar(12) not null,
      status varchar(12) not null,
      order_id varchar(36) not null,
      order_number varchar(40) not null,
      member_id varchar(36) null,
      active_order_id varchar(36) null,
      buyer_type varchar(10) not null,
      buyer_name varchar(200) not null,
      buyer_tax_id varchar(20) null,
      buyer_email varchar(254) not null,
      requested_by varchar(160) not null,
      series varchar(20) null,
      sequence_number int null,
      number varchar(32) null,
      currency char(3) null,
      subtotal_minor bigint null,
      tax_minor bigint null,
      total_minor bigint null,
      credited_invoice_id varchar(36) null,
      credit_note_id varchar(36) null,
      refund_id varchar(36) null,
      reason varchar(500) null,
      rejection_reason varchar(500) null,
      issued_by varchar(160) null,
      issued_at datetime(3) null,
      version int not null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null,
      constraint invoice_numbered_when_issued check (status in ('REQUESTED', 'REJECTED') or number is not null))`);
    // Unique where set: NULLs (requests, rejected and voided invoices, credit notes) never collide.
    this.addSql('create unique index invoice_active_order_unique on invoice (active_order_id)');
    this.addSql('create unique index invoice_number_unique on invoice (number)');
    this.addSql('create unique index invoice_series_sequence_unique on invoice (series, sequence_number)');
    this.addSql('create unique index invoice_refund_unique on invoice (refund_id)');
    this.addSql('create index invoice_order_index on invoice (order_id, created_at)');
    this.addSql('create index invoice_credited_index on invoice (credited_invoice_id)');

    this.addSql(`create table invoice_line (
      id varchar(36) not null primary key,
      invoice_id varchar(36) not null,
      position int not null,
      sku_code varchar(40) not null,
      description varchar(300) not null,
      quantity int not null,
      unit_price_minor bigint not null,
      discount_minor bigint not null,
      amount_minor bigint not null,
      tax_rate_bp int not null,
      tax_minor bigint not null,
      net_minor bigint not null,
      credited_line_id varchar(36) null,
      constraint invoice_line_invoice_fk foreign key (invoice_id) references invoice (id),
      constraint invoice_line_net check (net_minor = amount_minor - tax_minor))`);
    this.addSql('create index invoice_line_invoice_index on invoice_line (invoice_id, position)');
    this.addSql('create index invoice_line_credited_index on invoice_line (credited_line_id)');

    // One row per series (INV-2026, CN-2026): the last number handed out.
    this.addSql(`create table invoice_number_sequence (
      series varchar(20) not null primary key,
      last_value int not null)`);

    this.addSql(`create table order_refund (
      refund_id varchar(36) not null primary key,
      order_id varchar(36) not null,
      payment_id varchar(36) not null,
      amount_minor bigint not null,
      currency char(3) not null,
      full_refund boolean not null,
      credit_note_id varchar(36) null,
      received_at datetime(3) not null)`);
    this.addSql('create index order_refund_order_index on order_refund (order_id)');
  }
}
