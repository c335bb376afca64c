import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * Loyalty: the points ledger, coupons and what checkout took off an order
 * (migrations/0002-loyalty.ts). Changes go through conditional SQL in
 * points.ts, coupons.ts and checkout-discounts.ts; these entities are how
 * the rows are read.
 */

/** A member's points balance: always the sum of their ledger, never negative. */
export const PointsAccountEntity = defineEntity({
  name: 'PointsAccount',
  tableName: 'points_account',
  properties: {
    memberId: p.string().primary(),
    balance: p.integer(),
    updatedAt: p.datetime(),
  },
});
export type PointsAccount = InferEntity<typeof PointsAccountEntity>;

export const POINTS_REASONS = ['EARNED', 'REDEEMED', 'RESTORED', 'REVERSED', 'EXPIRED'] as const;
export type PointsReason = (typeof POINTS_REASONS)[number];

/**
 * One line of the points ledger. EARNED entries are lots: `remaining` is
 * what is left of them, and `expiresAt` is when that expires. An EXPIRED
 * entry names its lot in `lotId`.
 */
export const PointsEntryEntity = defineEntity({
  name: 'PointsEntry',
  tableName: 'points_entry',
  properties: {
    id: p.string().primary(),
    memberId: p.string(),
    delta: p.integer(),
    reason: p.string().$type<PointsReason>(),
    orderId: p.string().nullable(),
    lotId: p.string().nullable(),
    expiresAt: p.datetime().nullable(),
    remaining: p.integer().nullable(),
    createdAt: p.datetime(),
  },
});
export type PointsEntry = InferEntity<typeof PointsEntryEntity>;

/** A coupon campaign: its discount (a percentage or a fixed amount), minimum spend and validity window. */
export const CouponCampaignEntity = defineEntity({
  name: 'CouponCampaign',
  tableName: 'coupon_campaign',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    targetTier: p.string().nullable(),
    discountPercent: p.integer().nullable(),
    discountMinor: p.integer().nullable(),
    /** The currency of discountMinor and minimumSpendMinor; null for a percentage without a minimum. */
    currency: p.string().nullable(),
    minimumSpendMinor: p.integer().nullable(),
    validFrom: p.datetime(),
    validUntil: p.datetime(),
    /** The campaign's terms as issued; issuing again under the same name must repeat them. */
    terms: p.string(),
    createdBy: p.string().nullable(),
    createdAt: p.datetime(),
  },
});
export type CouponCampaign = InferEntity<typeof CouponCampaignEntity>;

/** One member's coupon of a campaign; `redeemedOrderId` is set by the one checkout that redeemed it. */
export const CouponEntity = defineEntity({
  name: 'Coupon',
  tableName: 'coupon',
  properties: {
    id: p.string().primary(),
    campaignId: p.string(),
    memberId: p.string(),
    code: p.string(),
    redeemedOrderId: p.string().nullable(),
    redeemedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
export type Coupon = InferEntity<typeof CouponEntity>;

/**
 * APPLIED: the coupon and points are taken. RELEASED: both were given back
 * (the order was never written, or cancelled before payment).
 * POINTS_RESTORED: a paid order was cancelled; its points came back, the
 * coupon stays used.
 */
export type CheckoutDiscountStatus = 'APPLIED' | 'RELEASED' | 'POINTS_RESTORED';

/** What checkout took off one order: the idempotency record of applyCheckoutDiscounts. */
export const CheckoutDiscountEntity = defineEntity({
  name: 'CheckoutDiscount',
  tableName: 'checkout_discount',
  properties: {
    orderId: p.string().primary(),
    memberId: p.string(),
    request: p.string(),
    status: p.string().$type<CheckoutDiscountStatus>(),
    currency: p.string(),
    couponId: p.string().nullable(),
    couponCode: p.string().nullable(),
    couponDiscountMinor: p.integer(),
    pointsRedeemed: p.integer(),
    redemptionEntryId: p.string().nullable(),
    /** When the order was known to exist (its OrderPlaced, or the sweeper asked orders). */
    confirmedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type CheckoutDiscount = InferEntity<typeof CheckoutDiscountEntity>;

/** A paid order of a member: its spend, and the points it earned and gave back. */
export const OrderLoyaltyEntity = defineEntity({
  name: 'OrderLoyalty',
  tableName: 'order_loyalty',
  properties: {
    orderId: p.string().primary(),
    memberId: p.string(),
    currency: p.string().nullable(),
    paidMinor: p.integer(),
    refundedMinor: p.integer(),
    paidAt: p.datetime().nullable(),
    /** Cancelled after payment, returned or fully refunded: the order no longer counts. */
    closedAt: p.datetime().nullable(),
    agedOut: p.boolean(),
    earnedPoints: p.integer(),
    reversedPoints: p.integer(),
    writtenOffPoints: p.integer(),
    lotId: p.string().nullable(),
    updatedAt: p.datetime(),
  },
});
export type OrderLoyalty = InferEntity<typeof OrderLoyaltyEntity>;

export const loyaltyEntities = [
  PointsAccountEntity,
  PointsEntryEntity,
  CouponCampaignEntity,
  CouponEntity,
  CheckoutDiscountEntity,
  OrderLoyaltyEntity,
];
