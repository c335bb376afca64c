import type { EntityManager } from '../../platform/db/database.ts';
import { type Money, moneyView } from '../../platform/values/money.ts';
import type { StockContext } from './context.ts';
import { StockLevelEntity } from './entities/stock-level.entity.ts';
import type { LevelAfter } from './ledger.ts';
import { ChangeRefused, type StockLineInput } from './stock-input.ts';

/**
 * Moving-average costing. Each level carries one unit cost in one currency:
 * units received at a cost are folded into it, transferred units carry their
 * source's cost to the destination, and stock is valued at it.
 */

/**
 * Folds `quantity` units at `cost` into a level's moving-average unit cost;
 * the level already holds them (`onHandAfter` counts them). A level keeps one
 * cost currency, so units costed in another are refused.
 */
export async function foldCost(
  tx: EntityManager,
  entry: { skuCode: string; warehouseId: string; quantity: number; cost: Money; onHandAfter: number; field: string },
) {
  const level = await tx.findOneOrFail(StockLevelEntity, { skuCode: entry.skuCode, warehouseId: entry.warehouseId }, { refresh: true });
  if (level.costCurrency && level.costCurrency !== entry.cost.currency) {
    throw new ChangeRefused({
      code: 'INVALID_VALUE',
      field: entry.field,
      message: `${entry.skuCode} is costed in ${level.costCurrency} in this warehouse; received ${entry.cost.currency}`,
    });
  }
  const before = entry.onHandAfter - entry.quantity;
  const previous = level.costMinor ?? entry.cost.minor;
  level.costMinor = Math.round((before * previous + entry.quantity * entry.cost.minor) / entry.onHandAfter);
  level.costCurrency = entry.cost.currency;
}

/**
 * Transferred units keep the average cost they had at the source. Without
 * this they took the destination's average (or none), so moving goods
 * between our own warehouses changed what stockValuation says they are worth.
 * `arrived` is the destination levels after the units arrived.
 */
export async function carryTransferCost(
  tx: EntityManager,
  transfer: { fromWarehouseId: string; toWarehouseId: string; lines: readonly StockLineInput[]; arrived: readonly LevelAfter[] },
) {
  for (const [i, line] of transfer.lines.entries()) {
    const source = await tx.findOneOrFail(
      StockLevelEntity,
      { skuCode: line.skuCode, warehouseId: transfer.fromWarehouseId },
      { refresh: true },
    );
    if (source.costMinor == null || source.costCurrency == null) continue;
    await foldCost(tx, {
      skuCode: line.skuCode,
      warehouseId: transfer.toWarehouseId,
      quantity: line.quantity,
      cost: { minor: source.costMinor, currency: source.costCurrency },
      onHandAfter: transfer.arrived.find((level) => level.skuCode === line.skuCode)!.onHand,
      field: `input.lines[${i}].skuCode`,
    });
  }
}

/** Stock on hand at average unit cost, summed per warehouse and currency. */
export async function stockValuation(ctx: StockContext) {
  const levels = await ctx.em.find(StockLevelEntity, { onHand: { $gt: 0 } });
  const totals = new Map<string, { warehouseId: string; currency: string; units: number; minor: number }>();
  let uncostedLevels = 0;
  for (const level of levels) {
    if (level.costMinor == null || level.costCurrency == null) {
      uncostedLevels += 1;
      continue;
    }
    const key = `${level.warehouseId}/${level.costCurrency}`;
    const total = totals.get(key) ?? { warehouseId: level.warehouseId, currency: level.costCurrency, units: 0, minor: 0 };
    total.units += level.onHand;
    total.minor += level.onHand * level.costMinor;
    totals.set(key, total);
  }
  const lines = await Promise.all(
    [...totals.values()].map(async (total) => ({
      warehouse: await ctx.loaders.warehouseById.load(total.warehouseId),
      units: total.units,
      value: moneyView(total.minor, total.currency),
    })),
  );
  return { lines: lines.sort((a, b) => a.warehouse.priority - b.warehouse.priority), uncostedLevels };
}
