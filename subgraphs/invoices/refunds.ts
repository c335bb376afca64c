import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../platform/db/database.ts';
import { prepareSequence } from '../../platform/db/sequence.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import { handleOnce } from '../../platform/events/processed-events.ts';
import { newId } from '../../platform/values/ids.ts';
import { type CreditDeps, issueCreditNote, lockIssued } from './credit-notes.ts';
import type { Invoice } from './entities/invoice.entity.ts';
import { seriesOf } from './numbering.ts';
import {
  claimForCreditNote,
  lockRefund,
  type OrderRefund,
  recordRefund,
  refundsOfOrder,
  uncreditedRefundsOfOrder,
} from './order-refund-repository.ts';

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
export const REFUND_CONSUMER = 'invoices.refund-succeeded';

export type RefundSucceededData = {
  refundId: string;
  paymentId: string;
  orderId: string;
  amount: { minor: number; currency: string };
  full: boolean;
};

/** What payments has refunded of the order so far, as far as invoices has heard. */
export async function refundedOf(db: Database, em: EntityManager, orderId: string): Promise<{ minor: number; full: boolean }> {
  const refunds = await refundsOfOrder(db, em, orderId);
  return {
    minor: refunds.reduce((sum, refund) => sum + refund.amountMinor, 0),
    full: refunds.some((refund) => refund.full),
  };
}

/** Inside `tx`, with the invoice locked: credits the refund unless a credit note covers it already. */
export async function creditRefund(deps: CreditDeps, tx: EntityManager, invoice: Invoice, refund: OrderRefund, at: Date) {
  const creditNoteId = newId();
  if (!(await claimForCreditNote(deps.db, tx, refund.refundId, creditNoteId))) return null;
  return issueCreditNote(deps, tx, invoice, refund.full ? 'rest' : refund.amountMinor, {
    id: creditNoteId,
    reason: `refund ${refund.refundId}${refund.full ? ' (the rest of the order)' : ''}`,
    refundId: refund.refundId,
    issuedBy: 'system:payments',
    at,
  });
}

/** Inside `tx`, with the invoice locked: credits every refund of its order that no credit note covers yet. */
export async function creditEarlierRefunds(deps: CreditDeps, tx: EntityManager, invoice: Invoice, at: Date) {
  for (const refund of await uncreditedRefundsOfOrder(deps.db, tx, invoice.orderId)) await creditRefund(deps, tx, invoice, refund, at);
}

export async function receiveRefund(deps: CreditDeps, event: DomainEvent): Promise<void> {
  const data = event.data as RefundSucceededData;
  const at = new Date();
  await prepareSequence(deps.db, seriesOf('CREDIT_NOTE', at));
  await retryOnLockConflict(() =>
    handleOnce(deps.db, REFUND_CONSUMER, event, async (tx) => {
      await recordRefund(deps.db, tx, {
        refundId: data.refundId,
        orderId: data.orderId,
        paymentId: data.paymentId,
        amountMinor: data.amount.minor,
        currency: data.amount.currency,
        full: data.full,
        receivedAt: at,
      });
      const invoice = await lockIssued(deps, tx, { orderId: data.orderId });
      if (!invoice) return; // not invoiced (yet): issuing will credit it
      const refund = await lockRefund(deps.db, tx, data.refundId);
      if (refund) await creditRefund(deps, tx, invoice, refund, at);
    }),
  );
}
