import { updateOrCreate } from '../../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { keysetPage } from '../../../platform/db/keyset.ts';
import { transactWithRetry } from '../../../platform/db/raw-sql.ts';
import type { Connection } from '../../../platform/graphql/pagination.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { MembersContext } from '../context.ts';
import { type PointsEntry, PointsEntryEntity } from '../entities/loyalty.entity.ts';
import { mayReadLoyalty } from './access.ts';
import * as pointsRepository from './points-repository.ts';
import { DAY_MS, type LoyaltyDeps } from './support.ts';

/**
 * The points ledger. Rules (issue 5, item 4):
 *
 * - A member's balance is the sum of their ledger entries and is never
 *   negative. It is also kept in `points_account.balance`, changed in the
 *   same transaction as the entries it sums, so that a redemption is one
 *   conditional UPDATE (`balance = balance - n where balance >= n`): of two
 *   checkouts racing for the last points, the database lets one through
 *   (MySQL: the row lock; SQLite: writing transactions are serialized).
 * - Earned points are lots that expire `POINTS_EXPIRY_DAYS` after the
 *   order was paid. A redemption, a reversal and expiry take points from
 *   lots oldest first (the soonest to expire), so `balance` always equals
 *   the sum of the lots' `remaining`.
 * - A redemption remembers the lots it took from (points_allocation); when
 *   it is given back (RESTORED) the points return to those very lots and
 *   keep their expiry, so cancelling an order cannot make points live longer.
 * - A reversal (a refund, a return, a cancellation after payment) takes back
 *   at most what the balance holds: points already spent elsewhere are
 *   written off (counted on the order, order_loyalty.written_off_points),
 *   because the balance must never go negative.
 *
 * Every change of one member's points runs inside a transaction that holds
 * their points_account row first (lockPoints or the conditional UPDATE), so
 * changes of one member are serialized and the lots read after it are current.
 * Its SQL is in points-repository.ts.
 */

/** Holds the member's points account (creating it empty if needed) and returns its balance. */
export async function lockPoints(db: Database, tx: EntityManager, memberId: string, now = new Date()): Promise<number> {
  await updateOrCreate(
    () => pointsRepository.touchAccount(db, tx, memberId, now),
    () => pointsRepository.createAccountIfMissing(db, tx, memberId, now),
  );
  return pointsRepository.lockedBalance(db, tx, memberId);
}

async function addEntry(db: Database, tx: EntityManager, entry: pointsRepository.NewEntry, now: Date): Promise<string> {
  const id = newId();
  await pointsRepository.insertEntry(db, tx, id, entry, now);
  return id;
}

/**
 * Takes `points` from the member's lots, oldest first (`firstLot` before
 * the others when given). The caller has already taken them off the balance,
 * which equals the lots' sum, so the lots always hold enough.
 */
async function takeFromLots(
  db: Database,
  tx: EntityManager,
  memberId: string,
  points: number,
  firstLot: string | null = null,
): Promise<pointsRepository.Allocation[]> {
  const held = await pointsRepository.lockedLots(db, tx, memberId);
  const lots = [...held.filter((lot) => lot.id === firstLot), ...held.filter((lot) => lot.id !== firstLot)];
  const allocations: pointsRepository.Allocation[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    await pointsRepository.takeFromLot(db, tx, lot.id, take);
    allocations.push({ lotId: lot.id, points: take });
    left -= take;
  }
  if (left > 0) throw new Error(`points ledger of member ${memberId}: the balance exceeds its lots by ${left}; nothing was changed`);
  return allocations;
}

/** Credits an order's earned points as a new lot. The caller holds the account (lockPoints). */
export async function earnPoints(
  deps: LoyaltyDeps,
  tx: EntityManager,
  input: { memberId: string; orderId: string; points: number; paidAt: Date },
  now = new Date(),
): Promise<string> {
  const { db } = deps;
  await pointsRepository.changeBalance(db, tx, input.memberId, input.points, now);
  return addEntry(
    db,
    tx,
    {
      memberId: input.memberId,
      delta: input.points,
      reason: 'EARNED',
      orderId: input.orderId,
      expiresAt: new Date(input.paidAt.getTime() + deps.config.pointsExpiryDays * DAY_MS),
      remaining: input.points,
    },
    now,
  );
}

/**
 * Redeems `points` for an order: one conditional UPDATE decides whether the
 * balance holds them. Resolves with the REDEEMED entry's id, or null when the
 * balance is short (nothing changed).
 */
export async function redeemPoints(
  db: Database,
  tx: EntityManager,
  input: { memberId: string; orderId: string; points: number },
  now = new Date(),
): Promise<string | null> {
  if (!(await pointsRepository.changeBalance(db, tx, input.memberId, -input.points, now))) return null;
  const allocations = await takeFromLots(db, tx, input.memberId, input.points);
  const entryId = await addEntry(
    db,
    tx,
    { memberId: input.memberId, delta: -input.points, reason: 'REDEEMED', orderId: input.orderId },
    now,
  );
  for (const allocation of allocations) {
    await pointsRepository.insertAllocation(db, tx, entryId, allocation);
  }
  return entryId;
}

/** Gives a redemption's points back to the lots they came from (RESTORED). The caller makes sure this happens once. */
export async function restorePoints(
  db: Database,
  tx: EntityManager,
  input: { memberId: string; orderId: string; redemptionEntryId: string },
  now = new Date(),
): Promise<number> {
  await lockPoints(db, tx, input.memberId, now);
  const allocations = await pointsRepository.allocationsOf(db, tx, input.redemptionEntryId);
  const total = allocations.reduce((sum, allocation) => sum + allocation.points, 0);
  if (total === 0) return 0;
  await pointsRepository.changeBalance(db, tx, input.memberId, total, now);
  for (const allocation of allocations) await pointsRepository.returnToLot(db, tx, allocation.lotId, allocation.points);
  await addEntry(db, tx, { memberId: input.memberId, delta: total, reason: 'RESTORED', orderId: input.orderId }, now);
  return total;
}

/**
 * Takes back up to `points` earned by an order (REVERSED), from the order's
 * own lot first. Resolves with how many were taken: never more than the
 * balance, the rest is for the caller to write off.
 */
export async function reversePoints(
  db: Database,
  tx: EntityManager,
  input: { memberId: string; orderId: string; points: number; lotId: string | null },
  now = new Date(),
): Promise<number> {
  const balance = await lockPoints(db, tx, input.memberId, now);
  const taken = Math.min(input.points, balance);
  if (taken <= 0) return 0;
  if (!(await pointsRepository.changeBalance(db, tx, input.memberId, -taken, now)))
    throw new Error(`points of member ${input.memberId} changed under a lock`);
  await takeFromLots(db, tx, input.memberId, taken, input.lotId);
  await addEntry(db, tx, { memberId: input.memberId, delta: -taken, reason: 'REVERSED', orderId: input.orderId }, now);
  return taken;
}

/**
 * Expires what is left of every lot whose time is up (one EXPIRED entry per
 * lot), a member per transaction. Safe with several instances sweeping: each
 * re-reads the due lots under the member's account lock.
 */
export async function expirePoints(deps: LoyaltyDeps, now = new Date(), batch = 100): Promise<number> {
  const { db } = deps;
  let expired = 0;
  for (;;) {
    const due = await pointsRepository.membersWithExpiredLots(db, db.fork(), now, batch);
    for (const memberId of due) {
      expired += await transactWithRetry(db, db.fork(), async (tx) => {
        await lockPoints(db, tx, memberId, now);
        const lots = await pointsRepository.lockedExpiredLots(db, tx, memberId, now);
        let total = 0;
        for (const lot of lots) {
          const points = lot.remaining;
          await pointsRepository.emptyLot(db, tx, lot.id);
          await addEntry(db, tx, { memberId, delta: -points, reason: 'EXPIRED', lotId: lot.id }, now);
          total += points;
        }
        if (total > 0 && !(await pointsRepository.changeBalance(db, tx, memberId, -total, now))) {
          throw new Error(`points ledger of member ${memberId}: its lots exceed its balance`);
        }
        return total;
      });
    }
    if (due.length < batch) return expired;
  }
}

/** `Member.pointsLedger`: newest first, paged by entry id (ids grow with time). */
export function pointsLedger(
  ctx: MembersContext,
  memberId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<PointsEntry>> {
  mayReadLoyalty(ctx, memberId, 'pointsLedger');
  return keysetPage(ctx.em, PointsEntryEntity, { memberId }, args);
}

/** `Member.points`: the balance. */
export async function pointsOf(ctx: MembersContext, memberId: string): Promise<number> {
  mayReadLoyalty(ctx, memberId, 'points');
  return ctx.loaders.pointsBalance.load(memberId);
}
