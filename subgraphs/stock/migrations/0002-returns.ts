import { Migration } from '@mikro-orm/migrations';

/** One row per customer return booked into a warehouse: its key makes a retried return a no-op. */
export class StockReturns extends Migration {
  override name = '0002-stock-returns';

  override up(): void {
    this.addSql(`create table stock_return (
      warehouse_id varchar(36) not null,
      reference varchar(120) not null,
      actor varchar(120) null,
      created_at datetime(3) not null,
      primary key (warehouse_id, reference),
      constraint stock_return_warehouse_fk foreign key (warehouse_id) references warehouse (id))`);
  }
}
