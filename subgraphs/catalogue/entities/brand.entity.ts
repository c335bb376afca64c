import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const BrandEntity = defineEntity({
  name: 'Brand',
  tableName: 'brand',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    country: p.string().nullable(),
    createdAt: p.datetime(),
  },
});
export type Brand = InferEntity<typeof BrandEntity>;
