import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { REFUND_CONSUMER, receiveRefund } from './refunds.ts';

/*
 * Every event the invoices subgraph publishes and consumes, in one place.
 *
 * Published (through the outbox, in the transaction that makes the change):
 * InvoiceRequested (a request created), InvoiceRejected (a request refused),
 * InvoiceIssued, for an invoice and for a credit note alike (its `kind`
 * says which), and InvoiceVoided, with the data types below. These are every
 * change to what an invoice shows, and each names its `orderId`: the router's
 * entity cache keeps an order's invoices (`Order.invoices`) until one of them
 * names the order, so a new kind of change to an invoice needs its event here.
 */
export { INVOICE_ISSUED, INVOICE_VOIDED, type InvoiceIssuedData, type InvoiceVoidedData } from './credit-notes.ts';
export { INVOICE_REQUESTED, type InvoiceRequestedData } from './request-invoice.ts';
export { INVOICE_REJECTED, type InvoiceRejectedData } from './review.ts';

/** Payments' RefundSucceeded: money went back, so the order's invoice gets a credit note. */
export const REFUND_SUCCEEDED = 'RefundSucceeded';

/**
 * Subscribes invoices to what other subgraphs announce. A named queue: with
 * RabbitMQ each refund is handled by one invoices instance, and
 * receiveRefund takes effect once per event however often it is delivered.
 */
export function startInvoicesConsumers(services: { db: Database; bus: EventBus; events: EventRecorder }): () => void {
  const deps = { db: services.db, events: services.events };
  return services.bus.subscribe([REFUND_SUCCEEDED], (event) => receiveRefund(deps, event), { queue: REFUND_CONSUMER });
}
