import { DatabaseSync } from 'node:sqlite';
import { defineEntity, p, raw } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { SqlitePlatform } from '@mikro-orm/sql';
import { Connection as MysqlConnection } from 'mysql2';
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

/** A value no SQL text of ours contains, so finding it in a statement means it was written in. */
const MARKER = 'marker-7f3c9e';

type Received = { sql: string; values: unknown[] };

/**
 * Records what the database drivers themselves receive: every SQL text node:sqlite
 * prepares, and every statement mysql2 is asked to send as text (`query`) or
 * prepared with its values apart (`execute`).
 */
function recordDriverStatements(): { received: Received[]; restore(): void } {
  const received: Received[] = [];
  const prepare = DatabaseSync.prototype.prepare;
  const query = MysqlConnection.prototype.query;
  const execute = MysqlConnection.prototype.execute;
  DatabaseSync.prototype.prepare = function (this: DatabaseSync, sql: string) {
    received.push({ sql, values: [] });
    return prepare.call(this, sql);
  } as typeof prepare;
  const recording = (original: (...args: never[]) => unknown) =>
    function (this: unknown, sql: unknown, values?: unknown, ...rest: unknown[]) {
      received.push({
        sql: String(typeof sql === 'object' && sql ? (sql as { sql: string }).sql : sql),
        values: Array.isArray(values) ? values : [],
      });
      return original.call(this as never, ...([sql, values, ...rest] as never[]));
    };
  MysqlConnection.prototype.query = recording(query) as typeof query;
  MysqlConnection.prototype.execute = recording(execute) as typeof execute;
  return {
    received,
    restore() {
      DatabaseSync.prototype.prepare = prepare;
      MysqlConnection.prototype.query = query;
      MysqlConnection.prototype.execute = execute;
    },
  };
}

describe.each(databaseTargets())('hostile text through the ORM and raw SQL on $label', (database) => {
  let env: TestEnvironment;
  let db: Database;
  let recorder: ReturnType<typeof recordDriverStatements>;
  beforeAll(async () => {
    recorder = recordDriverStatements();
    env = testEnvironment(database);
    db = await openDatabase(env.config, { name: 'stock', entities: [NoteEntity], migrations: [NoteMigration] });
  });
  afterAll(async () => {
    recorder.restore();
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

  it('hands the driver every value apart from the SQL text, never written into it', async () => {
    const value = `${MARKER} ' \u0000 \\`;
    await db.transaction(db.fork(), async (tx) => {
      tx.create(NoteEntity, { id: 'orm-marked', body: value, pinned: false, at: new Date() });
      await tx.flush();
    });
    await db.run(db.fork(), 'update note set body = ? where id = ?', [value, 'raw']);
    expect(await db.fork().count(NoteEntity, { body: value })).toBe(2);
    expect(recorder.received.filter((statement) => statement.sql.includes(MARKER))).toEqual([]);
    if (database.label === 'MySQL') {
      // The insert, the update and the read each went as a prepared statement with the value beside it.
      expect(recorder.received.filter((statement) => statement.values.includes(value)).length).toBeGreaterThanOrEqual(3);
    }
  });
});

reportSkippedMysql();
