import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { updateOrCreate } from '../../platform/db/conflicts.ts';
import { failed, succeeded } from '../../platform/graphql/user-errors.ts';
import { checkInteger, checkText } from '../../platform/graphql/validation.ts';
import type { StockContext } from './context.ts';
import { carryTransferCost } from './costing.ts';
import { StockLevelEntity } from './entities/stock-level.entity.ts';
import { StockReturnEntity } from './entities/stock-return.entity.ts';
import { REORDER_POINT_CHANGED, type ReorderPointChangedData } from './events.ts';
import { applyLevelChange, applyLevelChanges, type LevelChange, LevelGuardError, ledgerOf } from './ledger.ts';
import { reportUnknownSkus } from './peers.ts';
import { ChangeRefused, checkLines, checkReference, checkSkuCode, newStockErrors, type StockLineInput } from './stock-input.ts';
import { insertEmptyLevel, updateReorderPoint } from './stock-level-repository.ts';
import { checkWarehouse } from './warehouses.ts';

/**
 * Stock changes that are not orders or receipts: stock-take adjustments,
 * transfers between warehouses, customer returns, reorder points.
 * Validation first; then one transaction per request through the ledger.
 */
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
      applyLevelChange(ledgerOf(ctx), tx, {
        skuCode: input.skuCode,
        warehouseId: warehouse.id,
        kind: 'ADJUSTMENT',
        quantity: Math.abs(input.delta),
        onHandDelta: input.delta,
        reservedDelta: 0,
        reference: null,
        reason,
        actor: ctx.identity.subject,
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
    actor: ctx.identity.subject,
  });
  try {
    await ctx.db.transaction(ctx.em, async (tx) => {
      await applyLevelChanges(
        ledgerOf(ctx),
        tx,
        lines.map((line) => change(line, true)),
      );
      const arrived = await applyLevelChanges(
        ledgerOf(ctx),
        tx,
        lines.map((line) => change(line, false)),
      );
      await carryTransferCost(tx, { fromWarehouseId: from.id, toWarehouseId: to.id, lines, arrived });
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
      tx.create(StockReturnEntity, { warehouseId: warehouse.id, reference, actor: ctx.identity.subject, createdAt: new Date() });
      await tx.flush();
      await applyLevelChanges(
        ledgerOf(ctx),
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
          actor: ctx.identity.subject,
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
    const set = () => updateReorderPoint(ctx.db, tx, input.skuCode, warehouse.id, input.reorderPoint ?? null);
    // A reorder point may be set before the first receipt: then the level starts empty.
    await updateOrCreate(set, () => insertEmptyLevel(ctx.db, tx, input.skuCode, warehouse.id, new Date()));
    ctx.events.record<ReorderPointChangedData>(tx, REORDER_POINT_CHANGED, `${input.skuCode}@${warehouse.id}`, {
      skuCode: input.skuCode,
      warehouseId: warehouse.id,
    });
  });
  return succeeded('level', await levelView(ctx, input.skuCode, warehouse.id));
}
