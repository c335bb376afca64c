import { defineEntity, p, raw } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { SqlitePlatform } from '@mikro-orm/sql';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { bindParameters } from './bound-parameters.ts';
import { type Database, openDatabase } from './database.ts';

const NoteEntity = defineEntity({
  name: 'Note',
  tableName: 'note',
  properties: { id: p.string().primary(), body: p.text(), pinned: p.boolean(), at: p.datetime() },
});

class NoteMigration extends Migration {
  override name = '0001-test-note';
  override up(): void {
    this.addSql(
      'create table note (id varchar(40) not null primary key, body text not null, pinned boolean not null, at datetime(3) not null)',
    );
  }
}

/** Text a literal would choke on: a NUL, quotes, a backslash, and what looks like SQL. */
const HOSTILE = "a\u0000b ' \" \\ '); drop table note; --";

describe('values bound as parameters, not written into SQL', () => {
  const platform = new SqlitePlatform();

  it('turns every value into a placeholder, lists into one per item, and keeps identifiers and raw fragments as SQL', () => {
    const at = new Date('2026-12-01T00:00:00.000Z');
    expect(
      bindParameters(platform, 'select ?? from t where a = ? and b in (?) and c = ? and d = ? and e = ?', [
        'x',
        HOSTILE,
        [1, 2],
        true,
        at,
        null,
      ]),
    ).toEqual({
      sql: 'select `x` from t where a = ? and b in (?, ?) and c = ? and d = ? and e = ?',
      values: [HOSTILE, 1, 2, 1, +at, null],
    });
    expect(bindParameters(platform, 'update t set n = ? where id = ?', [raw('n + ?', [3]), 'k'])).toEqual({
      sql: 'update t set n = n + ? where id = ?',
      values: [3, 'k'],
    });
  });
});

describe.each(databaseTargets())('hostile text through the ORM and raw SQL on $label', (database) => {
  let env: TestEnvironment;
  let db: Database;
  beforeAll(async () => {
    env = testEnvironment(database);
    db = await openDatabase(env.config, { name: 'stock', entities: [NoteEntity], migrations: [NoteMigration] });
  });
  afterAll(async () => {
    await db.close();
    await env.cleanup();
  });

  it('stores and reads back exactly what was sent', async () => {
    await db.transaction(db.fork(), async (tx) => {
      tx.create(NoteEntity, { id: 'orm', body: HOSTILE, pinned: true, at: new Date() });
      await tx.flush();
    });
    await db.run(db.fork(), 'insert into note (id, body, pinned, at) values (?, ?, ?, ?)', ['raw', HOSTILE, false, db.sqlDate(new Date())]);
    const found = await db.fork().find(NoteEntity, { body: HOSTILE }, { orderBy: { id: 'asc' } });
    expect(found.map((note) => [note.id, note.body, note.pinned])).toEqual([
      ['orm', HOSTILE, true],
      ['raw', HOSTILE, false],
    ]);
  });
});

reportSkippedMysql();
