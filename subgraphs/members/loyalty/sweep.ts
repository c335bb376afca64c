import { runPeriodically } from '../../../platform/runtime/periodic.ts';
import { releaseAbandonedDiscounts } from './checkout-discounts.ts';
import { expirePoints } from './points.ts';
import type { LoyaltyDeps } from './support.ts';
import { ageOutSpend } from './tiers.ts';

/** How often loyalty's periodic work runs; its event consumers are in ../events.ts. */
export const LOYALTY_SWEEP_INTERVAL_MS = 60_000;

/** The periodic work: expire points, recompute tiers whose window dropped old spend, release abandoned checkout discounts. */
export async function sweepLoyalty(deps: LoyaltyDeps, now = new Date()) {
  const expiredPoints = await expirePoints(deps, now);
  const tiersRecomputed = await ageOutSpend(deps, now);
  const releasedDiscounts = await releaseAbandonedDiscounts(deps, now);
  return { expiredPoints, tiersRecomputed, releasedDiscounts };
}

/** Runs the sweep on an interval; resolves the stop function. */
export function startLoyaltySweep(deps: LoyaltyDeps, intervalMs = LOYALTY_SWEEP_INTERVAL_MS): () => Promise<void> {
  return runPeriodically('loyalty sweep', () => sweepLoyalty(deps), intervalMs, deps.log);
}
