import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { InvoiceKind } from './entities/invoice.entity.ts';

/**
 * Invoice numbers: one series per (type, year), INV-2026-000001 for invoices
 * and CN-2026-000001 for credit notes, the year in China Standard Time
 * (UTC+8, no daylight saving), where the tax period is. Each series' counter
 * row is bumped by an UPDATE inside the transaction that issues the
 * document: on MySQL its row lock serializes concurrent issues until commit,
 * on SQLite the single writer does. A rolled-back issue gives its number back,
 * so a series has no gaps and no duplicates (a unique index on
 * (series, sequence_number) repeats the rule).
 */
const PREFIX: Record<InvoiceKind, string> = { INVOICE: 'INV', CREDIT_NOTE: 'CN' };
const CHINA_STANDARD_TIME_OFFSET_MS = 8 * 3_600_000;

export function seriesOf(kind: InvoiceKind, at: Date): string {
  return `${PREFIX[kind]}-${new Date(at.getTime() + CHINA_STANDARD_TIME_OFFSET_MS).getUTCFullYear()}`;
}

export const formatNumber = (series: string, sequence: number) => `${series}-${String(sequence).padStart(6, '0')}`;

/**
 * Creates the series' counter row if it is missing, in its own statement
 * outside the issuing transaction: on MySQL, racing transactions that each
 * found no row and then inserted it would deadlock on the gap between them.
 */
export async function ensureSeries(db: Database, series: string): Promise<void> {
  await db.transaction(db.fork(), (tx) =>
    db.run(tx, `${db.insertIgnore} invoice_number_sequence (series, last_value) values (?, 0)`, [series]),
  );
}

/** Inside `tx`: the next number of the series (ensureSeries must have run). */
export async function nextNumber(db: Database, tx: EntityManager, series: string): Promise<{ sequence: number; number: string }> {
  const bumped = await db.run(tx, 'update invoice_number_sequence set last_value = last_value + 1 where series = ?', [series]);
  if (bumped !== 1) throw new Error(`invoice series ${series} has no counter row`);
  const [row] = await db.execute<{ last_value: number | string }>(tx, 'select last_value from invoice_number_sequence where series = ?', [
    series,
  ]);
  const sequence = Number(row!.last_value);
  return { sequence, number: formatNumber(series, sequence) };
}
