import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const SupplierEntity = defineEntity({
  name: 'Supplier',
  tableName: 'supplier',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    email: p.string().nullable(),
    phone: p.string().nullable(),
    createdAt: p.datetime(),
  },
});
export type Supplier = InferEntity<typeof SupplierEntity>;
