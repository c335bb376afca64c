import type { Database, EntityManager } from '../../../platform/db/database.ts';

/**
 * The SQL of coupon rows: issuing within the campaign's transaction, and the
 * conditional updates that let one checkout, and only one, redeem a coupon
 * (checkout-discounts.ts). Campaigns and reads of coupons go through the ORM.
 */

/** The members who hold a coupon of the campaign. */
export async function holdersOf(db: Database, tx: EntityManager, campaignId: string): Promise<Set<string>> {
  const rows = await db.execute(tx, 'select member_id from coupon where campaign_id = ?', [campaignId]);
  return new Set(rows.map((row) => String(row.member_id)));
}

export async function insertCoupon(
  db: Database,
  tx: EntityManager,
  coupon: { id: string; campaignId: string; memberId: string; code: string },
  now: Date,
): Promise<void> {
  await db.run(
    tx,
    'insert into coupon (id, campaign_id, member_id, code, redeemed_order_id, redeemed_at, created_at) values (?, ?, ?, ?, null, null, ?)',
    [coupon.id, coupon.campaignId, coupon.memberId, coupon.code, db.sqlDate(now)],
  );
}

/** Redeems the coupon for the order unless it is redeemed already; resolves whether this call did. */
export async function redeem(db: Database, tx: EntityManager, couponId: string, orderId: string, now: Date): Promise<boolean> {
  const taken = await db.run(tx, 'update coupon set redeemed_order_id = ?, redeemed_at = ? where id = ? and redeemed_order_id is null', [
    orderId,
    db.sqlDate(now),
    couponId,
  ]);
  return taken === 1;
}

/** Makes the coupon usable again, if it is still redeemed for this order. */
export async function giveBack(db: Database, tx: EntityManager, couponId: string, orderId: string): Promise<void> {
  await db.run(tx, 'update coupon set redeemed_order_id = null, redeemed_at = null where id = ? and redeemed_order_id = ?', [
    couponId,
    orderId,
  ]);
}
