import { Migration } from '@mikro-orm/migrations';

/**
 * What checkout took off an order (the members subgraph's coupon and
 * points): total = subtotal - discount. Existing orders had no discounts.
 */
export class OrdersDiscounts extends Migration {
  override name = '0002-orders-discounts';

  override up(): void {
    this.addSql('alter table sales_order add column discount_minor bigint not null default 0');
    this.addSql('alter table sales_order add column coupon_code varchar(40) null');
    this.addSql('alter table sales_order add column points_redeemed bigint not null default 0');
  }
}
