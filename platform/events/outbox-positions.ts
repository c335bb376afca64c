import type { Database, EntityManager } from '../db/database.ts';
import type { DomainEvent } from './event.ts';
import { OutboxEventEntity } from './outbox.entity.ts';
import { eventFromRow } from './outbox.ts';

/**
 * The outbox's publish order, as SQL (docs/architecture.md §6). The relay
 * numbers rows here before it publishes them; live subscribers that resume
 * read the rows they missed back by number.
 */

/** The highest position given so far, 0 when none has been. */
export async function newestPosition(db: Database, em: EntityManager = db.fork()): Promise<number> {
  const [row] = await db.execute<{ newest: unknown }>(em, 'select max(position) as newest from outbox_event');
  return row?.newest === null || row?.newest === undefined ? 0 : Number(row.newest);
}

/**
 * The next unpublished events, at most `limit`, in the order they must be
 * published: first rows numbered by an earlier run that never got to mark them
 * published (a crash, a broker away), which keep their positions, then rows
 * not numbered yet, numbered now (newest position + 1 onward, oldest id first)
 * in one transaction. Only the relay holding the lease calls this; should a
 * lapsed lease let two number the same rows, the unique index refuses the
 * second and its run is retried.
 */
export async function numberedBatchToPublish(db: Database, limit: number): Promise<DomainEvent[]> {
  const em = db.fork();
  const numbered = await em.find(
    OutboxEventEntity,
    { publishedAt: null, position: { $ne: null } },
    { orderBy: { position: 'asc' }, limit },
  );
  const events = numbered.map(eventFromRow);
  if (events.length === limit) return events;
  const fresh = await em.find(
    OutboxEventEntity,
    { publishedAt: null, position: null },
    { orderBy: { id: 'asc' }, limit: limit - events.length },
  );
  if (fresh.length === 0) return events;
  await db.transaction(db.fork(), async (tx) => {
    let next = (await newestPosition(db, tx)) + 1;
    for (const row of fresh) {
      const position = next++;
      const numberedNow = await db.run(tx, 'update outbox_event set position = ? where id = ? and position is null', [position, row.id]);
      if (numberedNow !== 1) throw new Error(`outbox event ${row.id} was numbered by another relay; the lease lapsed, retrying`);
      events.push({ ...eventFromRow(row), position });
    }
  });
  return events;
}

/** When the event at `position` was published: null while it waits for the relay, undefined when there is no such row. */
export async function publishedAtOf(db: Database, position: number): Promise<Date | null | undefined> {
  const row = await db.fork().findOne(OutboxEventEntity, { position }, { fields: ['publishedAt'] });
  return row === null ? undefined : (row.publishedAt ?? null);
}

/** The events of `types` numbered after `after` up to `upTo`, in position order, at most `limit`. */
export async function eventsBetween(
  db: Database,
  range: { after: number; upTo: number },
  types: readonly string[],
  limit: number,
): Promise<DomainEvent[]> {
  if (types.length === 0) return [];
  const rows = await db
    .fork()
    .find(
      OutboxEventEntity,
      { position: { $gt: range.after, $lte: range.upTo }, type: { $in: [...types] } },
      { orderBy: { position: 'asc' }, limit },
    );
  return rows.map(eventFromRow);
}
