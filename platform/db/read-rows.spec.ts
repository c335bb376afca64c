import { defineEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { type Database, openDatabase } from './database.ts';
import { entityColumns, selectEntityRows } from './entity-rows.ts';
import { readRows } from './read-rows.ts';
import { statementsExecuted } from './statement-count.ts';

/** Every property type the subgraphs' entities use, nullable ones included, and a composite key (stock levels have one). */
const ShelfEntity = defineEntity({
  name: 'Shelf',
  tableName: 'shelf',
  properties: {
    aisle: p.string().primary(),
    position: p.integer().primary(),
    label: p.string(),
    note: p.text().nullable(),
    capacity: p.integer(),
    reorderAt: p.integer().nullable(),
    active: p.boolean(),
    createdAt: p.datetime(),
    checkedAt: p.datetime().nullable(),
  },
});

class ShelfMigration extends Migration {
  override name = '0001-test-shelf';
  override up(): void {
    this.addSql(`create table shelf (
      aisle varchar(20) not null, position int not null, label varchar(40) not null, note text null,
      capacity int not null, reorder_at int null, active boolean not null,
      created_at datetime(3) not null, checked_at datetime(3) null,
      primary key (aisle, position))`);
  }
}

describe.each(databaseTargets())('readRows on $label', (database) => {
  let env: TestEnvironment;
  let db: Database;

  beforeEach(async () => {
    env = testEnvironment(database);
    db = await openDatabase(env.config, { name: 'stock', entities: [ShelfEntity], migrations: [ShelfMigration] });
    const at = new Date('2026-11-23T08:15:30.123Z');
    await db.transaction(db.fork(), async (tx) => {
      tx.create(ShelfEntity, {
        aisle: 'A',
        position: 1,
        label: 'top',
        note: 'fragile',
        capacity: 12,
        reorderAt: 3,
        active: true,
        createdAt: at,
        checkedAt: at,
      });
      tx.create(ShelfEntity, {
        aisle: 'A',
        position: 2,
        label: 'middle',
        note: null,
        capacity: 0,
        reorderAt: null,
        active: false,
        createdAt: at,
        checkedAt: null,
      });
      tx.create(ShelfEntity, { aisle: 'B', position: 1, label: 'other', capacity: 5, active: true, createdAt: at });
      await tx.flush();
    });
  });
  afterEach(async () => {
    await db.close();
    await env.cleanup();
  });

  it('gives the values em.find gives, as plain objects, in one statement', async () => {
    const found = await db.fork().find(ShelfEntity, { aisle: 'A' }, { orderBy: { position: 'asc' } });
    const before = statementsExecuted();
    const rows = await readRows(db.fork(), ShelfEntity, { aisle: 'A' }, { position: 'asc' });
    expect(statementsExecuted() - before).toBe(1);
    expect(rows).toEqual(found.map((entity) => ({ ...entity })));
    expect(rows[0]?.createdAt).toBeInstanceOf(Date);
    expect(rows[0]?.createdAt.toISOString()).toBe('2026-11-23T08:15:30.123Z');
    expect(rows.map((row) => [row.active, row.checkedAt, row.note])).toEqual([
      [true, new Date('2026-11-23T08:15:30.123Z'), 'fragile'],
      [false, null, null],
    ]);
    // Plain rows, not entities: nothing to flush, nothing in the identity map.
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it('filters with $in and orders as asked', async () => {
    const rows = await readRows(db.fork(), ShelfEntity, { label: { $in: ['other', 'top', 'missing'] } }, { label: 'desc' });
    expect(rows.map((row) => `${row.aisle}${row.position}`)).toEqual(['A1', 'B1']);
  });

  it('reads a list of keys with a compound order as em.find does, every type of value included', async () => {
    const keys = ['B', 'A', 'missing'];
    const found = await db.fork().find(ShelfEntity, { aisle: { $in: keys } }, { orderBy: { aisle: 'asc', position: 'desc' } });
    const before = statementsExecuted();
    const rows = await readRows(db.fork(), ShelfEntity, { aisle: { $in: keys } }, { aisle: 'asc', position: 'desc' });
    expect(statementsExecuted() - before).toBe(1);
    expect(rows.map((row) => `${row.aisle}${row.position}`)).toEqual(['A2', 'A1', 'B1']);
    expect(rows).toEqual(found.map((entity) => ({ ...entity })));
  });

  it('gives the same rows from hand-written SQL, alone or joined under an alias (entity-rows.ts)', async () => {
    const em = db.fork();
    const expected = await readRows(em, ShelfEntity, { aisle: 'A' }, { position: 'asc' });
    expect(await selectEntityRows(db, em, ShelfEntity, 'select * from shelf where aisle = ? order by position', ['A'])).toEqual(expected);
    const shelf = entityColumns(em, ShelfEntity, 's');
    const next = entityColumns(em, ShelfEntity, 'n');
    const joined = await db.execute(
      em,
      `select ${shelf.select}, ${next.select} from shelf s
         left join shelf n on n.aisle = s.aisle and n.position = s.position + 1
        where s.aisle = ? order by s.position`,
      ['A'],
    );
    expect(joined.map((row) => shelf.read(row))).toEqual(expected);
    // The outer join found no shelf after the last: null, not an object of nulls.
    expect(joined.map((row) => next.read(row))).toEqual([expected[1], null]);
    // distinct(): each row mapped once, the same object for a repeat.
    const aisleOf = entityColumns(em, ShelfEntity, 's').distinct();
    const [first, second] = [aisleOf(joined[0]!), aisleOf(joined[0]!)];
    expect(first).toEqual(expected[0]);
    expect(second).toBe(first);
    expect(aisleOf(joined[1]!)).toEqual(expected[1]);
  });
});

describe('readRows on MySQL', () => reportSkippedMysql());
