import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { ReservationStatus } from './entities/reservation.entity.ts';

/**
 * The hand-written statements on `reservation`: status and expiry change only
 * by conditional updates from ACTIVE, so of two racing changes (or a change
 * and the sweeper) exactly one applies. Each resolves with the rows changed:
 * 1 when it applied, 0 when the reservation was not (or no longer) eligible.
 */

/** Ends an ACTIVE reservation as `to`; a commit only while it has not expired at `now`. */
export function endActiveReservation(
  db: Database,
  tx: EntityManager,
  reference: string,
  to: Exclude<ReservationStatus, 'ACTIVE'>,
  now: Date,
): Promise<number> {
  const expiryGuard = to === 'COMMITTED' ? ' and expires_at > ?' : '';
  const params: unknown[] = [to, db.sqlDate(now), reference, 'ACTIVE'];
  if (to === 'COMMITTED') params.push(db.sqlDate(now));
  return db.run(tx, `update reservation set status = ?, updated_at = ? where reference = ? and status = ?${expiryGuard}`, params);
}

/** Moves an ACTIVE reservation's expiry to `until`, only while it has not expired at `now` and only if that is later. */
export function extendActiveReservation(db: Database, tx: EntityManager, reference: string, now: Date, until: Date): Promise<number> {
  return db.run(
    tx,
    "update reservation set expires_at = ?, updated_at = ? where reference = ? and status = 'ACTIVE' and expires_at > ? and expires_at < ?",
    [db.sqlDate(until), db.sqlDate(now), reference, db.sqlDate(now), db.sqlDate(until)],
  );
}
