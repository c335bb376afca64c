import type { Database } from '../../../platform/db/database.ts';
import { enqueueNotification } from './notifications.ts';

/** How far ahead members are told that points will expire. */
export const EXPIRY_NOTICE_DAYS = 14;

/**
 * Queues one "points expiring" message per member and expiry day for lots
 * that expire within EXPIRY_NOTICE_DAYS and still hold points. Safe to run
 * as often as wanted: the cause key (member and day) is queued once.
 */
export async function queuePointsExpiryNotices(db: Database, now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + EXPIRY_NOTICE_DAYS * 86_400_000);
  const rows = await db.execute<{ member_id: string; expires_at: string | number | Date; points: number | string }>(
    db.fork(),
    `select member_id, expires_at, remaining as points from points_entry
      where reason = 'EARNED' and remaining > 0 and expires_at > ? and expires_at <= ?`,
    [db.sqlDate(now), db.sqlDate(horizon)],
  );
  // Lots expiring on the same day make one message.
  const byMemberAndDay = new Map<string, { memberId: string; day: string; points: number }>();
  for (const row of rows) {
    const day = new Date(row.expires_at).toISOString().slice(0, 10);
    const key = `${row.member_id}:${day}`;
    const entry = byMemberAndDay.get(key) ?? { memberId: row.member_id, day, points: 0 };
    entry.points += Number(row.points);
    byMemberAndDay.set(key, entry);
  }
  let queued = 0;
  for (const [key, notice] of byMemberAndDay) {
    const inserted = await db.transaction(db.fork(), (tx) =>
      enqueueNotification(db, tx, {
        memberId: notice.memberId,
        kind: 'POINTS_EXPIRING',
        dedupeKey: `points-expiring:${key}`,
        text: `${notice.points} of your points expire on ${notice.day}. Use them at checkout before then.`,
      }),
    );
    if (inserted) queued += 1;
  }
  return queued;
}
