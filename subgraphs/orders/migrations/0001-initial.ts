import { Migration } from '@mikro-orm/migrations';

/** The orders tables, in SQL that SQLite and MySQL/MariaDB both accept. */
export class OrdersInitial extends Migration {
  override name = '0001-orders-initial';

  override up(): void {
    this.addSql(`create table sales_order (
      id varchar(36) not null primary key,
      number varchar(20) not null,
      status varchar(20) not null,
      channel varchar(10) not null,
      member_id varchar(36) null,
      caller varchar(160) not null,
      idempotency_key varchar(200) not null,
      request text not null,
      currency char(3) not null,
      subtotal_minor bigint not null,
      total_minor bigint not null,
      reservation_expires_at datetime(3) null,
      shipping_json text null,
      store_warehouse_id varchar(36) null,
      carrier varchar(80) null,
      tracking_number varchar(80) null,
      version int not null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null)`);
    this.addSql('create unique index sales_order_number_unique on sales_order (number)');
    this.addSql('create unique index sales_order_idempotency_unique on sales_order (caller, idempotency_key)');
    this.addSql('create index sales_order_member_index on sales_order (member_id, created_at)');
    this.addSql('create index sales_order_status_index on sales_order (status, reservation_expires_at)');
    this.addSql('create index sales_order_created_index on sales_order (created_at, id)');

    this.addSql(`create table order_line (
      id varchar(36) not null primary key,
      order_id varchar(36) not null,
      position int not null,
      sku_code varchar(40) not null,
      quantity int not null,
      unit_price_minor bigint not null,
      line_total_minor bigint not null,
      return_requested_quantity int not null,
      returned_quantity int not null,
      constraint order_line_order_fk foreign key (order_id) references sales_order (id),
      constraint order_line_returns_within_quantity check (returned_quantity <= return_requested_quantity and return_requested_quantity <= quantity))`);
    this.addSql('create index order_line_order_index on order_line (order_id, position)');

    this.addSql(`create table order_history (
      id varchar(36) not null primary key,
      order_id varchar(36) not null,
      status varchar(20) not null,
      previous_status varchar(20) null,
      note varchar(500) null,
      actor varchar(160) null,
      at datetime(3) not null,
      constraint order_history_order_fk foreign key (order_id) references sales_order (id))`);
    this.addSql('create index order_history_order_index on order_history (order_id, id)');

    // One row per year; its counter is bumped under a row lock, so numbers are unique and increasing.
    this.addSql(`create table order_number_sequence (
      year int not null primary key,
      last_value int not null)`);
  }
}
