import type { Database, EntityManager } from '../../platform/db/database.ts';
import { entityColumns, placeholders, selectEntityRows } from '../../platform/db/entity-rows.ts';
import { int } from '../../platform/db/raw-sql.ts';
import { type Brand, BrandEntity } from './entities/brand.entity.ts';
import { type Category, CategoryEntity } from './entities/category.entity.ts';
import { type Product, ProductEntity } from './entities/product.entity.ts';
import { type Sku, SkuEntity } from './entities/sku.entity.ts';

/**
 * The hand-written reads behind a catalogue page (product-search.ts). A page
 * is the commonest request the shop serves, so it is read in two statements:
 * the products with their brand, category and the filter's total count in
 * one, and the SKUs of all of them in the other. Every value is a bound
 * parameter; rows come back with the values `em.find` would give
 * (platform/db/entity-rows.ts), read only.
 */
export type ProductWhere = {
  includeInactive: boolean;
  /** Lower-cased words (search-text.ts keeps letters and digits only, so no LIKE wildcard can appear). */
  words: readonly string[];
  brandId: string | null;
  /** The category and every category below it. */
  categoryId: string | null;
  fitsVehicle: { make: string; model: string; year: number | null } | null;
};
export type ProductPageQuery = ProductWhere & {
  sort: 'NAME' | 'NEWEST';
  /** The cursor's sort key: [name, id] by NAME, [id] by NEWEST. */
  after: readonly (string | number)[] | null;
  limit: number;
  /** Also counts every product the filter matches (ignoring the cursor), beside each row. */
  withCount: boolean;
};
export type ProductPageRow = { product: Product; brand: Brand | null; category: Category | null };

/** The filter's conditions on the product table under `alias`, and their values in order. */
export function conditions(where: ProductWhere, alias: string): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (!where.includeInactive) {
    sql.push(`${alias}.active = ?`);
    params.push(true);
  }
  for (const word of where.words) {
    sql.push(`${alias}.search_text like ?`);
    params.push(`%${word}%`);
  }
  if (where.brandId) {
    sql.push(`${alias}.brand_id = ?`);
    params.push(where.brandId);
  }
  if (where.categoryId) {
    // The category and all below it: every category whose materialized path starts with the named one's.
    // substr/length, not `like path || '%'`: MySQL reads || as "or". Paths hold ids and slashes only (ASCII).
    sql.push(
      `${alias}.category_id in (select below.id from category below join category named on named.id = ?` +
        ' where substr(below.path_ids, 1, length(named.path_ids)) = named.path_ids)',
    );
    params.push(where.categoryId);
  }
  if (where.fitsVehicle) {
    const { make, model, year } = where.fitsVehicle;
    const years = year === null ? '' : ' and f.year_from <= ? and f.year_to >= ?';
    sql.push(`exists (select 1 from fitment f where f.product_id = ${alias}.id and lower(f.make) = ? and lower(f.model) = ?${years})`);
    params.push(make, model, ...(year === null ? [] : [year, year]));
  }
  return { sql, params };
}

const whereClause = (sql: readonly string[]) => (sql.length ? ` where ${sql.join(' and ')}` : '');

/**
 * One page of products (`limit` rows after the cursor) with each product's
 * brand and category joined, and, when asked, the filter's total count as a
 * column beside every row: a subquery that does not depend on the row, which
 * SQLite and MySQL evaluate once per statement. An empty page carries no
 * count; `countProducts` answers it then.
 */
export async function productPage(
  db: Database,
  em: EntityManager,
  query: ProductPageQuery,
): Promise<{ rows: ProductPageRow[]; total: number | null }> {
  const products = entityColumns(em, ProductEntity, 'p');
  const brands = entityColumns(em, BrandEntity, 'b');
  const categories = entityColumns(em, CategoryEntity, 'c');
  const params: unknown[] = [];
  let count = '';
  if (query.withCount) {
    const counted = conditions(query, 'q');
    count = `, (select count(*) from product q${whereClause(counted.sql)}) as total_count`;
    params.push(...counted.params);
  }
  const filtered = conditions(query, 'p');
  params.push(...filtered.params);
  let order: string;
  if (query.sort === 'NAME') {
    if (query.after) {
      filtered.sql.push('(p.name > ? or (p.name = ? and p.id > ?))');
      params.push(query.after[0], query.after[0], query.after[1]);
    }
    order = 'p.name asc, p.id asc';
  } else {
    if (query.after) {
      filtered.sql.push('p.id < ?');
      params.push(query.after[0]);
    }
    order = 'p.id desc';
  }
  params.push(query.limit);
  const rows = await db.execute<Record<string, unknown>>(
    em,
    `select ${products.select}, ${brands.select}, ${categories.select}${count}
       from product p left join brand b on b.id = p.brand_id left join category c on c.id = p.category_id
      ${whereClause(filtered.sql)} order by ${order} limit ?`,
    params,
  );
  const [brand, category] = [brands.distinct(), categories.distinct()];
  return {
    rows: rows.map((row) => ({ product: products.read(row)!, brand: brand(row), category: category(row) })),
    total: query.withCount && rows.length ? int(rows[0]!.total_count) : null,
  };
}

/** How many products the filter matches. */
export async function countProducts(db: Database, em: EntityManager, where: ProductWhere): Promise<number> {
  const counted = conditions(where, 'p');
  const [row] = await db.execute<{ total: unknown }>(
    em,
    `select count(*) as total from product p${whereClause(counted.sql)}`,
    counted.params,
  );
  return int(row?.total);
}

/** The SKUs of the products, in each product's own order. */
export function skusOfProducts(db: Database, em: EntityManager, productIds: readonly string[]): Promise<Sku[]> {
  return selectEntityRows(
    db,
    em,
    SkuEntity,
    `select * from sku where product_id in (${placeholders(productIds)}) order by product_id asc, position asc`,
    productIds,
  );
}
