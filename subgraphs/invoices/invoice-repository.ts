import type { Database, EntityManager } from '../../platform/db/database.ts';
import { keysetPage } from '../../platform/db/keyset.ts';
import { forUpdate, int } from '../../platform/db/raw-sql.ts';
import type { Connection, PageArgs } from '../../platform/graphql/pagination.ts';
import { type Invoice, InvoiceEntity, type InvoiceKind, type InvoiceStatus } from './entities/invoice.entity.ts';

/**
 * The invoices' hand-written SQL: the conditional UPDATEs that move an
 * invoice from one status to the next (each answers whether it changed the
 * row, so a repeated or racing call changes nothing), and the locking reads
 * credit notes are computed from. Every value is a bound parameter.
 */

export type InvoiceListFilter = { status?: InvoiceStatus | null; kind?: InvoiceKind | null };

/**
 * One page of every invoice matching `filter`, newest request first, by
 * keyset on (created_at, id): the shared helper builds the query through the
 * ORM, so the filter's values and the cursor's key are bound parameters.
 */
export function invoicePage(em: EntityManager, filter: InvoiceListFilter, page: PageArgs): Promise<Connection<Invoice>> {
  const where: Partial<Pick<Invoice, 'status' | 'kind'>> = {};
  if (filter.status) where.status = filter.status;
  if (filter.kind) where.kind = filter.kind;
  return keysetPage(em, InvoiceEntity, where, page, { sortBy: 'createdAt' });
}

/** Inside `tx`: claims a REQUESTED invoice for issuing (its row stays locked until commit). True if this call claimed it. */
export async function claimRequested(db: Database, tx: EntityManager, invoiceId: string): Promise<boolean> {
  return (await db.run(tx, "update invoice set version = version + 1 where id = ? and status = 'REQUESTED'", [invoiceId])) === 1;
}

export type IssuedFields = {
  series: string;
  sequence: number;
  number: string;
  currency: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  issuedBy: string;
  at: Date;
};

/** Inside `tx`, on a claimed invoice: it becomes ISSUED with its number and totals. */
export async function markIssued(db: Database, tx: EntityManager, invoiceId: string, fields: IssuedFields): Promise<void> {
  await db.run(
    tx,
    `update invoice set status = 'ISSUED', series = ?, sequence_number = ?, number = ?, currency = ?,
       subtotal_minor = ?, tax_minor = ?, total_minor = ?, issued_by = ?, issued_at = ?, updated_at = ?
     where id = ?`,
    [
      fields.series,
      fields.sequence,
      fields.number,
      fields.currency,
      fields.subtotalMinor,
      fields.taxMinor,
      fields.totalMinor,
      fields.issuedBy,
      db.sqlDate(fields.at),
      db.sqlDate(fields.at),
      invoiceId,
    ],
  );
}

/** Inside `tx`: REQUESTED -> REJECTED, freeing the order for another request. True if this call changed it. */
export async function rejectRequested(db: Database, tx: EntityManager, invoiceId: string, reason: string, at: Date): Promise<boolean> {
  const changed = await db.run(
    tx,
    `update invoice set status = 'REJECTED', rejection_reason = ?, active_order_id = null, updated_at = ?, version = version + 1
      where id = ? and status = 'REQUESTED'`,
    [reason, db.sqlDate(at), invoiceId],
  );
  return changed === 1;
}

/**
 * Inside `tx`, as its first statement: locks the ISSUED invoice with this id
 * or of this order (a write, so racing credits queue behind it) and resolves
 * its id, or null when there is none.
 */
export async function lockIssuedId(db: Database, tx: EntityManager, by: { id: string } | { orderId: string }): Promise<string | null> {
  // The column comes from this closed choice, never from input.
  const [column, value] = 'id' in by ? ['id', by.id] : ['order_id', by.orderId];
  const locked = await db.run(
    tx,
    `update invoice set version = version + 1 where ${column} = ? and kind = 'INVOICE' and status = 'ISSUED'`,
    [value],
  );
  if (locked !== 1) return null;
  const [row] = await db.execute<{ id: string }>(
    tx,
    `select id from invoice where ${column} = ? and kind = 'INVOICE' and status = 'ISSUED'${forUpdate(db)}`,
    [value],
  );
  return row ? String(row.id) : null;
}

/** Inside `tx`: ISSUED -> VOIDED by its last credit note, freeing the order to be invoiced anew. */
export async function markVoided(db: Database, tx: EntityManager, invoiceId: string, creditNoteId: string, at: Date): Promise<void> {
  await db.run(
    tx,
    `update invoice set status = 'VOIDED', credit_note_id = ?, active_order_id = null, updated_at = ?, version = version + 1
      where id = ? and status = 'ISSUED'`,
    [creditNoteId, db.sqlDate(at), invoiceId],
  );
}

export type LineAmounts = { id: string; quantity: number; amountMinor: number; taxMinor: number };
export type LineCredits = { lineId: string; amountMinor: number; taxMinor: number; credits: number };

/** Inside `tx`: the invoice's own lines, in order, by a locking read (latest committed rows on MySQL). */
export async function lineAmounts(db: Database, tx: EntityManager, invoiceId: string): Promise<LineAmounts[]> {
  const rows = await db.execute<Record<string, unknown>>(
    tx,
    `select id, quantity, amount_minor, tax_minor from invoice_line where invoice_id = ? order by position${forUpdate(db)}`,
    [invoiceId],
  );
  return rows.map((row) => ({
    id: String(row.id),
    quantity: int(row.quantity),
    amountMinor: int(row.amount_minor),
    taxMinor: int(row.tax_minor),
  }));
}

/** Inside `tx`: per line of the invoice, what its credit notes took so far (negative amounts) and how many did. */
export async function creditsByLine(db: Database, tx: EntityManager, invoiceId: string): Promise<LineCredits[]> {
  const rows = await db.execute<Record<string, unknown>>(
    tx,
    `select c.credited_line_id, sum(c.amount_minor) as amount, sum(c.tax_minor) as tax, count(*) as credits
       from invoice_line c join invoice_line o on o.id = c.credited_line_id
      where o.invoice_id = ? group by c.credited_line_id`,
    [invoiceId],
  );
  return rows.map((row) => ({
    lineId: String(row.credited_line_id),
    amountMinor: int(row.amount),
    taxMinor: int(row.tax),
    credits: int(row.credits),
  }));
}
