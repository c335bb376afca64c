import type { EventBus } from '../../platform/events/bus.ts';
import { consumeOnce } from '../../platform/events/processed-events.ts';
import { confirmDiscounts, releaseDiscounts, releaseUnconfirmedDiscounts } from './loyalty/checkout-discounts.ts';
import { closeOrder, earnForPaidOrder, recordRefund } from './loyalty/order-points.ts';
import type { LoyaltyDeps } from './loyalty/support.ts';
import { queueCouponIssuedMessage, queueOrderShippedMessage } from './notifications/event-messages.ts';

/**
 * Every event the members subgraph publishes and consumes, in one place.
 *
 * Published (through the outbox, in the transaction that causes them):
 * - MemberTierChanged: a member's tier went up or down (loyalty/tiers.ts).
 * - CouponIssued: a coupon was issued to a member (loyalty/coupons.ts); our
 *   own notifications consume it to text the member.
 *
 * Services name the event by its type string, checked against
 * MembersEventType, and their payload against the data type below: a type
 * import, so this file can import the services that handle events without
 * an import cycle.
 */
export type MembersEventType = 'MemberTierChanged' | 'CouponIssued';

export type MemberTierChangedData = {
  memberId: string;
  from: string;
  to: string;
  spend: { minor: number; currency: string };
  at: string;
};

export type CouponIssuedData = { couponId: string; memberId: string; code: string; campaign: string; validUntil: string };

/** The part of the orders subgraph's OrderEventData (subgraphs/orders/order-state.ts) members reads. */
export type OrderEventData = {
  orderId: string;
  memberId: string | null;
  previousStatus: string | null;
  total: { minor: number; currency: string };
  at?: string | null;
};

/** What orders' OrderShipped carries that a message needs. */
export type OrderShippedData = { orderId: string; number: string; memberId: string | null };

/** Payments' RefundSucceeded, as loyalty reads it. */
export type RefundSucceededData = {
  refundId: string;
  orderId: string;
  amount: { minor: number; currency: string };
  full?: boolean | null;
};

/** Stock's ReservationExpired: its reference is the order id of the checkout that reserved. */
export type ReservationExpiredData = { reference: string };

type ConsumerDeps = LoyaltyDeps & { bus: EventBus };

/**
 * Subscribes members to what other subgraphs (and members itself) announce.
 * Named queues: with RabbitMQ each event is handled once by the members
 * service, not once per instance. Loyalty's consumers take effect once per
 * event (consumeOnce), and their effects are idempotent per order or refund
 * as well.
 *
 * - OrderPlaced: the order of an applied discount exists (the sweeper need not ask).
 * - OrderPaid: spend and points for the member (loyalty/order-points.ts).
 * - OrderCancelled: before payment, the coupon and points come back; after
 *   payment, the redeemed points come back, the earned ones are reversed and
 *   the spend no longer counts (the coupon stays used).
 * - OrderReturned: the earned points are reversed and the spend no longer counts.
 * - RefundSucceeded (payments): points reversed in proportion to the amount refunded.
 * - ReservationExpired (stock): the discounts of a checkout that never wrote
 *   its order are given back (loyalty/checkout-discounts.ts).
 * - OrderShipped, CouponIssued: a text message to the member is queued
 *   (notifications/); the queue row's unique cause key makes a redelivery harmless.
 */
export function startMembersConsumers(deps: ConsumerDeps): () => void {
  const stops = [
    consumeOnce(deps, ['OrderPlaced'], 'members.order-placed', (tx, event) =>
      confirmDiscounts(deps, tx, (event.data as OrderEventData).orderId),
    ),
    consumeOnce(deps, ['OrderPaid'], 'members.order-paid', async (tx, event) => {
      const order = event.data as OrderEventData;
      await confirmDiscounts(deps, tx, order.orderId);
      if (order.memberId) await earnForPaidOrder(deps, tx, { ...order, memberId: order.memberId });
    }),
    consumeOnce(deps, ['OrderCancelled'], 'members.order-cancelled', async (tx, event) => {
      const order = event.data as OrderEventData;
      if (order.previousStatus === 'PENDING_PAYMENT') {
        await releaseDiscounts(deps, tx, order.orderId, 'ALL');
        return;
      }
      await releaseDiscounts(deps, tx, order.orderId, 'POINTS');
      if (order.memberId) await closeOrder(deps, tx, { orderId: order.orderId, memberId: order.memberId });
    }),
    consumeOnce(deps, ['OrderReturned'], 'members.order-returned', async (tx, event) => {
      const order = event.data as OrderEventData;
      if (order.memberId) await closeOrder(deps, tx, { orderId: order.orderId, memberId: order.memberId });
    }),
    consumeOnce(deps, ['RefundSucceeded'], 'members.refund-succeeded', (tx, event) =>
      recordRefund(deps, tx, event.data as RefundSucceededData),
    ),
    consumeOnce(deps, ['ReservationExpired'], 'members.reservation-expired', (tx, event) =>
      releaseUnconfirmedDiscounts(deps, tx, (event.data as ReservationExpiredData).reference),
    ),
    deps.bus.subscribe(['OrderShipped'], (event) => queueOrderShippedMessage(deps.db, event.data as OrderShippedData), {
      queue: 'members.notify-order-shipped',
    }),
    deps.bus.subscribe(['CouponIssued'], (event) => queueCouponIssuedMessage(deps.db, event.data as CouponIssuedData), {
      queue: 'members.notify-coupon-issued',
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
