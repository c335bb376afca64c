import { hasScope } from '../../platform/auth/identity.ts';
import { badUserInput, forbidden } from '../../platform/graphql/errors.ts';
import { loadOrNull } from '../../platform/graphql/loaders.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../../platform/graphql/pagination.ts';
import type { CatalogueContext } from './context.ts';
import type { Product } from './entities/product.entity.ts';
import { countProducts, type ProductWhere, productPage } from './product-repository.ts';
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
 * One page of products, keyset on the sort key (pages never shift under
 * inserts). The page, its products' brands and categories, and the total
 * count (only when the client asks for it) come in one statement
 * (product-repository.ts); the brand and category loaders are primed with
 * them, so `Product.brand` and `Product.category` run no statement of their
 * own, and the SKUs of the whole page come in one more (skusByProductId).
 */
export async function searchProducts(
  ctx: CatalogueContext,
  args: ProductSearchArgs,
  wants: { totalCount: boolean } = { totalCount: true },
): Promise<Connection<Product>> {
  const filter = args.filter ?? {};
  const sort = args.sort ?? 'NAME';
  const size = pageSize(args.first);
  const after = args.after ? decodeCursor(args.after, sort === 'NAME' ? ['string', 'string'] : ['string']) : null;

  if (filter.includeInactive && !hasScope(ctx.identity, 'catalogue:read') && !hasScope(ctx.identity, 'catalogue:write')) {
    throw forbidden('filter.includeInactive requires the scope catalogue:read or catalogue:write');
  }
  const vehicle = filter.fitsVehicle;
  const where: ProductWhere = {
    includeInactive: Boolean(filter.includeInactive),
    words: searchWords(filter.search),
    brandId: filter.brandId ?? null,
    categoryId: filter.categoryId ?? null,
    fitsVehicle: vehicle
      ? { make: vehicle.make.trim().toLowerCase(), model: vehicle.model.trim().toLowerCase(), year: vehicle.year ?? null }
      : null,
  };
  const { rows, total } = await productPage(ctx.db, ctx.em, { ...where, sort, after, limit: size + 1, withCount: wants.totalCount });
  // Only a page with no products can come from a category that does not exist: asked about then, not before every page.
  if (rows.length === 0 && filter.categoryId && !(await categoryExists(ctx, filter.categoryId))) {
    throw badUserInput(`filter.categoryId does not name a category; received "${filter.categoryId}"`, 'filter.categoryId');
  }
  // Plain rows, not managed entities (platform/db/read-rows.ts says why): a search only reads its page,
  // and the loaders it primes serve only this query request (updateProduct runs in a mutation).
  for (const { product, brand, category } of rows) {
    ctx.loaders.productById.prime(product.id, product);
    if (brand) ctx.loaders.brandById.prime(brand.id, brand);
    if (category) ctx.loaders.categoryById.prime(category.id, category);
  }
  // An empty first page counts nothing; an empty page past a cursor still has a total before it.
  const totalCount = async () => total ?? (rows.length === 0 && !after ? 0 : countProducts(ctx.db, ctx.em, where));
  return toConnection(
    rows.map((row) => row.product),
    size,
    (product) => (sort === 'NAME' ? [product.name, product.id] : [product.id]),
    totalCount,
  );
}

/**
 * Categories seen to exist, per database. No operation deletes a category
 * (a category only gains children and products), so once seen it exists for
 * good: an empty page of a known category asks the database nothing more,
 * which was about one statement in seven of the light catalogue page
 * (bench/light-page-cost.ts). Ids that name no category are never kept, so
 * they are looked up each time.
 */
const knownCategories = new WeakMap<object, Set<string>>();

async function categoryExists(ctx: CatalogueContext, id: string): Promise<boolean> {
  let known = knownCategories.get(ctx.db);
  if (!known) {
    known = new Set();
    knownCategories.set(ctx.db, known);
  }
  if (known.has(id)) return true;
  const category = await loadOrNull(ctx.loaders.categoryById, id);
  if (category) known.add(category.id);
  return category !== null;
}
