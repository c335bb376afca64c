import type { Database } from '../../../platform/db/database.ts';
import { openDatabase } from '../../../platform/db/database.ts';
import { migrateSubgraphDatabase } from '../../../platform/db/migrate.ts';
import { databaseTargets, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { catalogueEntities } from '../entities/index.ts';
import { CatalogueSearchDigest } from '../migrations/0004-search-digest.ts';
import { catalogueMigrations } from '../migrations/index.ts';
import { searchDigest, searchWords } from '../search-text.ts';

/** Texts as the catalogue stored them before the digest: every part, separators and repeats included. */
const STORED_BEFORE = [
  'brake pad set | bosch | brakes / pads | bp-100 | brake pad set front | ceramic | toyota corolla | quiet brake pad set',
  'oil filter | mann-filter | engine / filters | w 712/95 | oil filter | vw golf | vw passat | spin-on oil filter',
  '前轮刹车片套装 | 博世 | 刹车 | bp-200 | 前轮刹车片套装 | honda civic | 低噪音',
  'i̇stanbul edition wiper | valeo | wipers | vw-550 | wiper 550 mm | 550mm | ford focus | ',
];
/** Words and halves of words, across a separator or not: each must find the same products before and after. */
const SEARCHES = [
  'brake',
  'pad',
  'ke pa',
  'bp 100',
  'bp100',
  'filter',
  'w 712',
  '712 95',
  'corolla',
  '刹车片',
  '博世',
  'stanbul',
  'İstanbul',
  '550',
  'golf passat',
  'xyz',
  'mm',
  'e',
];

async function matching(db: Database, words: string[]): Promise<string[]> {
  const where = words.map(() => 'search_text like ?').join(' and ');
  const rows = await db.execute<{ id: string }>(
    db.fork(),
    `select id from product where ${where} order by id`,
    words.map((w) => `%${w}%`),
  );
  return rows.map((row) => row.id);
}

describe.each(databaseTargets())('the search digest migration on $label', (database) => {
  let env: TestEnvironment;
  beforeEach(() => {
    env = testEnvironment(database);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('rewrites each stored search text as its distinct words, and every search finds the same products as before', async () => {
    const target = { name: 'catalogue', entities: catalogueEntities };
    const before = catalogueMigrations.slice(0, catalogueMigrations.indexOf(CatalogueSearchDigest));
    await migrateSubgraphDatabase(env.config, { ...target, migrations: before });
    let db = await openDatabase({ ...env.config, migrateOnStart: false }, { ...target, migrations: before });
    const found = new Map<string, string[]>();
    try {
      const em = db.fork();
      const now = new Date('2026-12-05T00:00:00Z');
      await db.run(em, 'insert into brand (id, name, country, created_at) values (?, ?, ?, ?)', ['b1', 'Brand', null, now]);
      await db.run(em, 'insert into category (id, parent_id, name, path_ids, path_names, depth, created_at) values (?, ?, ?, ?, ?, ?, ?)', [
        'c1',
        null,
        'Parts',
        'c1',
        'Parts',
        0,
        now,
      ]);
      for (const [i, text] of STORED_BEFORE.entries()) {
        await db.run(
          em,
          `insert into product (id, name, description, brand_id, category_id, supplier_id, tax_class, active, search_text, created_at, updated_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [`p${i}`, `Product ${i}`, null, 'b1', 'c1', null, 'STANDARD', true, text, now, now],
        );
      }
      for (const search of SEARCHES) found.set(search, await matching(db, searchWords(search)));
    } finally {
      await db.close();
    }
    // Some searches must find something, or the comparison below proves little.
    expect([...found.values()].filter((ids) => ids.length > 0).length).toBeGreaterThan(10);

    await migrateSubgraphDatabase(env.config, { ...target, migrations: catalogueMigrations });
    db = await openDatabase({ ...env.config, migrateOnStart: false }, { ...target, migrations: catalogueMigrations });
    try {
      const rows = await db.execute<{ id: string; search_text: string }>(db.fork(), 'select id, search_text from product order by id', []);
      expect(rows.map((row) => row.search_text)).toEqual(STORED_BEFORE.map(searchDigest));
      for (const [i, row] of rows.entries()) expect(row.search_text.length).toBeLessThan(STORED_BEFORE[i]!.length);
      for (const search of SEARCHES) expect([search, await matching(db, searchWords(search))]).toEqual([search, found.get(search)]);
    } finally {
      await db.close();
    }
  });
});
