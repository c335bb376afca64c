import { Migration } from '@mikro-orm/migrations';

/** The payments tables, in SQL that SQLite and MySQL/MariaDB both accept. */
export class PaymentsInitial extends Migration {
  override name = '0001-payments-initial';

  override up(): void {
    this.addSql(`create table payment (
      id varchar(36) not null primary key,
      order_id varchar(36) not null,
      order_number varchar(40) not null,
      member_id varchar(36) null,
      channel varchar(20) not null,
      status varchar(20) not null,
      currency char(3) not null,
      amount_minor bigint not null,
      refunded_minor bigint not null,
      refund_settled_minor bigint not null,
      out_trade_no varchar(32) not null,
      active_order_id varchar(36) null,
      transfer_reference varchar(16) null,
      qr_code_url varchar(500) null,
      provider_reference varchar(64) null,
      caller varchar(160) not null,
      idempotency_key varchar(200) not null,
      request text not null,
      paid_at datetime(3) null,
      closed_at datetime(3) null,
      version int not null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null,
      constraint payment_amount_positive check (amount_minor > 0),
      constraint payment_refunds_within_amount check (refunded_minor >= 0 and refunded_minor <= amount_minor),
      constraint payment_settled_within_refunded check (refund_settled_minor >= 0 and refund_settled_minor <= refunded_minor))`);
    // Unique where set: an order has one active payment; NULLs (closed payments) do not collide.
    this.addSql('create unique index payment_active_order_unique on payment (active_order_id)');
    this.addSql('create unique index payment_out_trade_no_unique on payment (out_trade_no)');
    this.addSql('create unique index payment_transfer_reference_unique on payment (transfer_reference)');
    this.addSql('create unique index payment_idempotency_unique on payment (caller, idempotency_key)');
    this.addSql('create index payment_order_index on payment (order_id, created_at)');
    this.addSql('create index payment_channel_paid_index on payment (channel, paid_at)');

    this.addSql(`create table refund (
      id varchar(36) not null primary key,
      payment_id varchar(36) not null,
      order_id varchar(36) not null,
      status varchar(20) not null,
      currency char(3) not null,
      amount_minor bigint not null,
      reason varchar(500) not null,
      out_refund_no varchar(64) not null,
      provider_reference varchar(64) null,
      failure_reason varchar(500) null,
      caller varchar(160) not null,
      idempotency_key varchar(200) not null,
      request text not null,
      created_at datetime(3) not null,
      completed_at datetime(3) null,
      constraint refund_payment_fk foreign key (payment_id) references payment (id),
      constraint refund_amount_positive check (amount_minor > 0))`);
    this.addSql('create unique index refund_out_refund_no_unique on refund (out_refund_no)');
    this.addSql('create unique index refund_idempotency_unique on refund (caller, idempotency_key)');
    this.addSql('create index refund_payment_index on refund (payment_id, created_at)');

    this.addSql(`create table callback_review (
      id varchar(36) not null primary key,
      provider varchar(20) not null,
      reason varchar(500) not null,
      headers text not null,
      body mediumtext not null,
      received_at datetime(3) not null)`);
    this.addSql('create index callback_review_received_index on callback_review (received_at, id)');

    this.addSql(`create table reconciliation_report (
      id varchar(36) not null primary key,
      channel varchar(20) not null,
      period_start datetime(3) not null,
      period_end datetime(3) not null,
      matched int not null,
      ignored_rows int not null,
      details mediumtext not null,
      statement_sha256 char(64) not null,
      created_by varchar(160) null,
      created_at datetime(3) not null)`);
  }
}
