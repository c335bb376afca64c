import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { quoted } from '../../platform/graphql/excerpt.ts';
import { loadOrNull } from '../../platform/graphql/loaders.ts';
import { failed, succeeded } from '../../platform/graphql/user-errors.ts';
import { checkInteger, checkText } from '../../platform/graphql/validation.ts';
import { newId } from '../../platform/values/ids.ts';
import type { StockContext } from './context.ts';
import { type Warehouse, WarehouseEntity } from './entities/warehouse.entity.ts';
import { WAREHOUSE_CHANGED, type WarehouseChangedData } from './events.ts';
import { newStockErrors, type StockErrors } from './stock-input.ts';

const WAREHOUSE_CODE = /^[A-Z0-9][A-Z0-9-]{0,19}$/;
const MAX_PRIORITY = 10_000;

export const warehouseById = (ctx: StockContext, id: string) => loadOrNull(ctx.loaders.warehouseById, id);

export const listWarehouses = (ctx: StockContext, includeInactive: boolean) =>
  ctx.em.find(WarehouseEntity, includeInactive ? {} : { active: true }, { orderBy: { priority: 'asc', code: 'asc' } });

/** Looks up a warehouse an input names, reporting it unknown (or inactive, when `mustBeActive`). */
export async function checkWarehouse(
  ctx: StockContext,
  errors: StockErrors,
  field: string,
  id: string,
  mustBeActive: boolean,
): Promise<Warehouse | null> {
  const warehouse = await warehouseById(ctx, id);
  if (!warehouse) errors.add('UNKNOWN_WAREHOUSE', field, `${field} does not name a warehouse; received "${id}"`);
  else if (mustBeActive && !warehouse.active) errors.add('WAREHOUSE_INACTIVE', field, `warehouse ${warehouse.code} is inactive`);
  return warehouse;
}

export type CreateWarehouseInput = { code: string; name: string; region: string; priority?: number | null; active?: boolean | null };

export async function createWarehouse(ctx: StockContext, input: CreateWarehouseInput) {
  const errors = newStockErrors();
  if (!WAREHOUSE_CODE.test(input.code)) {
    errors.add('INVALID_VALUE', 'input.code', `input.code must be 1 to 20 of A-Z, 0-9 and dashes; received ${quoted(input.code)}`);
  }
  const name = checkText(errors, 'input.name', input.name, 120);
  const region = checkText(errors, 'input.region', input.region, 80);
  const priority = checkInteger(errors, 'input.priority', input.priority ?? 100, 0, MAX_PRIORITY);
  if (errors.any) return failed('warehouse', errors);
  const duplicate = () =>
    failed('warehouse', [{ code: 'DUPLICATE_CODE' as const, field: 'input.code', message: `a warehouse with code ${input.code} exists` }]);
  if (await ctx.em.findOne(WarehouseEntity, { code: input.code })) return duplicate();
  try {
    const warehouse = await ctx.db.transaction(ctx.em, async (tx) => {
      const created = tx.create(WarehouseEntity, {
        id: newId(),
        code: input.code,
        name,
        region,
        priority,
        active: input.active ?? true,
        createdAt: new Date(),
      });
      ctx.events.record<WarehouseChangedData>(tx, WAREHOUSE_CHANGED, created.id, { warehouseId: created.id });
      return created;
    });
    return succeeded('warehouse', warehouse);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return duplicate();
    throw error;
  }
}

export type UpdateWarehouseInput = {
  id: string;
  name?: string | null;
  region?: string | null;
  priority?: number | null;
  active?: boolean | null;
};

export async function updateWarehouse(ctx: StockContext, input: UpdateWarehouseInput) {
  const errors = newStockErrors();
  const existing = await checkWarehouse(ctx, errors, 'input.id', input.id, false);
  const name = input.name == null ? undefined : checkText(errors, 'input.name', input.name, 120);
  const region = input.region == null ? undefined : checkText(errors, 'input.region', input.region, 80);
  if (input.priority != null) checkInteger(errors, 'input.priority', input.priority, 0, MAX_PRIORITY);
  if (errors.any || !existing) return failed('warehouse', errors);
  const warehouse = await ctx.db.transaction(ctx.em, async (tx) => {
    const warehouse = await tx.findOneOrFail(WarehouseEntity, { id: input.id });
    if (name !== undefined) warehouse.name = name;
    if (region !== undefined) warehouse.region = region;
    if (input.priority != null) warehouse.priority = input.priority;
    if (input.active != null) warehouse.active = input.active;
    ctx.events.record<WarehouseChangedData>(tx, WAREHOUSE_CHANGED, warehouse.id, { warehouseId: warehouse.id });
    return warehouse;
  });
  ctx.loaders.warehouseById.clear(warehouse.id);
  return succeeded('warehouse', warehouse);
}
