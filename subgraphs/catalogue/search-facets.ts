import type { CatalogueContext } from './context.ts';
import { type Candidate, vehiclesOfProducts } from './search-query-repository.ts';

/**
 * Facets counted on the very products a search matched (after its filter), so
 * each count is what adding that facet to the filter returns. Prices bucket
 * a product by its cheapest SKU, in minor units of the shop's currency.
 */
export type PriceRange = { label: string; minMinor: number | null; maxMinor: number | null };

export const PRICE_RANGES: readonly PriceRange[] = [
  { label: 'under 100', minMinor: null, maxMinor: 10_000 },
  { label: '100 to 300', minMinor: 10_000, maxMinor: 30_000 },
  { label: '300 to 1000', minMinor: 30_000, maxMinor: 100_000 },
  { label: '1000 and over', minMinor: 100_000, maxMinor: null },
];

const inRange = (range: PriceRange, minor: number | null) =>
  minor !== null && (range.minMinor === null || minor >= range.minMinor) && (range.maxMinor === null || minor < range.maxMinor);

/** The values with most products first (ties by key, so both engines list them alike), at most `limit`. */
function top<K extends string>(counts: Map<K, number>, limit: number): [K, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, limit);
}

function tally<K extends string>(keys: Iterable<K>): Map<K, number> {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

export async function productFacets(ctx: CatalogueContext, products: readonly Candidate[], limit: number, resultKey: string) {
  const vehicles = await vehiclesOfProducts(
    ctx.db,
    ctx.em,
    products.map((product) => product.id),
  );
  // make and model joined by a character neither can hold (control characters are refused on input).
  const vehicleCounts = tally(vehicles.map((row) => `${row.make}\u0001${row.model}`));
  return {
    resultKey,
    /** For `matchedProducts`, which the router asks for only when the stock subgraph's `inStock` is selected. */
    productIds: products.map((product) => product.id),
    brands: top(tally(products.map((p) => p.brandId)), limit).map(([brandId, count]) => ({ brandId, count })),
    categories: top(tally(products.map((p) => p.categoryId)), limit).map(([categoryId, count]) => ({ categoryId, count })),
    priceRanges: PRICE_RANGES.map((range) => ({ ...range, count: products.filter((p) => inRange(range, p.minPriceMinor)).length })),
    vehicles: top(vehicleCounts, limit).map(([key, count]) => {
      const [make, model] = key.split('\u0001') as [string, string];
      return { make, model, count };
    }),
  };
}

/** The matched products with their SKU codes, for the stock subgraph's in-stock facet (one statement for all). */
export async function matchedProducts(ctx: CatalogueContext, productIds: readonly string[]) {
  const skus = await ctx.loaders.skusByProductId.loadMany([...productIds]);
  return productIds.map((productId, i) => {
    const list = skus[i];
    return { productId, skuCodes: list instanceof Error || !list ? [] : list.map((sku) => sku.code) };
  });
}
