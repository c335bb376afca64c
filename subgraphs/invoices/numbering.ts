import type { Database, EntityManager } from '../../platform/db/database.ts';
import { allocateNext, formatSequenceNumber, type SequenceKey, seriesLabel, yearlySequence } from '../../platform/db/sequence.ts';
import type { InvoiceKind } from './entities/invoice.entity.ts';

/**
 * Invoice numbers: one series per (type, business year), INV-2026-000001 for
 * invoices and CN-2026-000001 for credit notes (platform/db/sequence.ts says
 * which year). The number is taken inside the transaction that issues the
 * document, so a rolled-back issue gives its number back and a series has no
 * gaps and no duplicates (a unique index on (series, sequence_number) repeats
 * the rule).
 */
const PREFIX: Record<InvoiceKind, string> = { INVOICE: 'INV', CREDIT_NOTE: 'CN' };

export const seriesOf = (kind: InvoiceKind, at: Date): SequenceKey => yearlySequence(PREFIX[kind], at);

/** Inside `tx`: the next number of the series, and the series as the invoice stores it. */
export async function nextNumber(
  db: Database,
  tx: EntityManager,
  series: SequenceKey,
): Promise<{ series: string; sequence: number; number: string }> {
  const sequence = await allocateNext(db, tx, series);
  return { series: seriesLabel(series), sequence, number: formatSequenceNumber(series, sequence) };
}
