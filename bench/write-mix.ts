import { demoProducts } from '../demo/car-parts.ts';
import { type CreatedOrder, type LoadRequest, UNIQUE } from './load.ts';
import { ADDRESS } from './shop.ts';
import type { Level, StockKeeper } from './stock-keeper.ts';
import { body, PLACE_ORDER } from './workloads.ts';

/**
 * The write mix (issue 10): many clients check out ONE hot SKU at once
 * (contract PlaceOrder, one line of 1-3 units, a fresh idempotency key per
 * request), through each router in turn. Before each run the harness
 * restocks the SKU to `units` available, few enough that it sells out during
 * the run, so the contention at the boundary (the last units, all-or-none
 * lines) is part of every run; the warm-up places orders of another SKU so
 * the hot one is untouched until the counted window starts.
 *
 * After the run the harness reads the SKU's ledger and levels from the stock
 * subgraph and checks the invariant: no unit promised twice (the units
 * reserved never exceed the units there were), no level below zero, and the
 * ledger holds exactly the orders the clients were told were placed.
 */
export type WriteMix = { hotSku: string; warmupSku: string; units: number; requests: LoadRequest[]; warmupRequests: LoadRequest[] };

/** Line quantities in turn: mixed, so near the end a line of 3 can be refused while a line of 1 still fits. */
const QUANTITIES = [1, 2, 1, 3];
/** The warm-up SKU's stock: more than any warm-up sells. */
const WARMUP_UNITS = 100_000;
/** The fan-out's SKUs, kept out of the write mix. */
const RESERVED_SKUS = new Set(['BP-TOY-COR-F', 'OF-VW-GOLF']);

const placeOrderBody = (skuCode: string, quantity: number) =>
  body(PLACE_ORDER, {
    input: { idempotencyKey: `bench-write-${UNIQUE}`, channel: 'ONLINE', lines: [{ skuCode, quantity }], shippingAddress: ADDRESS },
  });

const placements = (skuCode: string): LoadRequest[] =>
  QUANTITIES.map((quantity) => ({ body: placeOrderBody(skuCode, quantity), placement: { skuCode, quantity } }));

/** Picks the hot SKU and the warm-up SKU: the last demo SKUs that have a stock level (the first ones are the read workloads'). */
export async function planWriteMix(keeper: StockKeeper, units: number): Promise<WriteMix> {
  const candidates = demoProducts
    .flatMap((product) => product.skus.map((sku) => sku.code))
    .filter((code) => !RESERVED_SKUS.has(code))
    .reverse();
  const chosen: string[] = [];
  for (const code of candidates) {
    if ((await keeper.levels(code)).length > 0) chosen.push(code);
    if (chosen.length === 2) break;
  }
  const [hotSku, warmupSku] = chosen;
  if (!hotSku || !warmupSku) throw new Error('the demo stock has fewer than two SKUs with a stock level');
  return { hotSku, warmupSku, units, requests: placements(hotSku), warmupRequests: placements(warmupSku) };
}

/** Where a run starts: the hot SKU's levels after the restock and its newest movement, from which the run's ledger is read. */
export type WriteRunStart = { levels: Level[]; since: string | null };

export async function restockForRun(keeper: StockKeeper, mix: WriteMix, label: string): Promise<WriteRunStart> {
  await keeper.restock(mix.warmupSku, WARMUP_UNITS, 'bench: warm-up stock');
  const levels = await keeper.restock(mix.hotSku, mix.units, `bench: restock before ${label}`);
  return { levels, since: await keeper.newestMovement(mix.hotSku) };
}

export type WriteCheck = {
  /** Units available when the run started. */
  unitsAtStart: number;
  /** Units in the orders the clients were told were placed. */
  unitsPlaced: number;
  /** Net units reserved in the run by the ledger (RESERVE less RELEASE). */
  unitsReserved: number;
  /** Units promised beyond what there was: more placed or reserved than available at the start, or a level below zero. */
  oversold: number;
  /** Units available after the run: 0 (or less than the smallest line) when the SKU sold out. */
  availableAfter: number;
  /** Placed orders the ledger does not hold as reserved with their quantity: a client told "placed" for stock that is not set aside. */
  phantom: number;
  /** Reservations of the run no client was told about (its answer was an error or lost). */
  unanswered: number;
  /** Movements of the run other than reservations and their release, or an onHand change. */
  strayMovements: number;
  /** Levels of the SKU that differ from the sum of their movements (contract StockReconciliation). */
  discrepancies: number;
};

export async function checkWriteRun(keeper: StockKeeper, mix: WriteMix, start: WriteRunStart, orders: CreatedOrder[]): Promise<WriteCheck> {
  const placed = orders.filter((order) => order.skuCode === mix.hotSku);
  const movements = await keeper.movementsSince(mix.hotSku, start.since);
  const after = await keeper.levels(mix.hotSku);
  const netReserved = new Map<string, number>();
  let strayMovements = 0;
  for (const movement of movements) {
    const reservation = (movement.kind === 'RESERVE' || movement.kind === 'RELEASE') && movement.reference && movement.onHandDelta === 0;
    if (!reservation) {
      strayMovements++;
      continue;
    }
    netReserved.set(movement.reference!, (netReserved.get(movement.reference!) ?? 0) + movement.reservedDelta);
  }
  const placedIds = new Set(placed.map((order) => order.id));
  const unitsAtStart = start.levels.reduce((sum, level) => sum + level.available, 0);
  const unitsPlaced = placed.reduce((sum, order) => sum + order.quantity, 0);
  const unitsReserved = [...netReserved.values()].reduce((sum, units) => sum + units, 0);
  const belowZero = after.reduce((sum, level) => sum + Math.max(0, -level.available, level.reserved - level.onHand), 0);
  return {
    unitsAtStart,
    unitsPlaced,
    unitsReserved,
    oversold: Math.max(0, Math.max(unitsPlaced, unitsReserved) - unitsAtStart) + belowZero,
    availableAfter: after.reduce((sum, level) => sum + level.available, 0),
    phantom: placed.filter((order) => netReserved.get(order.id) !== order.quantity).length,
    unanswered: [...netReserved].filter(([reference, units]) => units > 0 && !placedIds.has(reference)).length,
    strayMovements,
    discrepancies: await keeper.discrepancies(mix.hotSku),
  };
}

/** What makes a write run fail the benchmark, whichever router ran it: the invariant broken. */
export function brokenInvariant(check: WriteCheck): string | null {
  const broken = [
    check.oversold && `${check.oversold} unit(s) oversold`,
    check.phantom && `${check.phantom} placed order(s) without their reservation`,
    check.strayMovements && `${check.strayMovements} unexpected movement(s)`,
    check.discrepancies && `${check.discrepancies} level(s) differing from the ledger`,
  ].filter(Boolean);
  return broken.length ? broken.join(', ') : null;
}
