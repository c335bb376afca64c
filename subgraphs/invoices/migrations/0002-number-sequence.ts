import { Migration } from '@mikro-orm/migrations';

/**
 * Invoice and credit note numbers move to the counter table every numbered
 * series uses, one row per (name, period): series INV-2026 becomes
 * ('INV', 2026) with its last value, so each series carries on where it stopped.
 */
export class InvoicesNumberSequence extends Migration {
  override name = '0002-invoices-number-sequence';

  override up(): void {
    this.addSql(`create table number_sequence (
      name varchar(20) not null,
      period int not null,
      last_value int not null,
      primary key (name, period))`);
    // 'signed integer' is a cast both dialects accept (SQLite reads it as INTEGER affinity).
    this.addSql(`insert into number_sequence (name, period, last_value)
      select substr(series, 1, instr(series, '-') - 1), cast(substr(series, instr(series, '-') + 1) as signed integer), last_value
        from invoice_number_sequence`);
    this.addSql('drop table invoice_number_sequence');
  }
}
