import type { Database, EntityManager } from '../../platform/db/database.ts';
import { placeholders } from '../../platform/db/entity-rows.ts';
import { forUpdate, int } from '../../platform/db/raw-sql.ts';
import { newId } from '../../platform/values/ids.ts';
import { documentTokens, type SearchDocument } from './search-tokens.ts';

/**
 * The writes behind search: part numbers per SKU, the token index per
 * product, and synonym groups. `reindexProduct` runs inside the transaction of
 * every catalogue write that changes what a product is found by, after that
 * write's flush, so the index never disagrees with a committed product.
 */

export type PartNumberKind = 'MPN' | 'OE' | 'CROSS';
export type PartNumber = { skuCode: string; kind: PartNumberKind; number: string; brandName: string | null };

/** Rows per insert statement: well under SQLite's 32,766 bound parameters and MySQL's packet size. */
const INSERT_BATCH = 300;

export async function partNumbersOfSkus(db: Database, em: EntityManager, skuCodes: readonly string[]): Promise<PartNumber[]> {
  if (skuCodes.length === 0) return [];
  const rows = await db.execute<{ sku_code: string; kind: PartNumberKind; number: string; brand_name: string | null }>(
    em,
    `select sku_code, kind, number, brand_name from sku_part_number where sku_code in (${placeholders(skuCodes)})
      order by sku_code, position`,
    [...skuCodes],
  );
  return rows.map((row) => ({ skuCode: row.sku_code, kind: row.kind, number: row.number, brandName: row.brand_name }));
}

/** Replaces every part number of one SKU (inside the caller's transaction). */
export async function replacePartNumbers(db: Database, em: EntityManager, skuCode: string, numbers: readonly PartNumber[]) {
  await db.run(em, 'delete from sku_part_number where sku_code = ?', [skuCode]);
  await insertPartNumbers(db, em, numbers);
}

export async function insertPartNumbers(db: Database, em: EntityManager, numbers: readonly PartNumber[]) {
  for (let start = 0; start < numbers.length; start += INSERT_BATCH) {
    const batch = numbers.slice(start, start + INSERT_BATCH);
    await db.run(
      em,
      `insert into sku_part_number (id, sku_code, kind, number, brand_name, position) values ${batch.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      batch.flatMap((part, i) => [newId(), part.skuCode, part.kind, part.number, part.brandName, start + i]),
    );
  }
}

/**
 * Takes the product's row lock: the first statement of every transaction that
 * rewrites the product's index rows. Two writes to one product (a rename and
 * new part numbers, say) then rebuild its index one after the other, and on
 * MySQL the second one's first plain read, and so its REPEATABLE READ
 * snapshot, comes after the first has committed, so it cannot write tokens
 * from the name it replaced (a test caught exactly that). SQLite runs one
 * write transaction at a time anyway.
 */
export async function lockProductForIndex(db: Database, em: EntityManager, productId: string): Promise<void> {
  await db.execute(em, `select id from product where id = ?${forUpdate(db)}`, [productId]);
}

/** What the index is built from, read in the caller's transaction so it sees the write in progress. */
async function searchDocument(db: Database, em: EntityManager, productId: string): Promise<SearchDocument | null> {
  const [product] = await db.execute<{ name: string; description: string | null; brand_name: string; category_path: string }>(
    em,
    `select p.name, p.description, b.name as brand_name, c.path_names as category_path
       from product p join brand b on b.id = p.brand_id join category c on c.id = p.category_id where p.id = ?`,
    [productId],
  );
  if (!product) return null;
  const skus = await db.execute<{ code: string; name: string; attributes_json: string }>(
    em,
    'select code, name, attributes_json from sku where product_id = ? order by position',
    [productId],
  );
  const parts = await partNumbersOfSkus(
    db,
    em,
    skus.map((sku) => sku.code),
  );
  const fitments = await db.execute<{ make: string; model: string }>(em, 'select make, model from fitment where product_id = ?', [
    productId,
  ]);
  return {
    name: product.name,
    description: product.description,
    brandName: product.brand_name,
    categoryPath: product.category_path,
    skus: skus.map((sku) => ({
      code: sku.code,
      name: sku.name,
      attributes: JSON.parse(sku.attributes_json) as { value: string }[],
      partNumbers: parts.filter((part) => part.skuCode === sku.code).map((part) => part.number),
    })),
    fitments,
  };
}

/**
 * Rebuilds one product's tokens from its rows (call after the write's flush,
 * inside its transaction). A new product has no tokens to delete, and must not
 * try: on InnoDB a delete that finds nothing still locks the index gap, and
 * concurrent creations inserting into each other's gaps deadlocked.
 */
export async function reindexProduct(db: Database, em: EntityManager, productId: string, options: { isNew?: boolean } = {}) {
  if (!options.isNew) await db.run(em, 'delete from product_search_token where product_id = ?', [productId]);
  const doc = await searchDocument(db, em, productId);
  if (doc)
    await insertTokens(
      db,
      em,
      [...documentTokens(doc)].map(([token, weight]) => ({ productId, token, weight })),
    );
}

/** Writes index rows in batches (the seed writes every product's at once). */
export async function insertTokens(db: Database, em: EntityManager, rows: readonly { productId: string; token: string; weight: number }[]) {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH);
    await db.run(
      em,
      `insert into product_search_token (product_id, token, weight) values ${batch.map(() => '(?, ?, ?)').join(', ')}`,
      batch.flatMap((row) => [row.productId, row.token, row.weight]),
    );
  }
}

export type SynonymGroup = { id: string; phrases: string[] };
/** Phrases are stored one a line; a phrase holds no line break (search-service.ts checks). */
const toGroup = (row: { id: string; phrases: string }): SynonymGroup => ({ id: row.id, phrases: row.phrases.split('\n') });

export async function synonymGroups(db: Database, em: EntityManager, limit: number): Promise<SynonymGroup[]> {
  const rows = await db.execute<{ id: string; phrases: string }>(em, 'select id, phrases from search_synonym order by id limit ?', [limit]);
  return rows.map(toGroup);
}

export async function countSynonymGroups(db: Database, em: EntityManager): Promise<number> {
  const [row] = await db.execute<{ n: unknown }>(em, 'select count(*) as n from search_synonym');
  return int(row?.n);
}

/** Creates or replaces a group (inside the caller's transaction): delete then insert, the same on both engines. */
export async function saveSynonymGroup(db: Database, em: EntityManager, group: SynonymGroup, now: Date): Promise<void> {
  await db.run(em, 'delete from search_synonym where id = ?', [group.id]);
  await db.run(em, 'insert into search_synonym (id, phrases, created_at) values (?, ?, ?)', [
    group.id,
    group.phrases.join('\n'),
    db.sqlDate(now),
  ]);
}

export async function synonymGroupExists(db: Database, em: EntityManager, id: string): Promise<boolean> {
  return (await db.execute(em, 'select id from search_synonym where id = ?', [id])).length > 0;
}

export async function deleteSynonymGroup(db: Database, em: EntityManager, id: string): Promise<boolean> {
  return (await db.run(em, 'delete from search_synonym where id = ?', [id])) > 0;
}
