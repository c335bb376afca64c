import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A node of the category tree. `pathIds` ("/root/child/self/") is a
 * materialized path, so "this category and everything under it" is one
 * indexed prefix match instead of a recursive query; `pathNames` is the same
 * path for people ("Brakes / Brake pads").
 */
export const CategoryEntity = defineEntity({
  name: 'Category',
  tableName: 'category',
  properties: {
    id: p.string().primary(),
    parentId: p.string().nullable(),
    name: p.string(),
    pathIds: p.string(),
    pathNames: p.string(),
    depth: p.integer(),
    createdAt: p.datetime(),
  },
});
export type Category = InferEntity<typeof CategoryEntity>;
