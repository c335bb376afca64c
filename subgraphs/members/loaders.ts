import type { EntityManager } from '../../platform/db/database.ts';
import { readRows } from '../../platform/db/read-rows.ts';
import { keyedLoader } from '../../platform/graphql/loaders.ts';
import { MemberEntity } from './entities/account.entity.ts';
import { createLoyaltyLoaders } from './loyalty/loaders.ts';

export function createMembersLoaders(em: EntityManager) {
  return {
    memberById: keyedLoader(
      'member',
      // Plain rows (platform/db/read-rows.ts): members are only read through here; account changes load their own.
      (ids: string[]) => readRows(em, MemberEntity, { id: { $in: ids } }),
      (member) => member.id,
    ),
    ...createLoyaltyLoaders(em),
  };
}

export type MembersLoaders = ReturnType<typeof createMembersLoaders>;
