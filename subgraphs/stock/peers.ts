import type { StockContext } from './context.ts';
import { StockLevelEntity } from './entities/stock-level.entity.ts';
import type { StockErrors } from './stock-input.ts';

/**
 * SKU codes are the catalogue's. A code this subgraph already holds stock of
 * is known; any other is asked of the catalogue (one call for all of them)
 * before stock is booked against it. A catalogue that does not answer throws
 * the platform's `PeerUnavailable`, which stock does not catch: the mutation
 * fails rather than booking stock against codes nobody checked.
 */
export async function reportUnknownSkus(ctx: StockContext, errors: StockErrors, codes: { field: string; code: string }[]): Promise<void> {
  const distinct = [...new Set(codes.map((entry) => entry.code))];
  if (distinct.length === 0) return;
  const held = new Set(
    (await ctx.em.find(StockLevelEntity, { skuCode: { $in: distinct } }, { fields: ['skuCode'] })).map((level) => level.skuCode),
  );
  const ask = distinct.filter((code) => !held.has(code));
  if (ask.length === 0) return;
  const answer = await ctx.services.query<{ skus: ({ code: string } | null)[] }>(
    'catalogue',
    'query StockChecksSkus($codes: [String!]!) { skus(codes: $codes) { code } }',
    { codes: ask },
  );
  const known = new Set(answer.skus.filter((sku) => sku !== null).map((sku) => sku.code));
  for (const { field, code } of codes) {
    if (!held.has(code) && !known.has(code)) errors.add('UNKNOWN_SKU', field, `the catalogue has no SKU "${code}"`);
  }
}

/** Suppliers are the catalogue's too: a receipt or purchase order names one that must exist there. */
export async function reportUnknownSupplier(ctx: StockContext, errors: StockErrors, field: string, supplierId: string): Promise<void> {
  const answer = await ctx.services.query<{ supplier: { id: string } | null }>(
    'catalogue',
    'query StockChecksSupplier($id: ID!) { supplier(id: $id) { id } }',
    { id: supplierId },
  );
  if (!answer.supplier) errors.add('UNKNOWN_SUPPLIER', field, `the catalogue has no supplier "${supplierId}"`);
}
