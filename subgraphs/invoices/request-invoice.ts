import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { callerKey } from '../../platform/db/idempotency.ts';
import { quoted } from '../../platform/graphql/excerpt.ts';
import { UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkText, EMAIL } from '../../platform/graphql/validation.ts';
import { PeerUnavailable } from '../../platform/http/service-client.ts';
import { newId } from '../../platform/values/ids.ts';
import { canWriteInvoices, isBuyer } from './access.ts';
import type { InvoicesContext } from './context.ts';
import { type BuyerType, type Invoice, InvoiceEntity } from './entities/invoice.entity.ts';
import { type InvoiceErrorCode, type InvoicePayload, refuse, unavailable } from './errors.ts';
import { INVOICEABLE_ORDER_STATUSES, type OrderToInvoice, orderToInvoice } from './peers.ts';
import { refundedOf } from './refunds.ts';
import { checkTaxId } from './tax-id.ts';

/** A buyer (or staff) asked for an invoice of the order: it now lists a REQUESTED invoice. */
export const INVOICE_REQUESTED = 'InvoiceRequested';
export type InvoiceRequestedData = { invoiceId: string; orderId: string; memberId: string | null };

export type RequestInvoiceInput = {
  orderId: string;
  buyer: { name: string; taxId?: string | null; email: string; type?: BuyerType | null };
};

/**
 * The buyer asks for an invoice: every field is checked first, then orders
 * says whose the order is and whether it was paid; one insert claims the
 * order's single open-invoice slot (a unique index), so two racing requests
 * give one invoice and one INVOICE_EXISTS. InvoiceRequested is recorded in
 * that transaction: the order's invoices changed (the router's entity cache
 * drops its answers of them by it).
 */
export async function requestInvoice(ctx: InvoicesContext, input: RequestInvoiceInput): Promise<InvoicePayload> {
  const errors = new UserErrors<InvoiceErrorCode>();
  const orderId = checkText(errors, 'input.orderId', input.orderId, 36);
  const name = checkText(errors, 'input.buyer.name', input.buyer.name, 200);
  const email = input.buyer.email.trim();
  if (!EMAIL.test(email) || email.length > 254) {
    errors.add('INVALID_VALUE', 'input.buyer.email', `input.buyer.email must be an email address; received ${quoted(input.buyer.email)}`);
  }
  const type: BuyerType = input.buyer.type ?? (input.buyer.taxId?.trim() ? 'COMPANY' : 'PERSON');
  const taxId = checkTaxId(type, input.buyer.taxId);
  if (!taxId.ok) errors.add('INVALID_TAX_ID', 'input.buyer.taxId', taxId.message);
  if (errors.any || !taxId.ok) return { invoice: null, userErrors: errors.list };

  const staff = canWriteInvoices(ctx.identity);
  if (!staff && ctx.identity.kind !== 'member') {
    return refuse(
      'NOT_ALLOWED',
      null,
      `members request invoices of their own orders; staff need invoices:write (the caller is ${ctx.identity.kind})`,
    );
  }
  let order: OrderToInvoice | null;
  try {
    order = await orderToInvoice(ctx, orderId);
  } catch (error) {
    if (error instanceof PeerUnavailable) return unavailable(error);
    throw error;
  }
  if (!order || (!staff && !isBuyer(ctx.identity, order.memberId))) {
    return refuse('UNKNOWN_ORDER', 'input.orderId', `no order with id "${orderId}" that you may ask an invoice for`);
  }
  const refusal = await notInvoiceable(ctx, order);
  if (refusal) return refusal;
  const open = await openInvoice(ctx, order.id);
  if (open) return exists(order, open);

  let invoice: Invoice;
  try {
    invoice = await ctx.db.transaction(ctx.em, async (tx) => {
      const now = new Date();
      const created = tx.create(InvoiceEntity, {
        id: newId(),
        kind: 'INVOICE',
        status: 'REQUESTED',
        orderId: order.id,
        orderNumber: order.number,
        memberId: order.memberId,
        activeOrderId: order.id,
        buyerType: type,
        buyerName: name,
        buyerTaxId: taxId.taxId,
        buyerEmail: email,
        requestedBy: callerKey(ctx.identity),
        series: null,
        sequenceNumber: null,
        number: null,
        currency: null,
        subtotalMinor: null,
        taxMinor: null,
        totalMinor: null,
        creditedInvoiceId: null,
        creditNoteId: null,
        refundId: null,
        reason: null,
        rejectionReason: null,
        issuedBy: null,
        issuedAt: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      ctx.events.record<InvoiceRequestedData>(tx, INVOICE_REQUESTED, order.id, {
        invoiceId: created.id,
        orderId: order.id,
        memberId: order.memberId,
      });
      return created;
    });
  } catch (error) {
    ctx.em.clear();
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    const winner = await openInvoice(ctx, order.id);
    if (winner) return exists(order, winner);
    throw error;
  }
  return { invoice, userErrors: [] };
}

/** Paid (and not cancelled, returned or refunded in full): the rule for requesting and for issuing. */
export async function notInvoiceable(ctx: InvoicesContext, order: OrderToInvoice): Promise<InvoicePayload | null> {
  if (!INVOICEABLE_ORDER_STATUSES.includes(order.status)) {
    return refuse(
      'ORDER_NOT_INVOICEABLE',
      'input.orderId',
      `order ${order.number} is ${order.status}; invoices are for ${INVOICEABLE_ORDER_STATUSES.join(', ')} orders`,
    );
  }
  const refunded = await refundedOf(ctx.db, ctx.em, order.id);
  if (refunded.full || refunded.minor >= order.totalMinor) {
    return refuse('ORDER_NOT_INVOICEABLE', 'input.orderId', `order ${order.number} was refunded in full; there is nothing to invoice`);
  }
  return null;
}

const openInvoice = (ctx: InvoicesContext, orderId: string) => ctx.em.findOne(InvoiceEntity, { activeOrderId: orderId }, { refresh: true });

function exists(order: OrderToInvoice, open: Invoice): InvoicePayload {
  const what = open.status === 'REQUESTED' ? `an open request (${open.id})` : `invoice ${open.number} (${open.id})`;
  return refuse(
    'INVOICE_EXISTS',
    'input.orderId',
    `order ${order.number} already has ${what}; an order has one open request or valid invoice (reject or void it first)`,
  );
}
