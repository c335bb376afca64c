import { hasScope } from '../kit/auth/identity.ts';
import { badUserInput, forbidden } from '../kit/errors.ts';
import { loadOrNull } from '../kit/loaders.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../kit/pagination.ts';
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

  const qb = ctx.em.createQueryBuilder(ProductEntity, 'p');
  if (!filter.includeInactive) qb.andWhere({ active: true });
  for (const word of searchWords(filter.search)) {
    // LIKE wildcards cannot appear: searchWords keeps letters and digits only.
    qb.andWhere({ searchText: { $like: `%${word}%` } });
  }
  if (filter.brandId) qb.andWhere({ brandId: filter.brandId });
  if (filter.categoryId) {
    const category = await loadOrNull(ctx.loaders.categoryById, filter.categoryId);
    if (!category) throw badUserInput(`filter.categoryId does not name a category; received "${filter.categoryId}"`, 'filter.categoryId');
    // The category and all below it: one prefix match on the materialized path.
    qb.andWhere('p.category_id in (select c.id from category c where c.path_ids like ?)', [`${category.pathIds}%`]);
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

  const counter = qb.clone();
  if (sort === 'NAME') {
    if (after) qb.andWhere('(p.name > ? or (p.name = ? and p.id > ?))', [after[0], after[0], after[1]]);
    qb.orderBy([{ name: 'asc' }, { id: 'asc' }]);
  } else {
    if (after) qb.andWhere('p.id < ?', [after[0]]);
    qb.orderBy([{ id: 'desc' }]);
  }
  const rows = await qb.limit(size + 1).getResult();
  for (const product of rows) ctx.loaders.productById.prime(product.id, product);

  return toConnection(
    rows,
    size,
    (product) => (sort === 'NAME' ? [product.name, product.id] : [product.id]),
    () => counter.getCount(),
  );
}
