import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** "This product fits a <make> <model> built from <yearFrom> to <yearTo>." */
export const FitmentEntity = defineEntity({
  name: 'Fitment',
  tableName: 'fitment',
  properties: {
    id: p.string().primary(),
    productId: p.string(),
    make: p.string(),
    model: p.string(),
    yearFrom: p.integer(),
    yearTo: p.integer(),
  },
});
export type Fitment = InferEntity<typeof FitmentEntity>;
