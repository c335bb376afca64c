import { keysetPage } from '../../platform/db/keyset.ts';
import { badUserInput } from '../../platform/graphql/errors.ts';
import type { Connection } from '../../platform/graphql/pagination.ts';
import { moneyView } from '../../platform/values/money.ts';
import type { StockContext } from './context.ts';
import { type StockLevel, StockLevelEntity } from './entities/stock-level.entity.ts';
import { type StockMovement, StockMovementEntity } from './entities/stock-movement.entity.ts';
import type { Warehouse } from './entities/warehouse.entity.ts';
import { allLevelTotals } from './stock-level-repository.ts';
import { movementTotals } from './stock-movement-repository.ts';

/** What the schema's StockLevel resolves from: the row plus its warehouse. */
export type LevelView = StockLevel & { warehouse: Warehouse };

export const available = (level: StockLevel) => level.onHand - level.reserved;
export const isLowStock = (level: StockLevel) => level.reorderPoint != null && available(level) <= level.reorderPoint;
export const unitCostOf = (level: StockLevel) =>
  level.costMinor == null || level.costCurrency == null ? null : moneyView(level.costMinor, level.costCurrency);

/** Levels with their warehouses, most important warehouse first; inactive warehouses left out unless asked. */
async function withWarehouses(ctx: StockContext, levels: readonly StockLevel[], includeInactive = false): Promise<LevelView[]> {
  const warehouses = await ctx.loaders.warehouseById.loadMany(levels.map((level) => level.warehouseId));
  const views: LevelView[] = [];
  levels.forEach((level, i) => {
    const warehouse = warehouses[i];
    if (!warehouse || warehouse instanceof Error) return;
    if (!includeInactive && !warehouse.active) return;
    views.push({ ...level, warehouse });
  });
  return views.sort((a, b) => a.warehouse.priority - b.warehouse.priority || a.warehouse.code.localeCompare(b.warehouse.code));
}

/**
 * `Sku.stock`: totals over active warehouses, batched across every SKU of the
 * request. Without `levels` asked for (a catalogue page shows `available`),
 * the database sums them and no level is read.
 */
export async function skuStock(ctx: StockContext, skuCode: string, withLevels = true) {
  if (!withLevels) {
    const [totals] = await ctx.loaders.totalsBySku.load(skuCode);
    const onHand = totals?.onHand ?? 0;
    const reserved = totals?.reserved ?? 0;
    // `levels` is not selected, so the empty list is never shown.
    return { onHand, reserved, available: onHand - reserved, levels: [] };
  }
  const levels = await withWarehouses(ctx, await ctx.loaders.levelsBySku.load(skuCode));
  const onHand = levels.reduce((sum, level) => sum + level.onHand, 0);
  const reserved = levels.reduce((sum, level) => sum + level.reserved, 0);
  return { onHand, reserved, available: onHand - reserved, levels };
}

export async function stockLevels(ctx: StockContext, skuCodes: readonly string[]): Promise<LevelView[]> {
  if (skuCodes.length > 500) throw badUserInput(`skuCodes may hold at most 500 codes; received ${skuCodes.length}`, 'skuCodes');
  const perSku = await ctx.loaders.levelsBySku.loadMany([...new Set(skuCodes)]);
  const levels = perSku.flatMap((entry) => (entry instanceof Error ? [] : entry));
  return withWarehouses(ctx, levels);
}

export async function lowStockLevels(ctx: StockContext, warehouseId: string | null | undefined): Promise<LevelView[]> {
  const rows = await ctx.em.find(StockLevelEntity, { reorderPoint: { $ne: null }, ...(warehouseId ? { warehouseId } : {}) });
  const low = rows.filter(isLowStock);
  return (await withWarehouses(ctx, low)).sort((a, b) => available(a) - available(b) || a.skuCode.localeCompare(b.skuCode));
}

/** The ledger of a SKU, newest first, paged by movement id (ids grow with time). */
export async function stockMovements(
  ctx: StockContext,
  args: { skuCode: string; warehouseId?: string | null; first?: number | null; after?: string | null },
): Promise<Connection<StockMovement>> {
  const where = { skuCode: args.skuCode, ...(args.warehouseId ? { warehouseId: args.warehouseId } : {}) };
  return keysetPage(ctx.em, StockMovementEntity, where, args);
}

/** Recomputes every level from its movements and lists the levels that disagree. */
export async function stockReconciliation(ctx: StockContext) {
  const levels = await allLevelTotals(ctx.db, ctx.em);
  const sums = await movementTotals(ctx.db, ctx.em);
  const ledger = new Map(sums.map((row) => [`${row.skuCode}@${row.warehouseId}`, row]));
  const discrepancies = [];
  for (const level of levels) {
    const key = `${level.skuCode}@${level.warehouseId}`;
    const sum = ledger.get(key);
    ledger.delete(key);
    const ledgerOnHand = sum?.onHand ?? 0;
    const ledgerReserved = sum?.reserved ?? 0;
    if (ledgerOnHand !== level.onHand || ledgerReserved !== level.reserved) {
      discrepancies.push(discrepancy(level.skuCode, level.warehouseId, level.onHand, ledgerOnHand, level.reserved, ledgerReserved));
    }
  }
  // Movements of a level that no longer exists are a discrepancy too.
  for (const sum of ledger.values()) {
    discrepancies.push(discrepancy(sum.skuCode, sum.warehouseId, 0, sum.onHand, 0, sum.reserved));
  }
  return { checkedLevels: levels.length, discrepancies };
}

function discrepancy(skuCode: string, warehouseId: string, onHand: number, ledgerOnHand: number, reserved: number, ledgerReserved: number) {
  return { skuCode, warehouseId, onHand, ledgerOnHand, reserved, ledgerReserved };
}

/** SKU codes one in-stock facet may ask about: the catalogue's 2,000 matched products with their variants. */
export const MAX_FACET_SKU_CODES = 20_000;

/**
 * The catalogue search's in-stock facet (docs/architecture.md §15): of the
 * matched products the router hands over, how many have a SKU available in an
 * active warehouse. One statement for every code (the totals loader batches).
 */
export async function inStockFacet(ctx: StockContext, products: readonly { productId: string; skuCodes: readonly string[] }[]) {
  const codes = [...new Set(products.flatMap((product) => product.skuCodes))];
  if (codes.length > MAX_FACET_SKU_CODES) {
    throw badUserInput(`the in-stock facet counts at most ${MAX_FACET_SKU_CODES} SKU codes; received ${codes.length}`, 'matchedProducts');
  }
  const totals = await ctx.loaders.totalsBySku.loadMany(codes);
  const sellable = new Set(
    codes.filter((_, i) => {
      const entry = totals[i];
      return !(entry instanceof Error) && (entry ?? []).some((total) => total.onHand - total.reserved > 0);
    }),
  );
  const inStock = products.filter((product) => product.skuCodes.some((code) => sellable.has(code))).length;
  return { inStock, outOfStock: products.length - inStock };
}
