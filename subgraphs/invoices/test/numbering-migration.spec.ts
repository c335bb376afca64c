import { openDatabase } from '../../../platform/db/database.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { invoicesMigrations } from '../migrations/index.ts';
import { nextNumber, seriesOf } from '../numbering.ts';

/**
 * Invoice and credit note series carry on across the move to the shared
 * counter table (0002-number-sequence): each series gives the number after
 * the last one its old counter row handed out, in the same format.
 */
describe.each(databaseTargets())('invoice series after the counter move on $label', (target) => {
  let env: TestEnvironment;
  beforeEach(() => {
    env = testEnvironment(target);
  });
  afterEach(async () => {
    await env?.cleanup();
  });

  it('continues each series where its old counter row stopped', async () => {
    const before = await openDatabase(env.config, { name: 'invoices', entities: [], migrations: invoicesMigrations.slice(0, 1) });
    await before.transaction(before.fork(), async (tx) => {
      await before.run(tx, 'insert into invoice_number_sequence (series, last_value) values (?, ?)', ['INV-2026', 7]);
      await before.run(tx, 'insert into invoice_number_sequence (series, last_value) values (?, ?)', ['CN-2026', 2]);
    });
    await before.close();

    const db = await openDatabase(env.config, { name: 'invoices', entities: [], migrations: invoicesMigrations });
    try {
      const at = new Date('2026-12-31T15:00:00Z');
      const next = (kind: 'INVOICE' | 'CREDIT_NOTE') => db.transaction(db.fork(), (tx) => nextNumber(db, tx, seriesOf(kind, at)));
      expect(await next('INVOICE')).toEqual({ series: 'INV-2026', sequence: 8, number: 'INV-2026-000008' });
      expect(await next('CREDIT_NOTE')).toEqual({ series: 'CN-2026', sequence: 3, number: 'CN-2026-000003' });
      expect(await next('INVOICE')).toEqual({ series: 'INV-2026', sequence: 9, number: 'INV-2026-000009' });
    } finally {
      await db.close();
    }
  });
});

describe('invoice series after the counter move on MySQL', () => {
  reportSkippedMysql();
});
