import { Migration } from '@mikro-orm/migrations';

/** What the payments subgraph has refunded of an order (its RefundSucceeded events); existing orders had none. */
export class OrdersRefunds extends Migration {
  override name = '0003-orders-refunds';

  override up(): void {
    this.addSql('alter table sales_order add column refunded_minor bigint not null default 0');
  }
}
