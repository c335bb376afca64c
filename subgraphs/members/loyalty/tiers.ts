import type { EntityManager } from '../../../platform/db/database.ts';
import { transactWithRetry } from '../../../platform/db/raw-sql.ts';
import { moneyView } from '../../../platform/values/money.ts';
import * as memberRepository from '../accounts/member-repository.ts';
import type { TierName } from '../entities/account.entity.ts';
import type { MembersEventType, MemberTierChangedData } from '../events.ts';
import * as orderLoyaltyRepository from './order-loyalty-repository.ts';
import { lockPoints } from './points.ts';
import { DAY_MS, type LoyaltyDeps } from './support.ts';

/**
 * Tiers by rolling 12-month paid spend (issue 5, item 4). Spend is what a
 * member paid for orders in the last TIER_WINDOW_DAYS, net of refunds, and
 * nothing for an order cancelled after payment or returned
 * (order_loyalty, one row per paid order). Loyalty is kept in one currency,
 * CNY, the shops' currency: an order in another currency earns no points and
 * counts no spend.
 *
 * A member's tier is recomputed in the transaction that changes their spend,
 * and by the sweeper when a paid order leaves the window, so a tier can go
 * down as well as up.
 */
export const LOYALTY_CURRENCY = 'CNY';
export const TIER_WINDOW_DAYS = 365;

export type TierRule = { name: TierName; minimumSpendMinor: number; multiplierPercent: number };

/** In ascending order. Points per whole CNY paid = multiplierPercent / 100. */
export const TIER_RULES: readonly TierRule[] = [
  { name: 'BASIC', minimumSpendMinor: 0, multiplierPercent: 100 },
  { name: 'SILVER', minimumSpendMinor: 2_000_00, multiplierPercent: 125 },
  { name: 'GOLD', minimumSpendMinor: 10_000_00, multiplierPercent: 150 },
  { name: 'PLATINUM', minimumSpendMinor: 50_000_00, multiplierPercent: 200 },
];

export function tierRule(name: string): TierRule {
  return TIER_RULES.find((rule) => rule.name === name) ?? TIER_RULES[0]!;
}

export function tierForSpend(spendMinor: number): TierName {
  let tier = TIER_RULES[0]!;
  for (const rule of TIER_RULES) if (spendMinor >= rule.minimumSpendMinor) tier = rule;
  return tier.name;
}

/**
 * Points an order earns: one per whole CNY paid, times the tier's
 * multiplier, rounded down (289.90 CNY at GOLD: floor(289 × 1.5) = 433).
 */
export function pointsEarned(paidMinor: number, currency: string, tier: string): number {
  if (currency !== LOYALTY_CURRENCY || paidMinor <= 0) return 0;
  const units = Math.floor(paidMinor / 100);
  return Math.floor((units * tierRule(tier).multiplierPercent) / 100);
}

/** The GraphQL `Tier`. */
export function tierView(name: string) {
  const rule = tierRule(name);
  return {
    name: rule.name,
    pointsMultiplier: (rule.multiplierPercent / 100).toFixed(2),
    minimumSpend: moneyView(rule.minimumSpendMinor, LOYALTY_CURRENCY),
  };
}

const windowStart = (now: Date) => new Date(now.getTime() - TIER_WINDOW_DAYS * DAY_MS);

/** The member's paid spend in the window, net of refunds. The caller holds the member's points account. */
export async function rollingSpend(deps: LoyaltyDeps, tx: EntityManager, memberId: string, now = new Date()): Promise<number> {
  return orderLoyaltyRepository.lockedSpendSince(deps.db, tx, memberId, LOYALTY_CURRENCY, windowStart(now));
}

/**
 * Sets the member's tier from their spend now, recording MemberTierChanged
 * when it changes. Runs in the transaction that changed the spend, which
 * holds the member's points account, so two changes of one member's spend
 * cannot both compute from a view without the other.
 */
export async function recomputeTier(deps: LoyaltyDeps, tx: EntityManager, memberId: string, now = new Date()): Promise<TierName | null> {
  const { db } = deps;
  const spend = await rollingSpend(deps, tx, memberId, now);
  const current = await memberRepository.lockedTierOf(db, tx, memberId);
  if (current === null) return null;
  const tier = tierForSpend(spend);
  if (tier !== current) {
    await memberRepository.setTier(db, tx, memberId, tier);
    deps.events.record<MemberTierChangedData>(tx, 'MemberTierChanged' satisfies MembersEventType, memberId, {
      memberId,
      from: current,
      to: tier,
      spend: { minor: spend, currency: LOYALTY_CURRENCY },
      at: now.toISOString(),
    });
  }
  return tier;
}

/**
 * Recomputes the tiers of members whose paid orders have left the window
 * since the last sweep (a tier goes down when old spend drops out), marking
 * those orders so each is looked at once.
 */
export async function ageOutSpend(deps: LoyaltyDeps, now = new Date(), batch = 100): Promise<number> {
  const { db } = deps;
  let members = 0;
  for (;;) {
    const due = await orderLoyaltyRepository.membersWithSpendToAgeOut(db, db.fork(), windowStart(now), batch);
    for (const memberId of due) {
      await transactWithRetry(db, db.fork(), async (tx) => {
        await lockPoints(db, tx, memberId, now);
        await orderLoyaltyRepository.markAgedOut(db, tx, memberId, windowStart(now));
        await recomputeTier(deps, tx, memberId, now);
      });
      members += 1;
    }
    if (due.length < batch) return members;
  }
}
