import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import { callerKey } from '../../platform/db/idempotency.ts';
import { prepareSequence } from '../../platform/db/sequence.ts';
import { UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkText } from '../../platform/graphql/validation.ts';
import { PeerUnavailable } from '../../platform/http/service-client.ts';
import { newId } from '../../platform/values/ids.ts';
import { priceLines, totalsOf } from './amounts.ts';
import type { InvoicesContext } from './context.ts';
import { INVOICE_ISSUED, type InvoiceIssuedData } from './credit-notes.ts';
import { type Invoice, InvoiceEntity, InvoiceLineEntity } from './entities/invoice.entity.ts';
import { type InvoiceErrorCode, type InvoicePayload, refuse, unavailable } from './errors.ts';
import { claimRequested, markIssued } from './invoice-repository.ts';
import { nextNumber, seriesOf } from './numbering.ts';
import { describeLines, orderToInvoice } from './peers.ts';
import { creditEarlierRefunds } from './refunds.ts';
import { notInvoiceable } from './request-invoice.ts';

/**
 * Issues a requested invoice, in steps that write nothing until the last:
 * 1. the request must be REQUESTED, its order still paid and not refunded in
 *    full (orders), its lines described and taxed (catalogue);
 * 2. the amounts are fixed (amounts.ts) and must add up to the order's total;
 * 3. one transaction: a conditional UPDATE claims the request (so issuing
 *    twice, or racing, issues once), the series' counter gives the next
 *    number, the lines and the InvoiceIssued event are written, and refunds
 *    payments made before the invoice existed get their credit notes.
 */
export async function issueInvoice(ctx: InvoicesContext, input: { invoiceId: string }): Promise<InvoicePayload> {
  const errors = new UserErrors<InvoiceErrorCode>();
  const invoiceId = checkText(errors, 'input.invoiceId', input.invoiceId, 36);
  if (errors.any) return { invoice: null, userErrors: errors.list };
  const request = await ctx.em.findOne(InvoiceEntity, { id: invoiceId });
  if (!request) return refuse('UNKNOWN_INVOICE', 'input.invoiceId', `no invoice with id "${invoiceId}"`);
  if (request.status !== 'REQUESTED') return notRequested(request);

  let priced: ReturnType<typeof priceLines>;
  let currency: string;
  try {
    const order = await orderToInvoice(ctx, request.orderId);
    if (!order) return refuse('UNKNOWN_ORDER', 'input.invoiceId', `order ${request.orderNumber} of invoice ${request.id} no longer exists`);
    const refusal = await notInvoiceable(ctx, order);
    if (refusal) return { invoice: null, userErrors: refusal.userErrors.map((error) => ({ ...error, field: 'input.invoiceId' })) };
    priced = priceLines(await describeLines(ctx, order), order.discountMinor);
    currency = order.currency;
    const totals = totalsOf(priced);
    const linesTotal = order.lines.reduce((sum, line) => sum + line.lineTotalMinor, 0);
    if (linesTotal !== order.subtotalMinor || totals.totalMinor !== order.totalMinor) {
      throw new Error(
        `order ${order.number} does not add up: lines ${linesTotal}, subtotal ${order.subtotalMinor}, ` +
          `discount ${order.discountMinor}, total ${order.totalMinor}, invoice total ${totals.totalMinor}`,
      );
    }
  } catch (error) {
    if (error instanceof PeerUnavailable) return unavailable(error);
    throw error;
  }

  const now = new Date();
  const series = seriesOf('INVOICE', now);
  await prepareSequence(ctx.db, series);
  await prepareSequence(ctx.db, seriesOf('CREDIT_NOTE', now));
  const totals = totalsOf(priced);
  const issued = await retryOnLockConflict(() =>
    ctx.db.transaction(ctx.db.fork(), async (tx) => {
      if (!(await claimRequested(ctx.db, tx, request.id))) return false;
      const { series: seriesName, sequence, number } = await nextNumber(ctx.db, tx, series);
      await markIssued(ctx.db, tx, request.id, {
        series: seriesName,
        sequence,
        number,
        currency,
        subtotalMinor: totals.subtotalMinor,
        taxMinor: totals.taxMinor,
        totalMinor: totals.totalMinor,
        issuedBy: callerKey(ctx.identity),
        at: now,
      });
      priced.forEach((line, position) => {
        tx.create(InvoiceLineEntity, {
          id: newId(),
          invoiceId: request.id,
          position,
          skuCode: line.skuCode,
          description: line.description,
          quantity: line.quantity,
          unitPriceMinor: line.unitPriceMinor,
          discountMinor: line.discountMinor,
          amountMinor: line.amountMinor,
          taxRateBp: line.taxRateBp,
          taxMinor: line.taxMinor,
          netMinor: line.netMinor,
          creditedLineId: null,
        });
      });
      await tx.flush();
      ctx.events.record<InvoiceIssuedData>(tx, INVOICE_ISSUED, request.orderId, {
        invoiceId: request.id,
        kind: 'INVOICE',
        number,
        orderId: request.orderId,
        memberId: request.memberId ?? null,
        total: { minor: totals.totalMinor, currency },
        creditedInvoiceId: null,
        refundId: null,
      });
      const invoice = await tx.findOneOrFail(InvoiceEntity, { id: request.id }, { refresh: true });
      await creditEarlierRefunds(ctx, tx, invoice, now);
      return true;
    }),
  );
  const invoice = await ctx.db.fork().findOneOrFail(InvoiceEntity, { id: request.id });
  if (!issued) return notRequested(invoice);
  return { invoice, userErrors: [] };
}

function notRequested(invoice: Invoice): InvoicePayload {
  const what = invoice.number ? `${invoice.kind === 'CREDIT_NOTE' ? 'credit note' : 'invoice'} ${invoice.number}` : `invoice ${invoice.id}`;
  return refuse(
    'INVALID_STATE_TRANSITION',
    'input.invoiceId',
    `${what} is ${invoice.status}; only a REQUESTED invoice can be issued${invoice.status === 'ISSUED' ? ' (it was issued already)' : ''}`,
  );
}
