import { hasScope } from '../../platform/auth/identity.ts';
import { badUserInput, forbidden } from '../../platform/graphql/errors.ts';
import { loadOrNull } from '../../platform/graphql/loaders.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../../platform/graphql/pagination.ts';
import type { CatalogueContext } from './context.ts';
import { type Product, ProductEntity } from './entities/product.entity.ts';
import { searchWords } from './search-text.ts';

export type ProductFilter = {
  search?: string | null;
  categoryId?: string | null;
  brandId?: string | null;
  fitsVehicle?: { make: string; model: string; year?: number | null } | null;
  includeInactive?: boolean | null;
};
export type ProductSort = 'NAME' | 'NEWEST';
export type ProductSearchArgs = { filter?: ProductFilter | null; sort?: ProductSort | null; first?: number | null; after?: string | null };

/**
 * One page of products: one query for the page (keyset on the sort key, so
 * pages never shift under inserts) and, only if asked for, one for the count.
 */
export async function searchProducts(ctx: CatalogueContext, args: ProductSearchArgs): Promise<Connection<Product>> {
  const filter = args.filter ?? {};
  const sort = args.sort ?? 'NAME';
  const size = pageSize(args.first);
  const after = args.after ? decodeCursor(args.after, sort === 'NAME' ? ['string', 'string'] : ['string']) : null;

  if (filter.includeInactive && !hasScope(ctx.identity, 'catalogue:read') && !hasScope(ctx.identity, 'catalogue:write')) {
    throw forbidden('filter.includeInactive requires the scope catalogue:read or catalogue:write');
  }

  // The category filter needs its path first: looked up once, before either query is built.
  let categoryPath: string | null = null;
  if (filter.categoryId) {
    const category = await loadOrNull(ctx.loaders.categoryById, filter.categoryId);
    if (!category) throw badUserInput(`filter.categoryId does not name a category; received "${filter.categoryId}"`, 'filter.categoryId');
    categoryPath = category.pathIds;
  }
  /**
   * The filtered query, built afresh for the page and again for the count:
   * MikroORM's `qb.clone()` deep-copies the builder's state, which cost more
   * CPU than building it twice (about 5% of a catalogue page request).
   */
  const filtered = () => {
    const qb = ctx.em.createQueryBuilder(ProductEntity, 'p');
    if (!filter.includeInactive) qb.andWhere({ active: true });
    for (const word of searchWords(filter.search)) {
      // LIKE wildcards cannot appear: searchWords keeps letters and digits only.
      qb.andWhere({ searchText: { $like: `%${word}%` } });
    }
    if (filter.brandId) qb.andWhere({ brandId: filter.brandId });
    if (categoryPath !== null) {
      // The category and all below it: one prefix match on the materialized path.
      qb.andWhere('p.category_id in (select c.id from category c where c.path_ids like ?)', [`${categoryPath}%`]);
    }
    if (filter.fitsVehicle) {
      const { make, model, year } = filter.fitsVehicle;
      const params: unknown[] = [make.trim().toLowerCase(), model.trim().toLowerCase()];
      let yearClause = '';
      if (year !== null && year !== undefined) {
        yearClause = ' and f.year_from <= ? and f.year_to >= ?';
        params.push(year, year);
      }
      qb.andWhere(
        `exists (select 1 from fitment f where f.product_id = p.id and lower(f.make) = ? and lower(f.model) = ?${yearClause})`,
        params,
      );
    }
    return qb;
  };

  const qb = filtered().select('*');
  if (sort === 'NAME') {
    if (after) qb.andWhere('(p.name > ? or (p.name = ? and p.id > ?))', [after[0], after[0], after[1]]);
    qb.orderBy([{ name: 'asc' }, { id: 'asc' }]);
  } else {
    if (after) qb.andWhere('p.id < ?', [after[0]]);
    qb.orderBy([{ id: 'desc' }]);
  }
  // Plain rows, not managed entities (platform/db/read-rows.ts says why): a search only reads its page,
  // and the product loader it primes serves only this query request (updateProduct runs in a mutation).
  const rows = await qb.limit(size + 1).execute<Product[]>('all', true);
  for (const product of rows) ctx.loaders.productById.prime(product.id, product);

  return toConnection(
    rows,
    size,
    (product) => (sort === 'NAME' ? [product.name, product.id] : [product.id]),
    () => filtered().getCount(),
  );
}
