import type { Database } from '../../../platform/db/database.ts';
import type { CouponIssuedData, OrderShippedData } from '../events.ts';
import { enqueueNotification, type NewNotification } from './notifications.ts';

const day = (iso: string) => iso.slice(0, 10);

/** Queues a message in a transaction of its own; the unique cause key makes a redelivered event harmless. */
function queue(db: Database, notification: NewNotification): Promise<boolean> {
  return db.transaction(db.fork(), (tx) => enqueueNotification(db, tx, notification));
}

/** OrderShipped: the member hears their order is on its way; a guest's order has nobody to text. */
export async function queueOrderShippedMessage(db: Database, data: OrderShippedData): Promise<void> {
  if (!data.memberId) return;
  await queue(db, {
    memberId: data.memberId,
    kind: 'ORDER_SHIPPED',
    dedupeKey: `order-shipped:${data.orderId}`,
    text: `Your order ${data.number} has shipped.`,
  });
}

/** CouponIssued: the member gets the code. */
export async function queueCouponIssuedMessage(db: Database, data: CouponIssuedData): Promise<void> {
  await queue(db, {
    memberId: data.memberId,
    kind: 'COUPON_ISSUED',
    dedupeKey: `coupon-issued:${data.couponId}`,
    text: `You have a new coupon (${data.campaign}): code ${data.code}, valid until ${day(data.validUntil)}.`,
  });
}
