import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { updateOrCreate } from '../../platform/db/conflicts.ts';
import type { EntityManager } from '../../platform/db/database.ts';
import { failed, succeeded, type UserError } from '../../platform/graphql/user-errors.ts';
import { checkInteger, checkText } from '../../platform/graphql/validation.ts';
import { newId } from '../../platform/values/ids.ts';
import { type Money, parseMoney } from '../../platform/values/money.ts';
import type { StockContext } from './context.ts';
import { PurchaseOrderEntity, type PurchaseOrderLine, PurchaseOrderLineEntity } from './entities/purchase-order.entity.ts';
import { ReceiptEntity, ReceiptLineEntity } from './entities/receipt.entity.ts';
import { StockLevelEntity } from './entities/stock-level.entity.ts';
import { StockReturnEntity } from './entities/stock-return.entity.ts';
import { applyLevelChange, applyLevelChanges, createEmptyLevel, type LevelChange, LevelGuardError } from './ledger.ts';
import { reportUnknownSkus, reportUnknownSupplier } from './peers.ts';
import { checkLines, checkReference, checkSkuCode, newStockErrors, type StockErrorCode, type StockLineInput } from './stock-input.ts';
import { checkWarehouse } from './warehouses.ts';

/**
 * Goods in and out that are not orders: receipts (against a purchase order or
 * not), stock-take adjustments, transfers, customer returns, reorder points.
 * Validation first; then one transaction per request through the ledger.
 */
const ledger = (ctx: StockContext) => ({ db: ctx.db, events: ctx.events });
const actorOf = (ctx: StockContext) => ctx.identity.subject;

export type ReceiveStockInput = {
  warehouseId: string;
  reference: string;
  supplierId?: string | null;
  purchaseOrderId?: string | null;
  lines: (StockLineInput & { unitCost?: { amount: string; currencyCode: string } | null })[];
};

/** A user error found inside the transaction (over-receipt, a cost in another currency): rolls it back. */
class ChangeRefused extends Error {
  readonly userError: UserError<StockErrorCode>;
  constructor(userError: UserError<StockErrorCode>) {
    super(userError.message);
    this.userError = userError;
  }
}

export async function receiveStock(ctx: StockContext, input: ReceiveStockInput) {
  const errors = newStockErrors();
  const reference = checkReference(errors, 'input.reference', input.reference);
  const lines = checkLines(errors, input.lines);
  const costs: (Money | null)[] = lines.map((line, i) => {
    if (!line.unitCost) return null;
    const parsed = parseMoney(line.unitCost);
    if (!parsed.ok) errors.add('INVALID_VALUE', `input.lines[${i}].unitCost`, `input.lines[${i}].unitCost: ${parsed.message}`);
    else if (parsed.money.minor < 0) errors.add('INVALID_VALUE', `input.lines[${i}].unitCost`, 'a unit cost cannot be negative');
    return parsed.ok ? parsed.money : null;
  });
  const warehouse = await checkWarehouse(ctx, errors, 'input.warehouseId', input.warehouseId, true);
  const order = input.purchaseOrderId ? await ctx.em.findOne(PurchaseOrderEntity, { id: input.purchaseOrderId }) : null;
  let orderLines: PurchaseOrderLine[] = [];
  if (input.purchaseOrderId && !order) {
    errors.add('UNKNOWN_PURCHASE_ORDER', 'input.purchaseOrderId', `no purchase order with id "${input.purchaseOrderId}"`);
  } else if (order) {
    if (order.status === 'CLOSED' || order.status === 'RECEIVED') {
      errors.add(
        'INVALID_STATE_TRANSITION',
        'input.purchaseOrderId',
        `purchase order ${order.reference} is ${order.status}; it takes no more receipts`,
      );
    }
    if (order.warehouseId !== input.warehouseId) {
      errors.add('INVALID_VALUE', 'input.warehouseId', `purchase order ${order.reference} is for another warehouse`);
    }
    orderLines = await ctx.loaders.purchaseOrderLines.load(order.id);
    lines.forEach((line, i) => {
      if (!orderLines.some((orderLine) => orderLine.skuCode === line.skuCode)) {
        errors.add('INVALID_VALUE', `input.lines[${i}].skuCode`, `${line.skuCode} is not on purchase order ${order.reference}`);
      }
    });
  }
  if (!order)
    await reportUnknownSkus(
      ctx,
      errors,
      lines.map((line, i) => ({ field: `input.lines[${i}].skuCode`, code: line.skuCode })),
    );
  if (input.supplierId) await reportUnknownSupplier(ctx, errors, 'input.supplierId', input.supplierId);
  if (errors.any || !warehouse) return failed('receipt', errors);

  try {
    const receipt = await ctx.db.transaction(ctx.em, async (tx) => {
      const now = new Date();
      const receipt = tx.create(ReceiptEntity, {
        id: newId(),
        warehouseId: warehouse.id,
        reference,
        supplierId: input.supplierId ?? order?.supplierId ?? null,
        purchaseOrderId: order?.id ?? null,
        actor: actorOf(ctx),
        receivedAt: now,
      });
      await tx.flush(); // the receipt row before its lines (plain id columns: see catalogue/service.ts)
      for (const [i, line] of lines.entries()) {
        const orderLine = orderLines.find((candidate) => candidate.skuCode === line.skuCode);
        const cost = costs[i] ?? (orderLine && order ? { minor: orderLine.unitCostMinor, currency: order.currency } : null);
        if (orderLine) await receiveAgainstOrder(ctx, tx, orderLine, line.quantity, i);
        await addCostedStock(ctx, tx, { skuCode: line.skuCode, warehouseId: warehouse.id, quantity: line.quantity, cost, reference, i });
        tx.create(ReceiptLineEntity, {
          id: newId(),
          receiptId: receipt.id,
          position: i,
          skuCode: line.skuCode,
          quantity: line.quantity,
          unitCostMinor: cost?.minor ?? null,
          currency: cost?.currency ?? null,
        });
      }
      if (order) await refreshOrderStatus(tx, order.id);
      return receipt;
    });
    return succeeded('receipt', receipt);
  } catch (error) {
    if (error instanceof ChangeRefused) return failed('receipt', [error.userError]);
    if (error instanceof UniqueConstraintViolationException) {
      return failed('receipt', [
        {
          code: 'DUPLICATE_REQUEST' as const,
          field: 'input.reference',
          message: `${reference} was already received into ${warehouse.code}`,
        },
      ]);
    }
    throw error;
  }
}

/** Counts units against the order line, never past what was ordered (a conditional update, like the levels). */
async function receiveAgainstOrder(ctx: StockContext, tx: EntityManager, line: PurchaseOrderLine, quantity: number, index: number) {
  const changed = await ctx.db.run(
    tx,
    'update purchase_order_line set quantity_received = quantity_received + ? where id = ? and quantity_received + ? <= quantity_ordered',
    [quantity, line.id, quantity],
  );
  if (changed !== 1) {
    throw new ChangeRefused({
      code: 'OVER_RECEIPT',
      field: `input.lines[${index}].quantity`,
      message: `${line.skuCode}: receiving ${quantity} would exceed the ${line.quantityOrdered - line.quantityReceived} still outstanding on the order`,
    });
  }
}

async function refreshOrderStatus(tx: EntityManager, purchaseOrderId: string) {
  const lines = await tx.find(PurchaseOrderLineEntity, { purchaseOrderId }, { refresh: true });
  const order = await tx.findOneOrFail(PurchaseOrderEntity, { id: purchaseOrderId });
  const complete = lines.every((line) => line.quantityReceived >= line.quantityOrdered);
  order.status = complete ? 'RECEIVED' : 'PARTIALLY_RECEIVED';
  order.updatedAt = new Date();
}

/** Adds received units and folds their cost into the level's moving-average unit cost. */
async function addCostedStock(
  ctx: StockContext,
  tx: EntityManager,
  entry: { skuCode: string; warehouseId: string; quantity: number; cost: Money | null; reference: string; i: number },
) {
  const after = await applyLevelChange(ledger(ctx), tx, {
    skuCode: entry.skuCode,
    warehouseId: entry.warehouseId,
    kind: 'RECEIPT',
    quantity: entry.quantity,
    onHandDelta: entry.quantity,
    reservedDelta: 0,
    reference: entry.reference,
    reason: null,
    actor: actorOf(ctx),
  });
  if (!entry.cost) return;
  await foldCost(tx, { ...entry, cost: entry.cost, onHandAfter: after.onHand, field: `input.lines[${entry.i}].unitCost` });
}

/**
 * Folds `quantity` units at `cost` into a level's moving-average unit cost;
 * the level already holds them (`onHandAfter` counts them). A level keeps one
 * cost currency, so units costed in another are refused.
 */
async function foldCost(
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

export type AdjustStockInput = { warehouseId: string; skuCode: string; delta: number; reason: string };

export async function adjustStock(ctx: StockContext, input: AdjustStockInput) {
  const errors = newStockErrors();
  checkSkuCode(errors, 'input.skuCode', input.skuCode);
  if (!Number.isInteger(input.delta) || input.delta === 0 || Math.abs(input.delta) > 1_000_000) {
    errors.add(
      'INVALID_VALUE',
      'input.delta',
      `input.delta must be a whole number other than zero, at most 1000000 either way; received ${input.delta}`,
    );
  }
  const reason = checkText(errors, 'input.reason', input.reason, 500);
  const warehouse = await checkWarehouse(ctx, errors, 'input.warehouseId', input.warehouseId, false);
  await reportUnknownSkus(ctx, errors, [{ field: 'input.skuCode', code: input.skuCode }]);
  if (errors.any || !warehouse) return failed('level', errors);
  try {
    await ctx.db.transaction(ctx.em, (tx) =>
      applyLevelChange(ledger(ctx), tx, {
        skuCode: input.skuCode,
        warehouseId: warehouse.id,
        kind: 'ADJUSTMENT',
        quantity: Math.abs(input.delta),
        onHandDelta: input.delta,
        reservedDelta: 0,
        reference: null,
        reason,
        actor: actorOf(ctx),
      }),
    );
  } catch (error) {
    if (!(error instanceof LevelGuardError)) throw error;
    const level = await ctx.em.findOne(StockLevelEntity, { skuCode: input.skuCode, warehouseId: warehouse.id }, { refresh: true });
    const message = level
      ? `removing ${-input.delta} would leave less on hand than the ${level.reserved} reserved (on hand ${level.onHand})`
      : `${input.skuCode} has no stock in ${warehouse.code} to remove`;
    return failed('level', [{ code: 'INSUFFICIENT_STOCK' as const, field: 'input.delta', message }]);
  }
  return succeeded('level', await levelView(ctx, input.skuCode, warehouse.id));
}

async function levelView(ctx: StockContext, skuCode: string, warehouseId: string) {
  const level = await ctx.em.findOneOrFail(StockLevelEntity, { skuCode, warehouseId }, { refresh: true });
  const warehouse = await ctx.loaders.warehouseById.load(warehouseId);
  return { ...level, warehouse };
}

export type TransferStockInput = { fromWarehouseId: string; toWarehouseId: string; reference: string; lines: StockLineInput[] };

export async function transferStock(ctx: StockContext, input: TransferStockInput) {
  const errors = newStockErrors();
  const reference = checkReference(errors, 'input.reference', input.reference);
  const lines = checkLines(errors, input.lines);
  if (input.fromWarehouseId === input.toWarehouseId) {
    errors.add('SAME_WAREHOUSE', 'input.toWarehouseId', 'a transfer needs two different warehouses');
  }
  const from = await checkWarehouse(ctx, errors, 'input.fromWarehouseId', input.fromWarehouseId, false);
  const to = await checkWarehouse(ctx, errors, 'input.toWarehouseId', input.toWarehouseId, true);
  // Named as what it is: a code the catalogue lacks is unknown, not merely short.
  await reportUnknownSkus(
    ctx,
    errors,
    lines.map((line, i) => ({ field: `input.lines[${i}].skuCode`, code: line.skuCode })),
  );
  if (errors.any || !from || !to) return failed('transfer', errors);
  const change = (line: StockLineInput, out: boolean): LevelChange => ({
    skuCode: line.skuCode,
    warehouseId: out ? from.id : to.id,
    kind: out ? 'TRANSFER_OUT' : 'TRANSFER_IN',
    quantity: line.quantity,
    onHandDelta: out ? -line.quantity : line.quantity,
    reservedDelta: 0,
    reference,
    reason: out ? `to ${to.code}` : `from ${from.code}`,
    actor: actorOf(ctx),
  });
  try {
    await ctx.db.transaction(ctx.em, async (tx) => {
      await applyLevelChanges(
        ledger(ctx),
        tx,
        lines.map((line) => change(line, true)),
      );
      const arrived = await applyLevelChanges(
        ledger(ctx),
        tx,
        lines.map((line) => change(line, false)),
      );
      // Transferred units keep the average cost they had at the source. Without
      // this they took the destination's average (or none), so moving goods
      // between our own warehouses changed what stockValuation says they are worth.
      for (const [i, line] of lines.entries()) {
        const source = await tx.findOneOrFail(StockLevelEntity, { skuCode: line.skuCode, warehouseId: from.id }, { refresh: true });
        if (source.costMinor == null || source.costCurrency == null) continue;
        await foldCost(tx, {
          skuCode: line.skuCode,
          warehouseId: to.id,
          quantity: line.quantity,
          cost: { minor: source.costMinor, currency: source.costCurrency },
          onHandAfter: arrived.find((level) => level.skuCode === line.skuCode)!.onHand,
          field: `input.lines[${i}].skuCode`,
        });
      }
    });
  } catch (error) {
    if (error instanceof ChangeRefused) return failed('transfer', [error.userError]);
    if (!(error instanceof LevelGuardError)) throw error;
    const index = lines.findIndex((line) => line.skuCode === error.skuCode);
    return failed('transfer', [
      {
        code: 'INSUFFICIENT_STOCK' as const,
        field: `input.lines[${index}].quantity`,
        message: `${from.code} has too few unreserved ${error.skuCode} to transfer`,
      },
    ]);
  }
  return succeeded('transfer', { reference, from, to, lines });
}

export type ReturnStockInput = { warehouseId: string; reference: string; lines: StockLineInput[]; reason?: string | null };

export async function returnStock(ctx: StockContext, input: ReturnStockInput) {
  const errors = newStockErrors();
  const reference = checkReference(errors, 'input.reference', input.reference);
  const lines = checkLines(errors, input.lines);
  const reason = input.reason ? checkText(errors, 'input.reason', input.reason, 500) : null;
  const warehouse = await checkWarehouse(ctx, errors, 'input.warehouseId', input.warehouseId, false);
  await reportUnknownSkus(
    ctx,
    errors,
    lines.map((line, i) => ({ field: `input.lines[${i}].skuCode`, code: line.skuCode })),
  );
  if (errors.any || !warehouse) return failed('levels', errors);
  try {
    await ctx.db.transaction(ctx.em, async (tx) => {
      // The return's own row first: a retried return (same warehouse and reference) stops here.
      tx.create(StockReturnEntity, { warehouseId: warehouse.id, reference, actor: actorOf(ctx), createdAt: new Date() });
      await tx.flush();
      await applyLevelChanges(
        ledger(ctx),
        tx,
        lines.map((line) => ({
          skuCode: line.skuCode,
          warehouseId: warehouse.id,
          kind: 'RETURN' as const,
          quantity: line.quantity,
          onHandDelta: line.quantity,
          reservedDelta: 0,
          reference,
          reason,
          actor: actorOf(ctx),
        })),
      );
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    return failed('levels', [
      {
        code: 'DUPLICATE_REQUEST' as const,
        field: 'input.reference',
        message: `return ${reference} was already booked into ${warehouse.code}`,
      },
    ]);
  }
  return succeeded('levels', await Promise.all(lines.map((line) => levelView(ctx, line.skuCode, warehouse.id))));
}

export type SetReorderPointInput = { warehouseId: string; skuCode: string; reorderPoint?: number | null };

export async function setReorderPoint(ctx: StockContext, input: SetReorderPointInput) {
  const errors = newStockErrors();
  checkSkuCode(errors, 'input.skuCode', input.skuCode);
  if (input.reorderPoint != null) checkInteger(errors, 'input.reorderPoint', input.reorderPoint, 0, 1_000_000);
  const warehouse = await checkWarehouse(ctx, errors, 'input.warehouseId', input.warehouseId, false);
  await reportUnknownSkus(ctx, errors, [{ field: 'input.skuCode', code: input.skuCode }]);
  if (errors.any || !warehouse) return failed('level', errors);
  await ctx.db.transaction(ctx.em, async (tx) => {
    const set = () =>
      ctx.db.run(tx, 'update stock_level set reorder_point = ? where sku_code = ? and warehouse_id = ?', [
        input.reorderPoint ?? null,
        input.skuCode,
        warehouse.id,
      ]);
    // A reorder point may be set before the first receipt: then the level starts empty.
    await updateOrCreate(set, () => createEmptyLevel(ctx.db, tx, input.skuCode, warehouse.id, new Date()));
  });
  return succeeded('level', await levelView(ctx, input.skuCode, warehouse.id));
}
