import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import type { EntityManager } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import { handleOnce } from '../../platform/events/processed-events.ts';
import { runPeriodically } from '../../platform/runtime/periodic.ts';
import { confirmDiscounts, releaseAbandonedDiscounts, releaseDiscounts, releaseUnconfirmedDiscounts } from './checkout-discounts.ts';
import type { LoyaltyDeps } from './loyalty-support.ts';
import { closeOrder, earnForPaidOrder, type Refund, recordRefund } from './order-points.ts';
import { expirePoints } from './points.ts';
import { ageOutSpend } from './tiers.ts';

/**
 * What members does when other subgraphs announce something (at-least-once
 * delivery: each consumer runs once per event through handleOnce, and its
 * effect is idempotent per order or refund as well):
 *
 * - OrderPlaced: the order of an applied discount exists (the sweeper need not ask).
 * - OrderPaid: spend and points for the member (order-points.ts).
 * - OrderCancelled: before payment, the coupon and points come back; after
 *   payment, the redeemed points come back, the earned ones are reversed and
 *   the spend no longer counts (the coupon stays used).
 * - OrderReturned: the earned points are reversed and the spend no longer counts.
 * - RefundSucceeded (payments): points reversed in proportion to the amount refunded.
 * - ReservationExpired (stock): the discounts of a checkout that never wrote
 *   its order are given back (checkout-discounts.ts).
 *
 * Named queues: with RabbitMQ each event is handled once by the members
 * service, not once per instance.
 */
export const LOYALTY_SWEEP_INTERVAL_MS = 60_000;

/** The part of the orders subgraph's OrderEventData (orders/order-state.ts) members reads. */
type OrderEvent = {
  orderId: string;
  memberId: string | null;
  previousStatus: string | null;
  total: { minor: number; currency: string };
  at?: string | null;
};

type Deps = LoyaltyDeps & { bus: EventBus };

function consume(deps: Deps, type: string, queue: string, work: (tx: EntityManager, event: DomainEvent) => Promise<unknown>) {
  return deps.bus.subscribe(
    [type],
    async (event) => {
      // A lock conflict on MySQL rolled the whole handling back, claim included: run it again.
      await retryOnLockConflict(() => handleOnce(deps.db, queue, event, (tx) => work(tx, event).then(() => undefined)));
    },
    { queue },
  );
}

export function startLoyaltyConsumers(deps: Deps): () => void {
  const stops = [
    consume(deps, 'OrderPlaced', 'members.order-placed', (tx, event) => confirmDiscounts(deps, tx, (event.data as OrderEvent).orderId)),
    consume(deps, 'OrderPaid', 'members.order-paid', async (tx, event) => {
      const order = event.data as OrderEvent;
      await confirmDiscounts(deps, tx, order.orderId);
      if (order.memberId) await earnForPaidOrder(deps, tx, { ...order, memberId: order.memberId });
    }),
    consume(deps, 'OrderCancelled', 'members.order-cancelled', async (tx, event) => {
      const order = event.data as OrderEvent;
      if (order.previousStatus === 'PENDING_PAYMENT') {
        await releaseDiscounts(deps, tx, order.orderId, 'ALL');
        return;
      }
      await releaseDiscounts(deps, tx, order.orderId, 'POINTS');
      if (order.memberId) await closeOrder(deps, tx, { orderId: order.orderId, memberId: order.memberId });
    }),
    consume(deps, 'OrderReturned', 'members.order-returned', async (tx, event) => {
      const order = event.data as OrderEvent;
      if (order.memberId) await closeOrder(deps, tx, { orderId: order.orderId, memberId: order.memberId });
    }),
    consume(deps, 'RefundSucceeded', 'members.refund-succeeded', (tx, event) => recordRefund(deps, tx, event.data as Refund)),
    consume(deps, 'ReservationExpired', 'members.reservation-expired', (tx, event) =>
      releaseUnconfirmedDiscounts(deps, tx, (event.data as { reference: string }).reference),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

/** The periodic work: expire points, recompute tiers whose window dropped old spend, release abandoned checkout discounts. */
export async function sweepLoyalty(deps: LoyaltyDeps, now = new Date()) {
  const expiredPoints = await expirePoints(deps, now);
  const tiersRecomputed = await ageOutSpend(deps, now);
  const releasedDiscounts = await releaseAbandonedDiscounts(deps, now);
  return { expiredPoints, tiersRecomputed, releasedDiscounts };
}

/** The members subgraph's background hook: the consumers, and the sweep on an interval. */
export function startLoyaltyBackground(deps: Deps, intervalMs = LOYALTY_SWEEP_INTERVAL_MS): () => Promise<void> {
  const stopConsumers = startLoyaltyConsumers(deps);
  const stopSweep = runPeriodically('loyalty sweep', () => sweepLoyalty(deps), intervalMs, deps.log);
  return async () => {
    stopConsumers();
    await stopSweep();
  };
}
