import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const MOVEMENT_KINDS = ['RECEIPT', 'ADJUSTMENT', 'RESERVE', 'RELEASE', 'COMMIT', 'RETURN', 'TRANSFER_OUT', 'TRANSFER_IN'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** The ledger: one row per change of a level, written in the change's transaction, never updated. */
export const StockMovementEntity = defineEntity({
  name: 'StockMovement',
  tableName: 'stock_movement',
  properties: {
    id: p.string().primary(),
    skuCode: p.string(),
    warehouseId: p.string(),
    kind: p.string().$type<MovementKind>(),
    quantity: p.integer(),
    onHandDelta: p.integer(),
    reservedDelta: p.integer(),
    reference: p.string().nullable(),
    reason: p.string().nullable(),
    actor: p.string().nullable(),
    createdAt: p.datetime(),
  },
});
export type StockMovement = InferEntity<typeof StockMovementEntity>;
