import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import type { Connection } from '../graphql/pagination.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { newId } from '../values/ids.ts';
import { type Database, type EntityManager, openDatabase } from './database.ts';
import { keysetPage } from './keyset.ts';

const NoteEntity = defineEntity({
  name: 'Note',
  tableName: 'note',
  properties: {
    id: p.string().primary(),
    topic: p.string(),
    writtenAt: p.datetime(),
  },
});
type Note = InferEntity<typeof NoteEntity>;

class NoteMigration extends Migration {
  override name = '0001-test-note';
  override up(): void {
    this.addSql('create table note (id varchar(36) not null primary key, topic varchar(20) not null, written_at datetime(3) not null)');
  }
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 8, minute));

describe.each(databaseTargets())('keysetPage on $label', (database) => {
  let env: TestEnvironment;
  let db: Database;

  const write = (notes: { topic?: string; writtenAt: Date }[]) =>
    db.transaction(db.fork(), async (tx) => {
      const ids: string[] = [];
      for (const note of notes) {
        const id = newId();
        ids.push(id);
        tx.create(NoteEntity, { id, topic: note.topic ?? 'brakes', writtenAt: note.writtenAt });
      }
      return ids;
    });

  /** Every page in turn, `size` at a time; `between` runs after each page, before the next is read. */
  const pageThrough = async (
    read: (em: EntityManager, after: string | null) => Promise<Connection<Note>>,
    between: (page: number) => Promise<unknown> = async () => undefined,
  ) => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const connection = await read(db.fork(), after);
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) return seen;
      after = connection.pageInfo.endCursor;
      await between(page);
    }
    throw new Error('paging did not end');
  };
  const byDate = (em: EntityManager, after: string | null, where = {}) =>
    keysetPage<Note>(em, NoteEntity, where, { first: 2, after }, { sortBy: 'writtenAt' });
  const byId = (em: EntityManager, after: string | null) => keysetPage<Note>(em, NoteEntity, {}, { first: 2, after });

  beforeEach(async () => {
    env = testEnvironment(database);
    db = await openDatabase(env.config, { name: 'stock', entities: [NoteEntity], migrations: [NoteMigration] });
  });
  afterEach(async () => {
    await db?.close();
    await env?.cleanup();
  });

  it('pages newest first and breaks ties on the sort key by id, so a tie split across pages loses no row', async () => {
    // Five notes in one minute: with pages of two, the tie spans three pages.
    const older = await write([{ writtenAt: at(1) }]);
    const tied = await write(Array.from({ length: 5 }, () => ({ writtenAt: at(5) })));
    const newer = await write([{ writtenAt: at(9) }]);
    expect(await pageThrough(byDate)).toEqual([...newer, ...[...tied].reverse(), ...older]);
  });

  it('never skips or repeats a row when rows are written between pages', async () => {
    const before = await write(Array.from({ length: 7 }, (_, i) => ({ writtenAt: at(10 + (i % 3)) })));
    const during: string[] = [];
    const seen = await pageThrough(byDate, async (page) => {
      // Newer notes, and notes tied with the ones already shown.
      during.push(...(await write([{ writtenAt: at(30 + page) }, { writtenAt: at(10 + (page % 3)) }])));
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(before));
    expect(seen.filter((id) => !before.includes(id)).every((id) => during.includes(id))).toBe(true);
  });

  it('pages by id alone when there is no sort key, also while rows are written', async () => {
    const before = await write(Array.from({ length: 5 }, () => ({ writtenAt: at(0) })));
    const seen = await pageThrough(byId, () => write([{ writtenAt: at(0) }]));
    // New ids are larger, so they land before the cursor: exactly the rows there were, newest first.
    expect(seen).toEqual([...before].reverse());
  });

  it('pages and counts only the rows that match, and counts only when asked', async () => {
    const brakes = await write([{ writtenAt: at(1) }, { writtenAt: at(2) }, { writtenAt: at(3) }]);
    await write([{ topic: 'oil', writtenAt: at(2) }]);
    expect(await pageThrough((em, after) => byDate(em, after, { topic: 'brakes' }))).toEqual([...brakes].reverse());
    const first = await byDate(db.fork(), null, { topic: 'brakes' });
    expect(first.edges).toHaveLength(2);
    expect(await first.totalCount()).toBe(3);
  });

  it('refuses a cursor from a list of another shape with BAD_USER_INPUT', async () => {
    await write([{ writtenAt: at(1) }, { writtenAt: at(2) }, { writtenAt: at(3) }]);
    const idCursor = (await byId(db.fork(), null)).pageInfo.endCursor;
    await expect(byDate(db.fork(), idCursor)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
  });
});

describe('keysetPage on MySQL', () => {
  reportSkippedMysql();
});
