import type { Database } from '../../../platform/db/database.ts';
import { earnedLotsExpiring } from '../loyalty/points-repository.ts';
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
  const lots = await earnedLotsExpiring(db, db.fork(), now, horizon);
  // Lots expiring on the same day make one message.
  const byMemberAndDay = new Map<string, { memberId: string; day: string; points: number }>();
  for (const lot of lots) {
    const day = lot.expiresAt.toISOString().slice(0, 10);
    const key = `${lot.memberId}:${day}`;
    const entry = byMemberAndDay.get(key) ?? { memberId: lot.memberId, day, points: 0 };
    entry.points += lot.points;
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
