import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { handleOnce } from '../../platform/events/processed-events.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { newId } from '../../platform/values/ids.ts';
import { type CreditDeps, forUpdate, issueCreditNote, lockIssued } from './credit-notes.ts';
import type { Invoice } from './entities/invoice.entity.ts';
import { ensureSeries, seriesOf } from './numbering.ts';

/**
 * Refunds become credit notes. Payments' RefundSucceeded (subgraphs/payments/settlement.ts)
 * is kept for every order in `order_refund`; if the order has an issued
 * invoice, a credit note for the refund is issued in the same transaction
 * (a full refund: everything left of the invoice; a partial one: its amount,
 * spread over the lines in proportion). An order invoiced later gets the
 * credit notes of its earlier refunds when it is issued (issue-invoice.ts).
 * Marking the refund credited is a conditional UPDATE, so a refund is
 * credited once, whichever of the two paths gets there first.
 */
export const REFUND_SUCCEEDED = 'RefundSucceeded';
export const REFUND_CONSUMER = 'invoices.refund-succeeded';

type RefundSucceededData = {
  refundId: string;
  paymentId: string;
  orderId: string;
  amount: { minor: number; currency: string };
  full: boolean;
};

export type RefundRow = { refund_id: string; amount_minor: number | string; full_refund: number | boolean | string };

/** What payments has refunded of the order so far, as far as invoices has heard. */
export async function refundedOf(db: Database, em: EntityManager, orderId: string): Promise<{ minor: number; full: boolean }> {
  const rows = await db.execute<RefundRow>(em, 'select refund_id, amount_minor, full_refund from order_refund where order_id = ?', [
    orderId,
  ]);
  return {
    minor: rows.reduce((sum, row) => sum + Number(row.amount_minor), 0),
    full: rows.some((row) => isFull(row)),
  };
}

const isFull = (row: RefundRow) => row.full_refund === true || Number(row.full_refund) === 1;

/** Inside `tx`, with the invoice locked: credits the refund unless a credit note covers it already. */
export async function creditRefund(deps: CreditDeps, tx: EntityManager, invoice: Invoice, refund: RefundRow, at: Date) {
  const creditNoteId = newId();
  const claimed = await deps.db.run(tx, 'update order_refund set credit_note_id = ? where refund_id = ? and credit_note_id is null', [
    creditNoteId,
    refund.refund_id,
  ]);
  if (claimed !== 1) return null;
  return issueCreditNote(deps, tx, invoice, isFull(refund) ? 'rest' : Number(refund.amount_minor), {
    id: creditNoteId,
    reason: `refund ${refund.refund_id}${isFull(refund) ? ' (the rest of the order)' : ''}`,
    refundId: refund.refund_id,
    issuedBy: 'system:payments',
    at,
  });
}

/** Inside `tx`, with the invoice locked: credits every refund of its order that no credit note covers yet. */
export async function creditEarlierRefunds(deps: CreditDeps, tx: EntityManager, invoice: Invoice, at: Date) {
  const refunds = await deps.db.execute<RefundRow>(
    tx,
    `select refund_id, amount_minor, full_refund from order_refund where order_id = ? and credit_note_id is null order by received_at, refund_id${forUpdate(deps.db)}`,
    [invoice.orderId],
  );
  for (const refund of refunds) await creditRefund(deps, tx, invoice, refund, at);
}

export async function receiveRefund(deps: CreditDeps, event: DomainEvent): Promise<void> {
  const data = event.data as RefundSucceededData;
  const at = new Date();
  await ensureSeries(deps.db, seriesOf('CREDIT_NOTE', at));
  await retryOnLockConflict(() =>
    handleOnce(deps.db, REFUND_CONSUMER, event, async (tx) => {
      await deps.db.run(
        tx,
        `${deps.db.insertIgnore} order_refund (refund_id, order_id, payment_id, amount_minor, currency, full_refund, credit_note_id, received_at)
         values (?, ?, ?, ?, ?, ?, null, ?)`,
        [data.refundId, data.orderId, data.paymentId, data.amount.minor, data.amount.currency, data.full ? 1 : 0, deps.db.sqlDate(at)],
      );
      const invoice = await lockIssued(deps, tx, { orderId: data.orderId });
      if (!invoice) return; // not invoiced (yet): issuing will credit it
      const [refund] = await deps.db.execute<RefundRow>(
        tx,
        `select refund_id, amount_minor, full_refund from order_refund where refund_id = ?${forUpdate(deps.db)}`,
        [data.refundId],
      );
      if (refund) await creditRefund(deps, tx, invoice, refund, at);
    }),
  );
}

export function startInvoicesBackground(services: {
  db: Database;
  bus: EventBus;
  events: EventRecorder;
  log: Logger;
}): () => Promise<void> {
  const deps: CreditDeps = { db: services.db, events: services.events };
  // A named queue: with RabbitMQ each refund is handled by one invoices instance.
  const unsubscribe = services.bus.subscribe([REFUND_SUCCEEDED], (event) => receiveRefund(deps, event), {
    queue: REFUND_CONSUMER,
  });
  return async () => {
    unsubscribe();
  };
}
