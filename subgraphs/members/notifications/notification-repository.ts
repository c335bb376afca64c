import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { NotificationKind } from '../entities/notification.entity.ts';

/**
 * The SQL of the notification queue: an insert that a repeated cause key
 * turns into nothing, and the conditional updates by which a sender claims a
 * message and records how sending went (notifications.ts).
 */

export type FinalStatus = 'SENT' | 'SKIPPED' | 'FAILED' | 'PENDING';

/** Queues the message unless its cause key is queued already; resolves whether this call queued it. */
export async function insertIfNew(
  db: Database,
  tx: EntityManager,
  notification: { memberId: string; kind: NotificationKind; dedupeKey: string; text: string },
  now: Date,
): Promise<boolean> {
  const inserted = await db.run(
    tx,
    `${db.insertIgnore} notification (id, member_id, kind, dedupe_key, text, status, attempts, created_at) values (?, ?, ?, ?, ?, 'PENDING', 0, ?)`,
    [newId(), notification.memberId, notification.kind, notification.dedupeKey, notification.text, db.sqlDate(now)],
  );
  return inserted === 1;
}

/** Claims a pending message, or one whose claim is older than `staleBefore`; resolves whether this call claimed it. */
export async function claim(db: Database, tx: EntityManager, id: string, now: Date, staleBefore: Date): Promise<boolean> {
  const claimed = await db.run(
    tx,
    `update notification set status = 'SENDING', attempts = attempts + 1, claimed_at = ?
      where id = ? and (status = 'PENDING' or (status = 'SENDING' and claimed_at < ?))`,
    [db.sqlDate(now), id, db.sqlDate(staleBefore)],
  );
  return claimed === 1;
}

/** Records how sending a claimed message went, and lets go of the claim. */
export async function finish(
  db: Database,
  tx: EntityManager,
  id: string,
  status: FinalStatus,
  details: { providerMessageId?: string; sentAt?: Date; lastError?: string },
): Promise<void> {
  await db.run(
    tx,
    `update notification set status = ?, provider_message_id = ?, sent_at = ?, last_error = ?, claimed_at = null
      where id = ? and status = 'SENDING'`,
    [status, details.providerMessageId ?? null, details.sentAt ? db.sqlDate(details.sentAt) : null, details.lastError ?? null, id],
  );
}
