import { randomInt } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../../../platform/db/database.ts';
import { transactWithRetry } from '../../../platform/db/raw-sql.ts';
import { quoted } from '../../../platform/graphql/excerpt.ts';
import { UserErrors } from '../../../platform/graphql/user-errors.ts';
import { checkInteger, checkText } from '../../../platform/graphql/validation.ts';
import { newId } from '../../../platform/values/ids.ts';
import { formatMinor, type Money, moneyView, parseMoney } from '../../../platform/values/money.ts';
import * as memberRepository from '../accounts/member-repository.ts';
import type { MembersContext } from '../context.ts';
import { TIERS } from '../entities/account.entity.ts';
import { type Coupon, type CouponCampaign, CouponCampaignEntity } from '../entities/loyalty.entity.ts';
import type { CouponIssuedData, MembersEventType } from '../events.ts';
import { mayReadLoyalty } from './access.ts';
import * as couponRepository from './coupon-repository.ts';
import type { LoyaltyErrorCode } from './support.ts';

/**
 * Coupon campaigns (issue 5, item 5). Staff issue a campaign's coupons to
 * every active member of a tier or to named members: one coupon per member
 * per campaign (a unique key), each with its own code. A coupon takes a
 * percentage or a fixed amount off an order's subtotal, within its validity
 * window and from its minimum spend, and is redeemed once
 * (checkout-discounts.ts).
 *
 * Issuing again under a campaign's name is allowed with the same terms: it
 * issues coupons to the members who have none of it yet (a tier's new
 * members), so a repeated or retried call issues nothing twice. Other terms
 * under an existing name are refused.
 */
/** Codes are 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 50 random bits. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;
export const MAX_MEMBER_IDS = 1000;
const MAX_CODE_LENGTH = 40;

export function newCouponCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What a customer types: spaces around it and lower case are forgiven. */
export const normalizeCouponCode = (code: string) => code.trim().toUpperCase();

type MoneyInput = { amount: string; currencyCode: string };
export type IssueCouponsInput = {
  campaign: string;
  tier?: string | null;
  memberIds?: string[] | null;
  discountPercent?: number | null;
  discountAmount?: MoneyInput | null;
  minimumSpend?: MoneyInput | null;
  validFrom: Date;
  validUntil: Date;
};

type Terms = {
  discountPercent: number | null;
  discountMinor: number | null;
  currency: string | null;
  minimumSpendMinor: number | null;
  validFrom: string;
  validUntil: string;
};

type IssuePayload = { issued: number; userErrors: { code: LoyaltyErrorCode; field: string | null; message: string }[] };

function money(errors: UserErrors<LoyaltyErrorCode>, field: string, input: MoneyInput, min: number): Money | null {
  const parsed = parseMoney(input);
  if (!parsed.ok) {
    errors.add('INVALID_VALUE', field, `${field}: ${parsed.message}`);
    return null;
  }
  if (parsed.money.minor < min) {
    errors.add('INVALID_VALUE', field, `${field} must be at least ${formatMinor(min, parsed.money.currency)}; received "${input.amount}"`);
    return null;
  }
  return parsed.money;
}

function checkIssueInput(input: IssueCouponsInput) {
  const errors = new UserErrors<LoyaltyErrorCode>();
  const campaign = checkText(errors, 'input.campaign', input.campaign, 120);
  const hasTier = input.tier !== null && input.tier !== undefined;
  const hasMembers = input.memberIds !== null && input.memberIds !== undefined;
  if (hasTier === hasMembers) errors.add('INVALID_VALUE', 'input.tier', 'name exactly one of input.tier and input.memberIds');
  if (hasTier && !(TIERS as readonly string[]).includes(input.tier!)) {
    errors.add('INVALID_VALUE', 'input.tier', `input.tier must be one of ${TIERS.join(', ')}; received ${quoted(input.tier)}`);
  }
  const memberIds = [...new Set(input.memberIds ?? [])];
  if (hasMembers && (memberIds.length === 0 || memberIds.length > MAX_MEMBER_IDS)) {
    errors.add('INVALID_VALUE', 'input.memberIds', `input.memberIds must hold 1 to ${MAX_MEMBER_IDS} ids; received ${memberIds.length}`);
  }
  const hasPercent = input.discountPercent !== null && input.discountPercent !== undefined;
  const hasAmount = input.discountAmount !== null && input.discountAmount !== undefined;
  if (hasPercent === hasAmount) {
    errors.add('INVALID_VALUE', 'input.discountPercent', 'give exactly one of input.discountPercent and input.discountAmount');
  }
  if (hasPercent) checkInteger(errors, 'input.discountPercent', input.discountPercent!, 1, 100);
  const amount = hasAmount ? money(errors, 'input.discountAmount', input.discountAmount!, 1) : null;
  const minimum = input.minimumSpend ? money(errors, 'input.minimumSpend', input.minimumSpend, 0) : null;
  if (amount && minimum && amount.currency !== minimum.currency) {
    errors.add(
      'INVALID_VALUE',
      'input.minimumSpend',
      `input.minimumSpend must be in the currency of input.discountAmount (${amount.currency}); received ${minimum.currency}`,
    );
  }
  if (!(input.validUntil > input.validFrom)) {
    errors.add(
      'INVALID_VALUE',
      'input.validUntil',
      `input.validUntil must be after input.validFrom (${input.validFrom.toISOString()}); received ${input.validUntil.toISOString()}`,
    );
  }
  const terms: Terms = {
    discountPercent: hasPercent ? input.discountPercent! : null,
    discountMinor: amount?.minor ?? null,
    currency: amount?.currency ?? minimum?.currency ?? null,
    minimumSpendMinor: minimum?.minor ?? null,
    validFrom: input.validFrom.toISOString(),
    validUntil: input.validUntil.toISOString(),
  };
  return { errors, campaign, memberIds, terms };
}

/** A racing call created the same campaign or coupon first: run again, and it sees them. */
const ATTEMPTS = 3;

/** The campaign exists with other terms; rolls the transaction back. */
class OtherTerms extends Error {
  readonly terms: string;
  constructor(terms: string) {
    super(terms);
    this.terms = terms;
  }
}

export async function issueCoupons(ctx: MembersContext, input: IssueCouponsInput): Promise<IssuePayload> {
  const { errors, campaign: name, memberIds, terms } = checkIssueInput(input);
  if (errors.any) return { issued: 0, userErrors: errors.list };
  if (memberIds.length > 0) {
    const knownIds = await memberRepository.existingMemberIds(ctx.db, ctx.em, memberIds);
    (input.memberIds ?? []).forEach((id, i) => {
      if (!knownIds.has(id)) errors.add('INVALID_VALUE', `input.memberIds[${i}]`, `there is no member with id ${quoted(id)}`);
    });
    if (errors.any) return { issued: 0, userErrors: errors.list };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const issued = await transactWithRetry(ctx.db, ctx.em, (tx) =>
        issueInTransaction(ctx, tx, { name, tier: input.tier ?? null, memberIds, terms }),
      );
      return { issued, userErrors: [] };
    } catch (error) {
      if (error instanceof OtherTerms) {
        const message = `campaign "${name}" was issued before with other terms (${error.terms}); issue again with the same terms or under a new name`;
        return { issued: 0, userErrors: [{ code: 'INVALID_VALUE', field: 'input.campaign', message }] };
      }
      if (!(error instanceof UniqueConstraintViolationException) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function issueInTransaction(
  ctx: MembersContext,
  tx: EntityManager,
  request: { name: string; tier: string | null; memberIds: string[]; terms: Terms },
): Promise<number> {
  const { db } = ctx;
  const now = new Date();
  let campaign = await tx.findOne(CouponCampaignEntity, { name: request.name }, { refresh: true });
  if (!campaign) {
    campaign = tx.create(CouponCampaignEntity, {
      id: newId(),
      name: request.name,
      targetTier: request.tier,
      discountPercent: request.terms.discountPercent,
      discountMinor: request.terms.discountMinor,
      currency: request.terms.currency,
      minimumSpendMinor: request.terms.minimumSpendMinor,
      validFrom: new Date(request.terms.validFrom),
      validUntil: new Date(request.terms.validUntil),
      terms: JSON.stringify(request.terms),
      createdBy: ctx.identity.subject,
      createdAt: now,
    });
    await tx.flush();
  } else if (campaign.terms !== JSON.stringify(request.terms)) {
    throw new OtherTerms(describeTerms(campaign));
  }
  const targets = request.tier ? await memberRepository.activeMemberIdsOfTier(db, tx, request.tier) : request.memberIds;
  const holders = await couponRepository.holdersOf(db, tx, campaign.id);
  let issued = 0;
  for (const memberId of targets) {
    if (holders.has(memberId)) continue;
    const coupon = { id: newId(), code: newCouponCode() };
    await couponRepository.insertCoupon(db, tx, { id: coupon.id, campaignId: campaign.id, memberId, code: coupon.code }, now);
    // The notification sender tells the member (another subgraph's consumer).
    ctx.events.record<CouponIssuedData>(tx, 'CouponIssued' satisfies MembersEventType, coupon.id, {
      couponId: coupon.id,
      memberId,
      code: coupon.code,
      campaign: campaign.name,
      validUntil: campaign.validUntil.toISOString(),
    });
    issued += 1;
  }
  return issued;
}

/** "10% off orders of 200.00 CNY or more". */
export function describeTerms(campaign: CouponCampaign): string {
  const off =
    campaign.discountPercent !== null && campaign.discountPercent !== undefined
      ? `${campaign.discountPercent}% off`
      : `${formatMinor(Number(campaign.discountMinor), campaign.currency ?? '')} ${campaign.currency} off`;
  const minimum = campaign.minimumSpendMinor
    ? ` orders of ${formatMinor(Number(campaign.minimumSpendMinor), campaign.currency ?? '')} ${campaign.currency} or more`
    : '';
  return `${off}${minimum}`;
}

/**
 * Whether `coupon` may take money off an order of `subtotal` by `memberId`
 * now, and how much: a percentage of the subtotal rounded half up to the
 * minor unit, or the fixed amount, never more than the subtotal. A coupon
 * of another member reads as unknown, so codes cannot be probed.
 */
export function couponDiscount(
  coupon: Coupon | null,
  campaign: CouponCampaign | null,
  request: { memberId: string; orderId: string; code: string; subtotal: Money },
  now: Date,
): { ok: true; minor: number } | { ok: false; message: string } {
  const { code, subtotal } = request;
  if (!coupon || !campaign || coupon.memberId !== request.memberId) {
    return { ok: false, message: `you have no coupon with code "${code}"` };
  }
  if (coupon.redeemedOrderId && coupon.redeemedOrderId !== request.orderId) {
    return { ok: false, message: `coupon "${code}" has been used already` };
  }
  if (now < campaign.validFrom) return { ok: false, message: `coupon "${code}" is valid from ${campaign.validFrom.toISOString()}` };
  if (now > campaign.validUntil) return { ok: false, message: `coupon "${code}" expired at ${campaign.validUntil.toISOString()}` };
  if (campaign.currency && campaign.currency !== subtotal.currency) {
    return { ok: false, message: `coupon "${code}" is for orders in ${campaign.currency}; this order is in ${subtotal.currency}` };
  }
  const minimum = Number(campaign.minimumSpendMinor ?? 0);
  if (subtotal.minor < minimum) {
    return {
      ok: false,
      message: `coupon "${code}" needs an order of at least ${formatMinor(minimum, subtotal.currency)} ${subtotal.currency}; this one is ${formatMinor(subtotal.minor, subtotal.currency)}`,
    };
  }
  const minor =
    campaign.discountPercent !== null && campaign.discountPercent !== undefined
      ? Math.floor((subtotal.minor * campaign.discountPercent + 50) / 100)
      : Math.min(Number(campaign.discountMinor), subtotal.minor);
  return { ok: true, minor: Math.min(minor, subtotal.minor) };
}

export function checkCouponCode(errors: UserErrors<LoyaltyErrorCode>, field: string, code: string): string {
  const normalized = normalizeCouponCode(code);
  if (normalized.length === 0 || normalized.length > MAX_CODE_LENGTH) {
    errors.add('INVALID_VALUE', field, `${field} must have 1 to ${MAX_CODE_LENGTH} characters; received ${quoted(code)}`);
  }
  return normalized;
}

/** The GraphQL `Coupon`. */
export function couponView(coupon: Coupon, campaign: CouponCampaign) {
  const currency = campaign.currency ?? '';
  return {
    code: coupon.code,
    campaign: campaign.name,
    description: `${campaign.name}: ${describeTerms(campaign)}`,
    discountPercent: campaign.discountPercent ?? null,
    discountAmount:
      campaign.discountMinor !== null && campaign.discountMinor !== undefined ? moneyView(Number(campaign.discountMinor), currency) : null,
    minimumSpend: campaign.minimumSpendMinor ? moneyView(Number(campaign.minimumSpendMinor), currency) : null,
    validFrom: campaign.validFrom,
    validUntil: campaign.validUntil,
    redeemed: coupon.redeemedOrderId !== null && coupon.redeemedOrderId !== undefined,
  };
}

/** `Member.coupons`: newest first, redeemed and expired ones included. */
export async function memberCoupons(ctx: MembersContext, memberId: string) {
  mayReadLoyalty(ctx, memberId, 'coupons');
  const coupons = await ctx.loaders.couponsByMember.load(memberId);
  const campaigns = await ctx.loaders.campaignById.loadMany(coupons.map((coupon) => coupon.campaignId));
  return coupons.flatMap((coupon, i) => {
    const campaign = campaigns[i];
    if (!campaign || campaign instanceof Error) return [];
    return [couponView(coupon, campaign)];
  });
}
