import { Migration } from '@mikro-orm/migrations';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { retryOnLockConflict } from './conflicts.ts';
import { type Database, openDatabase } from './database.ts';
import {
  allocateNext,
  businessYear,
  formatSequenceNumber,
  lastAllocated,
  prepareSequence,
  type SequenceKey,
  yearlySequence,
} from './sequence.ts';

/** The counter table as the subgraphs' migrations create it. */
class NumberSequenceMigration extends Migration {
  override name = '0001-test-number-sequence';
  override up(): void {
    this.addSql(`create table number_sequence (
      name varchar(20) not null, period int not null, last_value int not null, primary key (name, period))`);
  }
}

describe('the business year of a numbered series', () => {
  it('is the calendar year in China Standard Time, which turns at 16:00 UTC on 31 December', () => {
    expect(businessYear(new Date('2026-12-31T15:59:59.999Z'))).toBe(2026);
    expect(businessYear(new Date('2026-12-31T16:00:00.000Z'))).toBe(2027);
    expect(businessYear(new Date('2027-01-01T00:00:00.000+08:00'))).toBe(2027);
    expect(yearlySequence('SO', new Date('2026-06-30T12:00:00Z'))).toEqual({ name: 'SO', period: 2026 });
  });

  it('formats numbers as they have always been written', () => {
    expect(formatSequenceNumber({ name: 'SO', period: 2026 }, 123)).toBe('SO-2026-000123');
    expect(formatSequenceNumber({ name: 'INV', period: 2027 }, 1)).toBe('INV-2027-000001');
    expect(formatSequenceNumber({ name: 'CN', period: 2026 }, 1_234_567)).toBe('CN-2026-1234567');
  });
});

describe.each(databaseTargets())('sequences on $label', (target) => {
  let env: TestEnvironment;
  let db: Database;
  const key: SequenceKey = { name: 'INV', period: 2026 };

  beforeEach(async () => {
    env = testEnvironment(target);
    db = await openDatabase(env.config, { name: 'invoices', entities: [], migrations: [NumberSequenceMigration] });
  });
  afterEach(async () => {
    await db?.close();
    await env?.cleanup();
  });

  /** One transaction that allocates from `series` and then commits, or fails when `fail` says so. */
  const allocateIn = (series: SequenceKey, fail = false) =>
    retryOnLockConflict(() =>
      db.transaction(db.fork(), async (tx) => {
        const value = await allocateNext(db, tx, series);
        if (fail) throw new Error(`the step after taking ${value} fails`);
        return value;
      }),
    );
  const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

  it('gives 40 concurrent transactions exactly the values 1 to 40', async () => {
    await prepareSequence(db, key);
    const values = await Promise.all(Array.from({ length: 40 }, () => allocateIn(key)));
    expect(sorted(values)).toEqual(oneToN(40));
    expect(await lastAllocated(db, db.fork(), key)).toBe(40);
  });

  it('creates the counter row when the first allocations of a period race for it', async () => {
    const values = await Promise.all(Array.from({ length: 10 }, () => allocateIn(key)));
    expect(sorted(values)).toEqual(oneToN(10));
  });

  it('gives the value of a transaction that rolls back to the next one, so committed values have no gap', async () => {
    await prepareSequence(db, key);
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => allocateIn(key, i % 3 === 0)));
    const committed = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(10);
    expect(sorted(committed)).toEqual(oneToN(20));
    expect(await lastAllocated(db, db.fork(), key)).toBe(20);
    expect(await allocateIn(key)).toBe(21);
  });

  it('keeps one counter per name and period', async () => {
    expect(await allocateIn(key)).toBe(1);
    expect(await allocateIn(key)).toBe(2);
    expect(await allocateIn({ name: 'CN', period: 2026 })).toBe(1);
    expect(await allocateIn({ name: 'INV', period: 2027 })).toBe(1);
    expect(await lastAllocated(db, db.fork(), key)).toBe(2);
    expect(await lastAllocated(db, db.fork(), { name: 'SO', period: 2026 })).toBe(0);
  });
});

describe('sequences on MySQL', () => {
  reportSkippedMysql();
});
