import { Migration } from '@mikro-orm/migrations';

/**
 * The stock tables, in SQL that SQLite and MySQL/MariaDB both accept. The
 * CHECK constraints repeat the level invariant in the database itself, behind
 * the conditional updates of ledger.ts.
 */
export class StockInitial extends Migration {
  override name = '0001-stock-initial';

  override up(): void {
    this.addSql(`create table warehouse (
      id varchar(36) not null primary key,
      code varchar(20) not null,
      name varchar(120) not null,
      region varchar(80) not null,
      priority int not null,
      active boolean not null,
      created_at datetime(3) not null)`);
    this.addSql('create unique index warehouse_code_unique on warehouse (code)');

    this.addSql(`create table stock_level (
      sku_code varchar(40) not null,
      warehouse_id varchar(36) not null,
      on_hand int not null,
      reserved int not null,
      reorder_point int null,
      cost_minor bigint null,
      cost_currency char(3) null,
      version int not null,
      updated_at datetime(3) not null,
      primary key (sku_code, warehouse_id),
      constraint stock_level_warehouse_fk foreign key (warehouse_id) references warehouse (id),
      constraint stock_level_reserved_not_negative check (reserved >= 0),
      constraint stock_level_reserved_within_on_hand check (reserved <= on_hand))`);
    this.addSql('create index stock_level_warehouse_index on stock_level (warehouse_id)');

    this.addSql(`create table stock_movement (
      id varchar(36) not null primary key,
      sku_code varchar(40) not null,
      warehouse_id varchar(36) not null,
      kind varchar(16) not null,
      quantity int not null,
      on_hand_delta int not null,
      reserved_delta int not null,
      reference varchar(120) null,
      reason varchar(500) null,
      actor varchar(120) null,
      created_at datetime(3) not null,
      constraint stock_movement_warehouse_fk foreign key (warehouse_id) references warehouse (id))`);
    this.addSql('create index stock_movement_sku_index on stock_movement (sku_code, id)');
    this.addSql('create index stock_movement_level_index on stock_movement (sku_code, warehouse_id)');

    this.addSql(`create table reservation (
      reference varchar(120) not null primary key,
      status varchar(16) not null,
      request varchar(4000) not null,
      expires_at datetime(3) not null,
      actor varchar(120) null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null)`);
    this.addSql('create index reservation_expiry_index on reservation (status, expires_at)');
    this.addSql(`create table reservation_line (
      id varchar(36) not null primary key,
      reference varchar(120) not null,
      sku_code varchar(40) not null,
      warehouse_id varchar(36) not null,
      quantity int not null,
      constraint reservation_line_reservation_fk foreign key (reference) references reservation (reference))`);
    this.addSql('create index reservation_line_reference_index on reservation_line (reference)');

    this.addSql(`create table purchase_order (
      id varchar(36) not null primary key,
      reference varchar(120) not null,
      supplier_id varchar(36) not null,
      warehouse_id varchar(36) not null,
      status varchar(20) not null,
      currency char(3) not null,
      actor varchar(120) null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null,
      constraint purchase_order_warehouse_fk foreign key (warehouse_id) references warehouse (id))`);
    this.addSql('create unique index purchase_order_reference_unique on purchase_order (reference)');
    this.addSql(`create table purchase_order_line (
      id varchar(36) not null primary key,
      purchase_order_id varchar(36) not null,
      position int not null,
      sku_code varchar(40) not null,
      quantity_ordered int not null,
      quantity_received int not null,
      unit_cost_minor bigint not null,
      constraint purchase_order_line_order_fk foreign key (purchase_order_id) references purchase_order (id),
      constraint purchase_order_line_not_over_received check (quantity_received <= quantity_ordered))`);
    this.addSql('create index purchase_order_line_order_index on purchase_order_line (purchase_order_id, position)');

    this.addSql(`create table receipt (
      id varchar(36) not null primary key,
      warehouse_id varchar(36) not null,
      reference varchar(120) not null,
      supplier_id varchar(36) null,
      purchase_order_id varchar(36) null,
      actor varchar(120) null,
      received_at datetime(3) not null,
      constraint receipt_warehouse_fk foreign key (warehouse_id) references warehouse (id),
      constraint receipt_purchase_order_fk foreign key (purchase_order_id) references purchase_order (id))`);
    this.addSql('create unique index receipt_reference_unique on receipt (warehouse_id, reference)');
    this.addSql(`create table receipt_line (
      id varchar(36) not null primary key,
      receipt_id varchar(36) not null,
      position int not null,
      sku_code varchar(40) not null,
      quantity int not null,
      unit_cost_minor bigint null,
      currency char(3) null,
      constraint receipt_line_receipt_fk foreign key (receipt_id) references receipt (id))`);
    this.addSql('create index receipt_line_receipt_index on receipt_line (receipt_id, position)');
  }
}
