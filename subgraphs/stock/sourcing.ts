/**
 * Sourcing: which warehouses fill a basket. Pure, so it is tested on its own.
 *
 * 1. One warehouse that holds the whole basket, the most important first
 *    (lowest priority number): one parcel, no split shipment.
 * 2. Otherwise the fewest warehouses that together hold it; among equally
 *    few, the most important ones. Each SKU then takes from those warehouses
 *    in priority order.
 * 3. If even all warehouses together fall short, nothing is allocated and the
 *    short SKUs are named (all lines or none).
 */
export type BasketLine = { skuCode: string; quantity: number };
export type WarehouseStock = { warehouseId: string; priority: number; skuCode: string; available: number };
export type Allocation = { skuCode: string; warehouseId: string; quantity: number };
export type Shortage = { skuCode: string; requested: number; available: number };
export type SourcingPlan = { ok: true; allocations: Allocation[] } | { ok: false; shortages: Shortage[] };

/** Beyond this many candidate warehouses the exact search gives way to a greedy one. */
const EXACT_SEARCH_LIMIT = 12;

type Candidate = { warehouseId: string; priority: number; stock: Map<string, number> };

export function planSourcing(lines: readonly BasketLine[], stock: readonly WarehouseStock[]): SourcingPlan {
  const wanted = new Map<string, number>();
  for (const line of lines) wanted.set(line.skuCode, (wanted.get(line.skuCode) ?? 0) + line.quantity);

  const candidates = candidatesFor(wanted, stock);
  const shortages: Shortage[] = [];
  for (const [skuCode, requested] of wanted) {
    const available = candidates.reduce((sum, candidate) => sum + (candidate.stock.get(skuCode) ?? 0), 0);
    if (available < requested) shortages.push({ skuCode, requested, available });
  }
  if (shortages.length > 0) return { ok: false, shortages };

  const single = candidates.find((candidate) => covers([candidate], wanted));
  if (single) return { ok: true, allocations: allocate([single], wanted) };
  const chosen = candidates.length <= EXACT_SEARCH_LIMIT ? fewestExact(candidates, wanted) : fewestGreedy(candidates, wanted);
  return { ok: true, allocations: allocate(chosen, wanted) };
}

function candidatesFor(wanted: ReadonlyMap<string, number>, stock: readonly WarehouseStock[]): Candidate[] {
  const byWarehouse = new Map<string, Candidate>();
  for (const row of stock) {
    if (!wanted.has(row.skuCode) || row.available <= 0) continue;
    const candidate = byWarehouse.get(row.warehouseId) ?? { warehouseId: row.warehouseId, priority: row.priority, stock: new Map() };
    candidate.stock.set(row.skuCode, (candidate.stock.get(row.skuCode) ?? 0) + row.available);
    byWarehouse.set(row.warehouseId, candidate);
  }
  // Most important first; the id breaks ties so the plan never depends on row order.
  return [...byWarehouse.values()].sort((a, b) => a.priority - b.priority || a.warehouseId.localeCompare(b.warehouseId));
}

function covers(set: readonly Candidate[], wanted: ReadonlyMap<string, number>): boolean {
  for (const [skuCode, quantity] of wanted) {
    if (set.reduce((sum, candidate) => sum + (candidate.stock.get(skuCode) ?? 0), 0) < quantity) return false;
  }
  return true;
}

/** The smallest covering set; among those, the lowest total priority (candidates are few: an exact search is cheap). */
function fewestExact(candidates: readonly Candidate[], wanted: ReadonlyMap<string, number>): Candidate[] {
  let best: Candidate[] | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let size = 2; size <= candidates.length && !best; size++) {
    for (const set of combinations(candidates, size)) {
      if (!covers(set, wanted)) continue;
      const score = set.reduce((sum, candidate) => sum + candidate.priority, 0);
      if (score < bestScore) {
        best = set;
        bestScore = score;
      }
    }
  }
  return best ?? [...candidates];
}

function* combinations<T>(items: readonly T[], size: number, start = 0, chosen: T[] = []): Generator<T[]> {
  if (chosen.length === size) {
    yield [...chosen];
    return;
  }
  for (let i = start; i <= items.length - (size - chosen.length); i++) {
    chosen.push(items[i]!);
    yield* combinations(items, size, i + 1, chosen);
    chosen.pop();
  }
}

/** Repeatedly takes the warehouse that covers the most still-missing units. */
function fewestGreedy(candidates: readonly Candidate[], wanted: ReadonlyMap<string, number>): Candidate[] {
  const missing = new Map(wanted);
  const chosen: Candidate[] = [];
  const remaining = [...candidates];
  while ([...missing.values()].some((quantity) => quantity > 0) && remaining.length > 0) {
    let bestIndex = 0;
    let bestUnits = -1;
    remaining.forEach((candidate, index) => {
      let units = 0;
      for (const [skuCode, quantity] of missing) units += Math.min(quantity, candidate.stock.get(skuCode) ?? 0);
      if (units > bestUnits) {
        bestUnits = units;
        bestIndex = index;
      }
    });
    const [next] = remaining.splice(bestIndex, 1);
    chosen.push(next!);
    for (const [skuCode, quantity] of missing) missing.set(skuCode, Math.max(0, quantity - (next!.stock.get(skuCode) ?? 0)));
  }
  return chosen.sort((a, b) => a.priority - b.priority || a.warehouseId.localeCompare(b.warehouseId));
}

function allocate(chosen: readonly Candidate[], wanted: ReadonlyMap<string, number>): Allocation[] {
  const allocations: Allocation[] = [];
  for (const [skuCode, quantity] of wanted) {
    let missing = quantity;
    for (const candidate of chosen) {
      const take = Math.min(missing, candidate.stock.get(skuCode) ?? 0);
      if (take > 0) allocations.push({ skuCode, warehouseId: candidate.warehouseId, quantity: take });
      missing -= take;
      if (missing === 0) break;
    }
  }
  return allocations;
}
