import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { keysetPage } from '../../platform/db/keyset.ts';
import type { Connection } from '../../platform/graphql/pagination.ts';
import { failed, succeeded } from '../../platform/graphql/user-errors.ts';
import { checkText } from '../../platform/graphql/validation.ts';
import { newId } from '../../platform/values/ids.ts';
import { moneyView, parseMoney } from '../../platform/values/money.ts';
import type { StockContext } from './context.ts';
import {
  type PurchaseOrder,
  PurchaseOrderEntity,
  PurchaseOrderLineEntity,
  type PurchaseOrderStatus,
} from './entities/purchase-order.entity.ts';
import { reportUnknownSkus, reportUnknownSupplier } from './peers.ts';
import { checkLines, newStockErrors, type StockLineInput } from './stock-input.ts';
import { checkWarehouse } from './warehouses.ts';

/** Purchase orders to suppliers; goods arrive against them through receiveStock. */
export type CreatePurchaseOrderInput = {
  supplierId: string;
  warehouseId: string;
  reference?: string | null;
  lines: (StockLineInput & { unitCost: { amount: string; currencyCode: string } })[];
};

export async function createPurchaseOrder(ctx: StockContext, input: CreatePurchaseOrderInput) {
  const errors = newStockErrors();
  const supplierId = checkText(errors, 'input.supplierId', input.supplierId, 36);
  const lines = checkLines(errors, input.lines);
  const costs = lines.map((line, i) => {
    const parsed = parseMoney(line.unitCost);
    if (!parsed.ok) errors.add('INVALID_VALUE', `input.lines[${i}].unitCost`, `input.lines[${i}].unitCost: ${parsed.message}`);
    else if (parsed.money.minor < 0) errors.add('INVALID_VALUE', `input.lines[${i}].unitCost`, 'a unit cost cannot be negative');
    return parsed.ok ? parsed.money : null;
  });
  const currencies = new Set(costs.filter((cost) => cost !== null).map((cost) => cost.currency));
  if (currencies.size > 1)
    errors.add('INVALID_VALUE', 'input.lines', `a purchase order has one currency; received ${[...currencies].join(', ')}`);
  const warehouse = await checkWarehouse(ctx, errors, 'input.warehouseId', input.warehouseId, true);
  await reportUnknownSkus(
    ctx,
    errors,
    lines.map((line, i) => ({ field: `input.lines[${i}].skuCode`, code: line.skuCode })),
  );
  if (supplierId) await reportUnknownSupplier(ctx, errors, 'input.supplierId', supplierId);
  if (errors.any || !warehouse) return failed('purchaseOrder', errors);
  const id = newId();
  const reference = input.reference?.trim() || `PO-${id.slice(0, 8).toUpperCase()}`;
  try {
    const order = await ctx.db.transaction(ctx.em, async (tx) => {
      const now = new Date();
      const order = tx.create(PurchaseOrderEntity, {
        id,
        reference,
        supplierId,
        warehouseId: warehouse.id,
        status: 'ORDERED',
        currency: costs[0]!.currency,
        actor: ctx.identity.subject,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      for (const [position, line] of lines.entries()) {
        tx.create(PurchaseOrderLineEntity, {
          id: newId(),
          purchaseOrderId: id,
          position,
          skuCode: line.skuCode,
          quantityOrdered: line.quantity,
          quantityReceived: 0,
          unitCostMinor: costs[position]!.minor,
        });
      }
      return order;
    });
    return succeeded('purchaseOrder', order);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      return failed('purchaseOrder', [
        { code: 'DUPLICATE_REQUEST' as const, field: 'input.reference', message: `purchase order ${reference} exists` },
      ]);
    }
    throw error;
  }
}

export const purchaseOrderById = (ctx: StockContext, id: string) => ctx.em.findOne(PurchaseOrderEntity, { id });

export async function closePurchaseOrder(ctx: StockContext, purchaseOrderId: string) {
  const order = await ctx.em.findOne(PurchaseOrderEntity, { id: purchaseOrderId });
  if (!order) {
    return failed('purchaseOrder', [
      {
        code: 'UNKNOWN_PURCHASE_ORDER' as const,
        field: 'input.purchaseOrderId',
        message: `no purchase order with id "${purchaseOrderId}"`,
      },
    ]);
  }
  if (order.status === 'CLOSED') return succeeded('purchaseOrder', order);
  const closed = await ctx.db.transaction(ctx.em, async (tx) => {
    const current = await tx.findOneOrFail(PurchaseOrderEntity, { id: purchaseOrderId });
    current.status = 'CLOSED';
    current.updatedAt = new Date();
    return current;
  });
  return succeeded('purchaseOrder', closed);
}

export async function purchaseOrders(
  ctx: StockContext,
  args: { status?: PurchaseOrderStatus | null; first?: number | null; after?: string | null },
): Promise<Connection<PurchaseOrder>> {
  return keysetPage(ctx.em, PurchaseOrderEntity, args.status ? { status: args.status } : {}, args);
}

export async function purchaseOrderTotal(ctx: StockContext, order: PurchaseOrder) {
  const lines = await ctx.loaders.purchaseOrderLines.load(order.id);
  return moneyView(
    lines.reduce((sum, line) => sum + line.quantityOrdered * line.unitCostMinor, 0),
    order.currency,
  );
}
