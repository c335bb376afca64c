import type { Database } from '../../../platform/db/database.ts';
import type { EventBus } from '../../../platform/events/bus.ts';
import type { DomainEvent } from '../../../platform/events/event.ts';
import { enqueueNotification } from './notifications.ts';

/** What orders' OrderShipped carries that a message needs (subgraphs/orders/order-state.ts). */
type OrderShipped = { orderId: string; number: string; memberId: string | null };
/** The members CouponIssued event (coupons.ts). */
type CouponIssued = { couponId: string; memberId: string; code: string; campaign: string; validUntil: string };

const day = (iso: string) => iso.slice(0, 10);

/**
 * Turns events into queued messages. The queue row's unique cause key makes
 * a redelivered event harmless; named queues mean one members instance
 * handles each event.
 */
export function startNotificationConsumers(deps: { db: Database; bus: EventBus }): () => void {
  const queue = (dedupeKey: string, notification: Omit<Parameters<typeof enqueueNotification>[2], 'dedupeKey'>) =>
    deps.db.transaction(deps.db.fork(), (tx) => enqueueNotification(deps.db, tx, { ...notification, dedupeKey }));
  const unsubscribers = [
    deps.bus.subscribe(
      ['OrderShipped'],
      async (event: DomainEvent) => {
        const data = event.data as OrderShipped;
        if (!data.memberId) return; // a guest's order: nobody to text
        await queue(`order-shipped:${data.orderId}`, {
          memberId: data.memberId,
          kind: 'ORDER_SHIPPED',
          text: `Your order ${data.number} has shipped.`,
        });
      },
      { queue: 'members.notify-order-shipped' },
    ),
    deps.bus.subscribe(
      ['CouponIssued'],
      async (event: DomainEvent) => {
        const data = event.data as CouponIssued;
        await queue(`coupon-issued:${data.couponId}`, {
          memberId: data.memberId,
          kind: 'COUPON_ISSUED',
          text: `You have a new coupon (${data.campaign}): code ${data.code}, valid until ${day(data.validUntil)}.`,
        });
      },
      { queue: 'members.notify-coupon-issued' },
    ),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
