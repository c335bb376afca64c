import type { Database, EntityManager } from '../../platform/db/database.ts';
import { int } from '../../platform/db/raw-sql.ts';

/** The hand-written statements on `fitment` (the vehicles a product fits). */

export type Vehicle = { make: string; model: string; yearFrom: number; yearTo: number };

/** Every make and model any product fits, with the widest span of years, ordered by make and model. */
export async function vehicleRanges(db: Database, em: EntityManager): Promise<Vehicle[]> {
  const rows = await db.execute<{ make: string; model: string; year_from: unknown; year_to: unknown }>(
    em,
    'select make, model, min(year_from) as year_from, max(year_to) as year_to from fitment group by make, model order by make, model',
  );
  return rows.map((row) => ({ make: row.make, model: row.model, yearFrom: int(row.year_from), yearTo: int(row.year_to) }));
}
