import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { isLockConflict } from '../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { failed, succeeded, type UserError } from '../../platform/graphql/user-errors.ts';
import { checkInteger } from '../../platform/graphql/validation.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { runPeriodically } from '../../platform/runtime/periodic.ts';
import { newId } from '../../platform/values/ids.ts';
import type { StockContext } from './context.ts';
import { type Reservation, ReservationEntity, ReservationLineEntity, type ReservationStatus } from './entities/reservation.entity.ts';
import type { ReservationExpiredData } from './events.ts';
import { applyLevelChanges, type LedgerDeps, LevelGuardError, ledgerOf } from './ledger.ts';
import { endActiveReservation, extendActiveReservation } from './reservation-repository.ts';
import { planSourcing } from './sourcing.ts';
import { checkLines, checkReference, newStockErrors, type StockErrorCode, type StockLineInput } from './stock-input.ts';
import { availableInActiveWarehouses } from './stock-level-repository.ts';
import { checkWarehouse } from './warehouses.ts';

/**
 * Reservations (pre-occupation) for the orders subgraph. Each operation is
 * idempotent by reference: the reservation's primary key is the reference, so
 * a retried or racing reserve call finds the first one instead of reserving
 * again, and status changes are conditional updates from ACTIVE only.
 */
export const RESERVATION_EXPIRED = 'ReservationExpired';
const MAX_TTL_SECONDS = 86_400;
/** Conditional updates that lose a race are retried with fresh availability this many times. */
const ATTEMPTS = 5;

type ReserveInput = { reference: string; lines: StockLineInput[]; ttlSeconds?: number | null; warehouseId?: string | null };
type Payload = { reservation: Reservation | null; userErrors: UserError<StockErrorCode>[] };

const refusal = (code: StockErrorCode, field: string | null, message: string): Payload => failed('reservation', [{ code, field, message }]);

/** The normalized basket: what tells a retry (same request) from a reuse of the reference. */
function requestKey(lines: readonly StockLineInput[]): string {
  return [...lines]
    .sort((a, b) => a.skuCode.localeCompare(b.skuCode))
    .map((line) => `${line.skuCode}:${line.quantity}`)
    .join(',');
}

async function existingFor(ctx: StockContext, reference: string, request: string): Promise<Payload | null> {
  const existing = await ctx.em.findOne(ReservationEntity, { reference }, { refresh: true });
  if (!existing) return null;
  if (existing.request !== request) {
    return refusal('DUPLICATE_REQUEST', 'input.reference', `reservation ${reference} exists for a different basket`);
  }
  return succeeded('reservation', existing);
}

/** No plan fills the basket: rolls the (still empty) transaction back. */
class StockShort extends Error {}

export async function reserveStock(ctx: StockContext, input: ReserveInput): Promise<Payload> {
  const errors = newStockErrors();
  const reference = checkReference(errors, 'input.reference', input.reference);
  const lines = checkLines(errors, input.lines);
  const ttlSeconds = checkInteger(errors, 'input.ttlSeconds', input.ttlSeconds ?? 900, 1, MAX_TTL_SECONDS);
  const onlyWarehouse = input.warehouseId ? await checkWarehouse(ctx, errors, 'input.warehouseId', input.warehouseId, true) : null;
  if (errors.any) return failed('reservation', errors);
  const request = requestKey(lines);
  const earlier = await existingFor(ctx, reference, request);
  if (earlier) return earlier;

  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const reservation = await ctx.db.transaction(ctx.em, async (tx) => {
        const stock = await availableInActiveWarehouses(
          ctx.db,
          tx,
          lines.map((line) => line.skuCode),
        );
        const plan = planSourcing(lines, onlyWarehouse ? stock.filter((row) => row.warehouseId === onlyWarehouse.id) : stock);
        if (!plan.ok) {
          const short = plan.shortages.map((s) => `${s.skuCode} (asked ${s.requested}, available ${s.available})`).join(', ');
          throw new StockShort(`not enough stock for ${short}`);
        }
        const now = new Date();
        const reservation = tx.create(ReservationEntity, {
          reference,
          status: 'ACTIVE',
          request,
          expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
          actor: ctx.identity.subject,
          createdAt: now,
          updatedAt: now,
        });
        // The reservation row first: its primary key is what turns a racing duplicate into a clean conflict.
        await tx.flush();
        await applyLevelChanges(
          ledgerOf(ctx),
          tx,
          plan.allocations.map((allocation) => ({
            ...allocation,
            kind: 'RESERVE' as const,
            onHandDelta: 0,
            reservedDelta: allocation.quantity,
            reference,
            reason: null,
            actor: ctx.identity.subject,
          })),
        );
        for (const allocation of plan.allocations) tx.create(ReservationLineEntity, { id: newId(), reference, ...allocation });
        return reservation;
      });
      return succeeded('reservation', reservation);
    } catch (error) {
      if (error instanceof StockShort) return refusal('INSUFFICIENT_STOCK', 'input.lines', error.message);
      if (error instanceof UniqueConstraintViolationException) return (await existingFor(ctx, reference, request))!;
      // Availability changed between the read and the conditional update: read again.
      if (error instanceof LevelGuardError || isLockConflict(error)) continue;
      throw error;
    }
  }
  return refusal('INSUFFICIENT_STOCK', 'input.lines', 'the stock of these SKUs is changing too fast to reserve; try again');
}

/**
 * Ends an ACTIVE reservation: RELEASED or EXPIRED give the units back,
 * COMMITTED ships them (they leave on-hand stock). The status update is
 * conditional on ACTIVE, so of two racing calls (or a call and the sweeper)
 * exactly one moves the stock.
 */
async function finish(
  deps: LedgerDeps & { log?: Logger },
  em: EntityManager,
  reference: string,
  to: Exclude<ReservationStatus, 'ACTIVE'>,
  actor: string | null,
  now = new Date(),
): Promise<boolean> {
  return deps.db.transaction(em, async (tx) => {
    const changed = await endActiveReservation(deps.db, tx, reference, to, now);
    if (changed !== 1) return false;
    const lines = await tx.find(ReservationLineEntity, { reference });
    await applyLevelChanges(
      deps,
      tx,
      lines.map((line) => ({
        skuCode: line.skuCode,
        warehouseId: line.warehouseId,
        kind: to === 'COMMITTED' ? ('COMMIT' as const) : ('RELEASE' as const),
        quantity: line.quantity,
        onHandDelta: to === 'COMMITTED' ? -line.quantity : 0,
        reservedDelta: -line.quantity,
        reference,
        reason: to === 'EXPIRED' ? 'reservation expired' : null,
        actor,
      })),
    );
    if (to === 'EXPIRED') {
      deps.events.record<ReservationExpiredData>(tx, RESERVATION_EXPIRED, reference, {
        reference,
        lines: lines.map((line) => ({ skuCode: line.skuCode, warehouseId: line.warehouseId, quantity: line.quantity })),
        expiredAt: now.toISOString(),
      });
    }
    return true;
  });
}

async function endReservation(ctx: StockContext, reference: string, to: 'RELEASED' | 'COMMITTED'): Promise<Payload> {
  const errors = newStockErrors();
  checkReference(errors, 'input.reference', reference);
  if (errors.any) return failed('reservation', errors);
  await finish(ledgerOf(ctx), ctx.em, reference, to, ctx.identity.subject);
  const reservation = await ctx.em.findOne(ReservationEntity, { reference }, { refresh: true });
  if (!reservation) return refusal('UNKNOWN_RESERVATION', 'input.reference', `no reservation with reference "${reference}"`);
  if (reservation.status === to) return succeeded('reservation', reservation);
  if (to === 'RELEASED' && reservation.status === 'EXPIRED') return succeeded('reservation', reservation);
  if (reservation.status === 'ACTIVE') {
    return refusal('RESERVATION_EXPIRED', 'input.reference', `reservation ${reference} expired at ${reservation.expiresAt.toISOString()}`);
  }
  if (reservation.status === 'EXPIRED') return refusal('RESERVATION_EXPIRED', 'input.reference', `reservation ${reference} has expired`);
  return refusal(
    'INVALID_STATE_TRANSITION',
    'input.reference',
    `reservation ${reference} is ${reservation.status}; it cannot become ${to}`,
  );
}

export const releaseReservation = (ctx: StockContext, reference: string) => endReservation(ctx, reference, 'RELEASED');
export const commitReservation = (ctx: StockContext, reference: string) => endReservation(ctx, reference, 'COMMITTED');

const MAX_EXTENSION_SECONDS = 30 * 86_400;

/** Moves an ACTIVE, unexpired reservation's expiry to now + ttl, if that is later than it is. */
export async function extendReservation(ctx: StockContext, input: { reference: string; ttlSeconds: number }): Promise<Payload> {
  const errors = newStockErrors();
  checkReference(errors, 'input.reference', input.reference);
  checkInteger(errors, 'input.ttlSeconds', input.ttlSeconds, 1, MAX_EXTENSION_SECONDS);
  if (errors.any) return failed('reservation', errors);
  const now = new Date();
  const until = new Date(now.getTime() + input.ttlSeconds * 1000);
  await ctx.db.transaction(ctx.em, (tx) => extendActiveReservation(ctx.db, tx, input.reference, now, until));
  const reservation = await ctx.em.findOne(ReservationEntity, { reference: input.reference }, { refresh: true });
  if (!reservation) return refusal('UNKNOWN_RESERVATION', 'input.reference', `no reservation with reference "${input.reference}"`);
  if (reservation.status !== 'ACTIVE') {
    return refusal(
      'INVALID_STATE_TRANSITION',
      'input.reference',
      `reservation ${input.reference} is ${reservation.status}; only an active one can be extended`,
    );
  }
  if (reservation.expiresAt <= now)
    return refusal(
      'RESERVATION_EXPIRED',
      'input.reference',
      `reservation ${input.reference} expired at ${reservation.expiresAt.toISOString()}`,
    );
  return succeeded('reservation', reservation);
}

export const reservationByReference = (ctx: StockContext, reference: string) => ctx.em.findOne(ReservationEntity, { reference });

/**
 * Releases every ACTIVE reservation whose time is up, announcing each with a
 * ReservationExpired event. Safe with several instances running it: the
 * conditional status update lets exactly one of them release a reservation.
 */
export async function sweepExpiredReservations(deps: LedgerDeps & { log?: Logger }, now = new Date(), batch = 100): Promise<number> {
  let released = 0;
  for (;;) {
    const em = deps.db.fork();
    const due = await em.find(
      ReservationEntity,
      { status: 'ACTIVE', expiresAt: { $lte: now } },
      { orderBy: { expiresAt: 'asc' }, limit: batch, fields: ['reference'] },
    );
    for (const { reference } of due) {
      if (await finish(deps, em, reference, 'EXPIRED', 'expiry-sweeper', now)) released += 1;
    }
    if (due.length < batch) return released;
  }
}

/** Runs the sweeper on an interval; the returned function stops it (and waits for a sweep in progress). */
export function startExpirySweeper(deps: { db: Database; events: EventRecorder; log: Logger }, intervalMs: number): () => Promise<void> {
  return runPeriodically('reservation sweep', () => sweepExpiredReservations(deps), intervalMs, deps.log);
}
