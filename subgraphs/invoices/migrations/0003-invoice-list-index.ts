import { Migration } from '@mikro-orm/migrations';

/**
 * Query.invoices reads newest first by (created_at, id), usually of one
 * status (finance's queue of REQUESTED invoices): one index per shape, so a
 * page is a short index range scan instead of a sort of the whole table.
 */
export class InvoicesListIndex extends Migration {
  override name = '0003-invoices-list-index';

  override up(): void {
    this.addSql('create index invoice_status_created_index on invoice (status, created_at, id)');
    this.addSql('create index invoice_created_index on invoice (created_at, id)');
  }
}
