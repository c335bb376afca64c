import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../../platform/db/database.ts';
import { failed, succeeded } from '../../platform/graphql/user-errors.ts';
import { newId } from '../../platform/values/ids.ts';
import { type Money, parseMoney } from '../../platform/values/money.ts';
import type { StockContext } from './context.ts';
import { foldCost } from './costing.ts';
import { PurchaseOrderEntity, type PurchaseOrderLine, PurchaseOrderLineEntity } from './entities/purchase-order.entity.ts';
import { ReceiptEntity, ReceiptLineEntity } from './entities/receipt.entity.ts';
import { applyLevelChange, ledgerOf } from './ledger.ts';
import { reportUnknownSkus, reportUnknownSupplier } from './peers.ts';
import { addReceivedUnits } from './purchase-order-repository.ts';
import { ChangeRefused, checkLines, checkReference, newStockErrors, type StockLineInput } from './stock-input.ts';
import { checkWarehouse } from './warehouses.ts';

/**
 * Goods in: a receipt books units into a warehouse, against a purchase order
 * (never past what it ordered; the order's status follows) or not, and folds
 * their unit cost into the level's average. Validation first; then one
 * transaction per receipt through the ledger.
 */
export type ReceiveStockInput = {
  warehouseId: string;
  reference: string;
  supplierId?: string | null;
  purchaseOrderId?: string | null;
  lines: (StockLineInput & { unitCost?: { amount: string; currencyCode: string } | null })[];
};

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
        actor: ctx.identity.subject,
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
  const changed = await addReceivedUnits(ctx.db, tx, line.id, quantity);
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
  const after = await applyLevelChange(ledgerOf(ctx), tx, {
    skuCode: entry.skuCode,
    warehouseId: entry.warehouseId,
    kind: 'RECEIPT',
    quantity: entry.quantity,
    onHandDelta: entry.quantity,
    reservedDelta: 0,
    reference: entry.reference,
    reason: null,
    actor: ctx.identity.subject,
  });
  if (!entry.cost) return;
  await foldCost(tx, { ...entry, cost: entry.cost, onHandAfter: after.onHand, field: `input.lines[${entry.i}].unitCost` });
}
