import type { Database, EntityManager } from '../../platform/db/database.ts';
import { forUpdate, int } from '../../platform/db/raw-sql.ts';

/**
 * `order_refund`: every RefundSucceeded payments sent, kept per order, and the
 * credit note that covers it once there is one. Every value is a bound parameter.
 */
export type OrderRefund = { refundId: string; amountMinor: number; full: boolean };

export type ReceivedRefund = {
  refundId: string;
  orderId: string;
  paymentId: string;
  amountMinor: number;
  currency: string;
  full: boolean;
  receivedAt: Date;
};

const COLUMNS = 'refund_id, amount_minor, full_refund';

const toRefund = (row: Record<string, unknown>): OrderRefund => ({
  refundId: String(row.refund_id),
  amountMinor: int(row.amount_minor),
  // A boolean column reads as 1/0 on both dialects (MySQL may give a string).
  full: row.full_refund === true || int(row.full_refund) === 1,
});

/** The order's refunds as far as invoices has heard. */
export async function refundsOfOrder(db: Database, em: EntityManager, orderId: string): Promise<OrderRefund[]> {
  const rows = await db.execute<Record<string, unknown>>(em, `select ${COLUMNS} from order_refund where order_id = ?`, [orderId]);
  return rows.map(toRefund);
}

/** Inside `tx`: the order's refunds no credit note covers yet, oldest first, by a locking read. */
export async function uncreditedRefundsOfOrder(db: Database, tx: EntityManager, orderId: string): Promise<OrderRefund[]> {
  const rows = await db.execute<Record<string, unknown>>(
    tx,
    `select ${COLUMNS} from order_refund where order_id = ? and credit_note_id is null order by received_at, refund_id${forUpdate(db)}`,
    [orderId],
  );
  return rows.map(toRefund);
}

/** Inside `tx`: one refund by a locking read, or null. */
export async function lockRefund(db: Database, tx: EntityManager, refundId: string): Promise<OrderRefund | null> {
  const [row] = await db.execute<Record<string, unknown>>(tx, `select ${COLUMNS} from order_refund where refund_id = ?${forUpdate(db)}`, [
    refundId,
  ]);
  return row ? toRefund(row) : null;
}

/** Inside `tx`: keeps a refund once (a redelivered event changes nothing). */
export async function recordRefund(db: Database, tx: EntityManager, refund: ReceivedRefund): Promise<void> {
  await db.run(
    tx,
    `${db.insertIgnore} order_refund (refund_id, order_id, payment_id, amount_minor, currency, full_refund, credit_note_id, received_at)
     values (?, ?, ?, ?, ?, ?, null, ?)`,
    [
      refund.refundId,
      refund.orderId,
      refund.paymentId,
      refund.amountMinor,
      refund.currency,
      refund.full ? 1 : 0,
      db.sqlDate(refund.receivedAt),
    ],
  );
}

/** Inside `tx`: names the credit note that will cover the refund, unless one does already. True if this call claimed it. */
export async function claimForCreditNote(db: Database, tx: EntityManager, refundId: string, creditNoteId: string): Promise<boolean> {
  const claimed = await db.run(tx, 'update order_refund set credit_note_id = ? where refund_id = ? and credit_note_id is null', [
    creditNoteId,
    refundId,
  ]);
  return claimed === 1;
}
