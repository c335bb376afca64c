import { openDatabase } from '../../../platform/db/database.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { ordersMigrations } from '../migrations/index.ts';
import { nextOrderNumber } from '../order-number.ts';

/**
 * Order numbers carry on across the move to the shared counter table
 * (0004-number-sequence): a database numbered under the year's own counter
 * row gives the next number in the same format.
 */
describe.each(databaseTargets())('order numbers on $label', (target) => {
  let env: TestEnvironment;
  beforeEach(() => {
    env = testEnvironment(target);
  });
  afterEach(async () => {
    await env?.cleanup();
  });

  it('continues the year the old counter row had reached, and starts the next business year at 1', async () => {
    const before = await openDatabase(env.config, { name: 'orders', entities: [], migrations: ordersMigrations.slice(0, 3) });
    await before.transaction(before.fork(), (tx) =>
      before.run(tx, 'insert into order_number_sequence (year, last_value) values (?, ?)', [2026, 41]),
    );
    await before.close();

    const db = await openDatabase(env.config, { name: 'orders', entities: [], migrations: ordersMigrations });
    try {
      const numberAt = (at: string) => db.transaction(db.fork(), (tx) => nextOrderNumber(db, tx, new Date(at)));
      expect(await numberAt('2026-07-01T00:00:00Z')).toBe('SO-2026-000042');
      expect(await numberAt('2026-12-31T15:59:59Z')).toBe('SO-2026-000043');
      // 16:00 UTC on 31 December is midnight in Beijing: the business year has turned.
      expect(await numberAt('2026-12-31T16:00:00Z')).toBe('SO-2027-000001');
    } finally {
      await db.close();
    }
  });
});

describe('order numbers on MySQL', () => {
  reportSkippedMysql();
});
