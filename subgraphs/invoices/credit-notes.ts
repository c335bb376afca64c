import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { newId } from '../../platform/values/ids.ts';
import { creditLines, type RemainingLine } from './amounts.ts';
import { type Invoice, InvoiceEntity, InvoiceLineEntity } from './entities/invoice.entity.ts';
import { creditsByLine, lineAmounts, lockIssuedId, markVoided } from './invoice-repository.ts';
import { nextNumber, seriesOf } from './numbering.ts';

/**
 * Credit notes (red-letter invoices). An issued invoice is never edited or
 * deleted: a credit note with negative amounts, its own number in the CN
 * series and lines that reference the invoice's lines takes back all that is
 * left of it (voidInvoice, a full refund) or part (a partial refund). When
 * nothing is left, the invoice becomes VOIDED and links its last credit note.
 *
 * Callers lock the invoice first (`lockIssued`, the transaction's first
 * statement), so two credits of one invoice never both see the same
 * remainder; on MySQL the reads (invoice-repository.ts) are locking reads,
 * which see the latest committed rows rather than the transaction's snapshot.
 */
export const INVOICE_ISSUED = 'InvoiceIssued';
export const INVOICE_VOIDED = 'InvoiceVoided';

export type InvoiceIssuedData = {
  invoiceId: string;
  kind: string;
  number: string;
  orderId: string;
  memberId: string | null;
  total: { minor: number; currency: string };
  creditedInvoiceId: string | null;
  refundId: string | null;
};
export type InvoiceVoidedData = {
  invoiceId: string;
  number: string;
  orderId: string;
  creditNoteId: string;
  creditNoteNumber: string;
  reason: string;
};

export type CreditDeps = { db: Database; events: EventRecorder };

/** Inside `tx`, as its first statement: locks an ISSUED invoice (by id or the order's), or resolves null. */
export async function lockIssued(deps: CreditDeps, tx: EntityManager, by: { id: string } | { orderId: string }): Promise<Invoice | null> {
  const id = await lockIssuedId(deps.db, tx, by);
  return id ? tx.findOneOrFail(InvoiceEntity, { id }, { refresh: true }) : null;
}

/** What is left of each line of `invoice` after its credit notes so far. */
export async function remainingLines(deps: CreditDeps, tx: EntityManager, invoice: Invoice): Promise<RemainingLine[]> {
  const lines = await lineAmounts(deps.db, tx, invoice.id);
  const byLine = new Map((await creditsByLine(deps.db, tx, invoice.id)).map((credit) => [credit.lineId, credit]));
  return lines.map((line) => {
    const credit = byLine.get(line.id);
    return {
      lineId: line.id,
      quantity: line.quantity,
      amountMinor: line.amountMinor + (credit?.amountMinor ?? 0),
      taxMinor: line.taxMinor + (credit?.taxMinor ?? 0),
      fullyUncredited: !credit,
    };
  });
}

/**
 * Inside `tx`, with `invoice` locked: issues a credit note for `credit` minor
 * units of what remains ('rest': all of it). Resolves null when nothing
 * remains. Callers create the series' counter row beforehand (prepareSequence, platform/db/sequence.ts),
 * so racing first credit notes of a year do not deadlock on MySQL.
 */
export async function issueCreditNote(
  deps: CreditDeps,
  tx: EntityManager,
  invoice: Invoice,
  credit: number | 'rest',
  details: { reason: string; refundId: string | null; issuedBy: string; at: Date; id?: string },
): Promise<Invoice | null> {
  const remaining = (await remainingLines(deps, tx, invoice)).filter((line) => line.amountMinor > 0);
  const remainingTotal = remaining.reduce((sum, line) => sum + line.amountMinor, 0);
  const amount = credit === 'rest' ? remainingTotal : Math.min(credit, remainingTotal);
  if (amount <= 0) return null;
  const lines = creditLines(remaining, amount);
  const originals = new Map((await tx.find(InvoiceLineEntity, { invoiceId: invoice.id })).map((line) => [line.id, line]));
  const { series, sequence, number } = await nextNumber(deps.db, tx, seriesOf('CREDIT_NOTE', details.at));
  const creditNote = tx.create(InvoiceEntity, {
    id: details.id ?? newId(),
    kind: 'CREDIT_NOTE',
    status: 'ISSUED',
    orderId: invoice.orderId,
    orderNumber: invoice.orderNumber,
    memberId: invoice.memberId,
    activeOrderId: null,
    buyerType: invoice.buyerType,
    buyerName: invoice.buyerName,
    buyerTaxId: invoice.buyerTaxId,
    buyerEmail: invoice.buyerEmail,
    requestedBy: details.issuedBy,
    series,
    sequenceNumber: sequence,
    number,
    currency: invoice.currency,
    subtotalMinor: lines.reduce((sum, line) => sum + line.netMinor, 0),
    taxMinor: lines.reduce((sum, line) => sum + line.taxMinor, 0),
    totalMinor: -amount,
    creditedInvoiceId: invoice.id,
    creditNoteId: null,
    refundId: details.refundId,
    reason: details.reason.slice(0, 500),
    rejectionReason: null,
    issuedBy: details.issuedBy,
    issuedAt: details.at,
    version: 1,
    createdAt: details.at,
    updatedAt: details.at,
  });
  // The entities declare no relations, so the unit of work does not know the lines need their invoice first.
  await tx.flush();
  lines.forEach((line, position) => {
    const original = originals.get(line.lineId)!;
    tx.create(InvoiceLineEntity, {
      id: newId(),
      invoiceId: creditNote.id,
      position,
      skuCode: original.skuCode,
      description: original.description,
      quantity: line.quantity,
      unitPriceMinor: original.unitPriceMinor,
      discountMinor: 0,
      amountMinor: line.amountMinor,
      taxRateBp: original.taxRateBp,
      taxMinor: line.taxMinor,
      netMinor: line.netMinor,
      creditedLineId: line.lineId,
    });
  });
  await tx.flush();
  deps.events.record<InvoiceIssuedData>(tx, INVOICE_ISSUED, invoice.orderId, {
    invoiceId: creditNote.id,
    kind: 'CREDIT_NOTE',
    number,
    orderId: invoice.orderId,
    memberId: invoice.memberId ?? null,
    total: { minor: -amount, currency: invoice.currency! },
    creditedInvoiceId: invoice.id,
    refundId: details.refundId,
  });
  if (amount === remainingTotal) {
    // Nothing is left: the invoice is cancelled, and the order may be invoiced anew.
    await markVoided(deps.db, tx, invoice.id, creditNote.id, details.at);
    deps.events.record<InvoiceVoidedData>(tx, INVOICE_VOIDED, invoice.orderId, {
      invoiceId: invoice.id,
      number: invoice.number!,
      orderId: invoice.orderId,
      creditNoteId: creditNote.id,
      creditNoteNumber: number,
      reason: details.reason,
    });
  }
  return creditNote;
}
