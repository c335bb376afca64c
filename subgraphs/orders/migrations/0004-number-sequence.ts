import { Migration } from '@mikro-orm/migrations';

/**
 * Order numbers move to the counter table every numbered series uses, one row
 * per (name, period): the year's row of order_number_sequence becomes
 * ('SO', year) with its last value, so numbering carries on where it stopped.
 */
export class OrdersNumberSequence extends Migration {
  override name = '0004-orders-number-sequence';

  override up(): void {
    this.addSql(`create table number_sequence (
      name varchar(20) not null,
      period int not null,
      last_value int not null,
      primary key (name, period))`);
    this.addSql(`insert into number_sequence (name, period, last_value) select 'SO', year, last_value from order_number_sequence`);
    this.addSql('drop table order_number_sequence');
  }
}
