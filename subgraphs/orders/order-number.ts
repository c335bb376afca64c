import type { Database, EntityManager } from '../../platform/db/database.ts';
import { allocateNext, formatSequenceNumber, yearlySequence } from '../../platform/db/sequence.ts';

/**
 * The next order number of the business year, such as SO-2026-000123, taken
 * inside the order's own transaction (platform/db/sequence.ts): numbers never
 * repeat, and a rolled-back checkout gives its number back. Checkout runs
 * under retryOnLockConflict, so the first checkouts of a year may race to
 * create the year's counter row.
 */
export async function nextOrderNumber(db: Database, tx: EntityManager, now: Date): Promise<string> {
  const series = yearlySequence('SO', now);
  return formatSequenceNumber(series, await allocateNext(db, tx, series));
}
