import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const WarehouseEntity = defineEntity({
  name: 'Warehouse',
  tableName: 'warehouse',
  properties: {
    id: p.string().primary(),
    code: p.string(),
    name: p.string(),
    region: p.string(),
    priority: p.integer(),
    active: p.boolean(),
    createdAt: p.datetime(),
  },
});
export type Warehouse = InferEntity<typeof WarehouseEntity>;
