import DataLoader from 'dataloader';
import type { EntityManager } from '../../../platform/db/database.ts';
import { groupedLoader, keyedLoader } from '../../../platform/graphql/loaders.ts';
import { CouponCampaignEntity, CouponEntity, PointsAccountEntity } from '../entities/loyalty.entity.ts';

/** Per-request loaders of loyalty data, one SQL query per batch of members. */
export function createLoyaltyLoaders(em: EntityManager) {
  return {
    /** A member's points balance; 0 for a member who never had points. */
    pointsBalance: new DataLoader<string, number>(async (memberIds) => {
      const accounts = await em.find(PointsAccountEntity, { memberId: { $in: [...memberIds] } });
      const balances = new Map(accounts.map((account) => [account.memberId, Number(account.balance)]));
      return memberIds.map((id) => balances.get(id) ?? 0);
    }),
    /** A member's coupons, newest first. */
    couponsByMember: groupedLoader(
      (memberIds: string[]) => em.find(CouponEntity, { memberId: { $in: memberIds } }, { orderBy: { createdAt: 'desc', id: 'desc' } }),
      (coupon) => coupon.memberId,
    ),
    campaignById: keyedLoader(
      'coupon campaign',
      (ids: string[]) => em.find(CouponCampaignEntity, { id: { $in: ids } }),
      (campaign) => campaign.id,
    ),
  };
}
