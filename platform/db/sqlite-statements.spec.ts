import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, Kysely } from 'kysely';
import { cachingSqliteDialect, SQLITE_STATEMENT_CACHE } from './sqlite-statements.ts';

/** A reused statement must bind each call's own values and tell reads from writes as a fresh one would. */
describe('cachingSqliteDialect', () => {
  let dir: string;
  let db: Kysely<unknown>;
  const run = async (sql: string, values: unknown[] = []) =>
    (await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(sql, values))).rows;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-statements-'));
    db = new Kysely({ dialect: cachingSqliteDialect(join(dir, 'test.sqlite')) });
    await run('create table item (id integer primary key, name text not null)');
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs one statement text again with other values, and reads and writes through it', async () => {
    for (const [id, name] of [
      [1, 'one'],
      [2, 'two'],
    ] as const) {
      const inserted = await db.executeQuery(CompiledQuery.raw('insert into item (id, name) values (?, ?)', [id, name]));
      expect(inserted.numAffectedRows).toBe(1n);
    }
    expect(await run('select name from item where id = ?', [1])).toEqual([{ name: 'one' }]);
    expect(await run('select name from item where id = ?', [2])).toEqual([{ name: 'two' }]);
    expect(await run('select name from item where id = ?', [3])).toEqual([]);
  });

  it('keeps answering correctly past the cache bound, evicted statements prepared again', async () => {
    await run('insert into item (id, name) values (?, ?)', [7, 'seven']);
    for (let i = 0; i < SQLITE_STATEMENT_CACHE + 5; i++) {
      expect(await run(`select name, ${i} as n from item where id = ?`, [7])).toEqual([{ name: 'seven', n: i }]);
    }
    expect(await run('select name, 0 as n from item where id = ?', [7])).toEqual([{ name: 'seven', n: 0 }]);
  });

  it('sees a column a later migration adds through a statement prepared before it', async () => {
    await run('insert into item (id, name) values (?, ?)', [1, 'one']);
    expect(await run('select * from item where id = ?', [1])).toEqual([{ id: 1, name: 'one' }]);
    await run("alter table item add column note text not null default 'n'");
    expect(await run('select * from item where id = ?', [1])).toEqual([{ id: 1, name: 'one', note: 'n' }]);
  });
});
