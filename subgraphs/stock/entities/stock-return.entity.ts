import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A customer return booked into a warehouse under a reference; the key refuses booking it twice. */
export const StockReturnEntity = defineEntity({
  name: 'StockReturn',
  tableName: 'stock_return',
  properties: {
    warehouseId: p.string().primary(),
    reference: p.string().primary(),
    actor: p.string().nullable(),
    createdAt: p.datetime(),
  },
});
export type StockReturn = InferEntity<typeof StockReturnEntity>;
