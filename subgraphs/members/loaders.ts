import type { EntityManager } from '../kit/db/database.ts';
import { keyedLoader } from '../kit/loaders.ts';
import { MemberEntity } from './entities/account.entity.ts';
import { createLoyaltyLoaders } from './loyalty-loaders.ts';

export function createMembersLoaders(em: EntityManager) {
  return {
    memberById: keyedLoader(
      'member',
      (ids: string[]) => em.find(MemberEntity, { id: { $in: ids } }),
      (member) => member.id,
    ),
    ...createLoyaltyLoaders(em),
  };
}

export type MembersLoaders = ReturnType<typeof createMembersLoaders>;
