import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import { callerKey } from '../../platform/db/idempotency.ts';
import { prepareSequence } from '../../platform/db/sequence.ts';
import { UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkText } from '../../platform/graphql/validation.ts';
import type { InvoicesContext } from './context.ts';
import { issueCreditNote, lockIssued } from './credit-notes.ts';
import { type Invoice, InvoiceEntity } from './entities/invoice.entity.ts';
import type { InvoiceErrorCode, InvoicePayload } from './errors.ts';
import { refuse } from './errors.ts';
import { rejectRequested } from './invoice-repository.ts';
import { seriesOf } from './numbering.ts';

/**
 * Staff's answers to an invoice besides issuing it: rejecting a request (the
 * buyer may correct it and ask again), and voiding an issued invoice by a
 * credit note for what remains of it. Both are conditional UPDATEs from the
 * status they start from: a stale or repeated call changes nothing and says why.
 */
type ReasonInput = { invoiceId: string; reason: string };

/** Staff refused a request: the order's invoice shows REJECTED with the reason (recorded in the rejecting transaction). */
export const INVOICE_REJECTED = 'InvoiceRejected';
export type InvoiceRejectedData = { invoiceId: string; orderId: string; memberId: string | null; reason: string };

function checkReasonInput(input: ReasonInput) {
  const errors = new UserErrors<InvoiceErrorCode>();
  const invoiceId = checkText(errors, 'input.invoiceId', input.invoiceId, 36);
  const reason = checkText(errors, 'input.reason', input.reason, 500);
  return { errors, invoiceId, reason };
}

const describe = (invoice: Invoice) =>
  invoice.number ? `${invoice.kind === 'CREDIT_NOTE' ? 'credit note' : 'invoice'} ${invoice.number}` : `invoice request ${invoice.id}`;

export async function rejectInvoice(ctx: InvoicesContext, input: ReasonInput): Promise<InvoicePayload> {
  const { errors, invoiceId, reason } = checkReasonInput(input);
  if (errors.any) return { invoice: null, userErrors: errors.list };
  const now = new Date();
  const rejected = await ctx.db.transaction(ctx.db.fork(), async (tx) => {
    if (!(await rejectRequested(ctx.db, tx, invoiceId, reason, now))) return false;
    const { orderId, memberId } = await tx.findOneOrFail(InvoiceEntity, { id: invoiceId }, { refresh: true });
    ctx.events.record<InvoiceRejectedData>(tx, INVOICE_REJECTED, orderId, { invoiceId, orderId, memberId: memberId ?? null, reason });
    return true;
  });
  const invoice = await ctx.db.fork().findOne(InvoiceEntity, { id: invoiceId });
  if (!invoice) return refuse('UNKNOWN_INVOICE', 'input.invoiceId', `no invoice with id "${invoiceId}"`);
  if (!rejected) {
    return refuse(
      'INVALID_STATE_TRANSITION',
      'input.invoiceId',
      `${describe(invoice)} is ${invoice.status}; only a REQUESTED invoice can be rejected`,
    );
  }
  return { invoice, userErrors: [] };
}

export async function voidInvoice(ctx: InvoicesContext, input: ReasonInput): Promise<InvoicePayload> {
  const { errors, invoiceId, reason } = checkReasonInput(input);
  if (errors.any) return { invoice: null, userErrors: errors.list };
  const before = await ctx.db.fork().findOne(InvoiceEntity, { id: invoiceId });
  if (!before) return refuse('UNKNOWN_INVOICE', 'input.invoiceId', `no invoice with id "${invoiceId}"`);
  const now = new Date();
  await prepareSequence(ctx.db, seriesOf('CREDIT_NOTE', now));
  const creditNote = await retryOnLockConflict(() =>
    ctx.db.transaction(ctx.db.fork(), async (tx) => {
      const invoice = await lockIssued(ctx, tx, { id: invoiceId });
      if (!invoice) return null;
      return issueCreditNote(ctx, tx, invoice, 'rest', { reason, refundId: null, issuedBy: callerKey(ctx.identity), at: now });
    }),
  );
  const invoice = await ctx.db.fork().findOneOrFail(InvoiceEntity, { id: invoiceId });
  if (!creditNote) {
    const hint =
      invoice.kind === 'CREDIT_NOTE'
        ? 'a credit note cannot be voided'
        : invoice.status === 'REQUESTED'
          ? 'a request is not a legal document yet: reject it instead'
          : 'only an ISSUED invoice can be voided';
    return refuse('INVALID_STATE_TRANSITION', 'input.invoiceId', `${describe(invoice)} is ${invoice.status}; ${hint}`);
  }
  return { invoice, userErrors: [] };
}
