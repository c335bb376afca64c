import type { Config } from '../../../platform/config/config.ts';
import type { Database } from '../../../platform/db/database.ts';
import type { EventRecorder } from '../../../platform/events/outbox.ts';
import type { Logger } from '../../../platform/observability/log.ts';

/**
 * What the loyalty code (tiers, points, coupons, checkout discounts) needs:
 * a request's context or the background services both provide it. Its SQL
 * is in the *-repository.ts files, built on platform/db/raw-sql.ts
 * (forUpdate, int, dateOf); the services run it in transactions (transactWithRetry).
 */
export type LoyaltyDeps = { db: Database; events: EventRecorder; config: Config; log: Logger };

export const DAY_MS = 86_400_000;

/** The MemberErrorCode values loyalty answers with (schema.graphql). */
export type LoyaltyErrorCode = 'INVALID_VALUE' | 'INVALID_COUPON' | 'INSUFFICIENT_POINTS' | 'DUPLICATE_REQUEST';
