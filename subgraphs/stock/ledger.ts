import { updateOrCreate } from '../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { newId } from '../../platform/values/ids.ts';
import type { StockContext } from './context.ts';
import { type MovementKind, StockMovementEntity } from './entities/stock-movement.entity.ts';
import { addToLevelIfGuarded, insertEmptyLevel, levelCounts } from './stock-level-repository.ts';

/**
 * The one way a stock level changes. A change is a single conditional UPDATE
 * that adds the deltas only if the result keeps `0 <= reserved <= onHand`:
 * the database decides atomically, so two requests can never both take the
 * last unit (no read-then-write). In the same transaction it writes the
 * ledger movement and the StockChanged event, so the level, its history and
 * what dashboards see cannot disagree.
 */
export type LevelChange = {
  skuCode: string;
  warehouseId: string;
  kind: MovementKind;
  /** Units moved, positive. */
  quantity: number;
  onHandDelta: number;
  reservedDelta: number;
  reference: string | null;
  reason: string | null;
  actor: string | null;
};

export type LevelAfter = { skuCode: string; warehouseId: string; onHand: number; reserved: number; available: number; version: number };

export type StockChangedEvent = LevelAfter & {
  delta: number;
  onHandDelta: number;
  reservedDelta: number;
  kind: MovementKind;
  reference: string | null;
  reason: string | null;
  at: string;
};

export const STOCK_CHANGED = 'StockChanged';

/** The change would make a level negative or reserve more than is on hand; the transaction must roll back. */
export class LevelGuardError extends Error {
  readonly skuCode: string;
  readonly warehouseId: string;
  constructor(change: LevelChange) {
    super(`${change.kind} of ${change.quantity} × ${change.skuCode} in ${change.warehouseId} would break 0 <= reserved <= onHand`);
    this.name = 'LevelGuardError';
    this.skuCode = change.skuCode;
    this.warehouseId = change.warehouseId;
  }
}

export type LedgerDeps = { db: Database; events: EventRecorder };

export const ledgerOf = (ctx: StockContext): LedgerDeps => ({ db: ctx.db, events: ctx.events });

/**
 * Applies `change` inside the caller's transaction (`tx`). Creates the level
 * when a change adds stock to a warehouse that never held the SKU. Throws
 * `LevelGuardError` when the guard refuses.
 */
export async function applyLevelChange(deps: LedgerDeps, tx: EntityManager, change: LevelChange): Promise<LevelAfter> {
  const { db } = deps;
  const now = new Date();
  const update = () => addToLevelIfGuarded(db, tx, change, now);
  // The first stock of this SKU in this warehouse creates the level (only changes that add stock may).
  const changed =
    change.onHandDelta > 0
      ? await updateOrCreate(update, () => insertEmptyLevel(db, tx, change.skuCode, change.warehouseId, now))
      : await update();
  if (changed !== 1) throw new LevelGuardError(change);

  const counts = (await levelCounts(db, tx, change.skuCode, change.warehouseId))!;
  const level: LevelAfter = {
    skuCode: change.skuCode,
    warehouseId: change.warehouseId,
    onHand: counts.onHand,
    reserved: counts.reserved,
    available: counts.onHand - counts.reserved,
    version: counts.version,
  };

  tx.create(StockMovementEntity, {
    id: newId(),
    skuCode: change.skuCode,
    warehouseId: change.warehouseId,
    kind: change.kind,
    quantity: change.quantity,
    onHandDelta: change.onHandDelta,
    reservedDelta: change.reservedDelta,
    reference: change.reference,
    reason: change.reason,
    actor: change.actor,
    createdAt: now,
  });
  deps.events.record<StockChangedEvent>(tx, STOCK_CHANGED, `${change.skuCode}@${change.warehouseId}`, {
    ...level,
    delta: change.onHandDelta - change.reservedDelta,
    onHandDelta: change.onHandDelta,
    reservedDelta: change.reservedDelta,
    kind: change.kind,
    reference: change.reference,
    reason: change.reason,
    at: now.toISOString(),
  });
  return level;
}

/** Applies changes in a fixed order (warehouse, then SKU), so concurrent multi-line changes on MySQL lock rows in one order and cannot deadlock each other. */
export async function applyLevelChanges(deps: LedgerDeps, tx: EntityManager, changes: readonly LevelChange[]): Promise<LevelAfter[]> {
  const ordered = [...changes].sort((a, b) =>
    a.warehouseId === b.warehouseId ? a.skuCode.localeCompare(b.skuCode) : a.warehouseId.localeCompare(b.warehouseId),
  );
  const results: LevelAfter[] = [];
  for (const change of ordered) results.push(await applyLevelChange(deps, tx, change));
  return results;
}
