import type { Database, EntityManager } from '../../../platform/db/database.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { MemberEntity } from '../entities/account.entity.ts';
import { NotificationEntity, type NotificationKind } from '../entities/notification.entity.ts';
import * as notificationRepository from './notification-repository.ts';
import type { SmsProvider } from './sms.ts';

/** A message that fails this often is given up (FAILED) and left for staff to see. */
export const MAX_ATTEMPTS = 5;
/** A claim older than this belongs to a sender that died mid-send; the message is tried again. */
export const STALE_CLAIM_MS = 5 * 60_000;

export type NewNotification = { memberId: string; kind: NotificationKind; dedupeKey: string; text: string };

/**
 * Queues a message inside the caller's transaction (the cause and its
 * message commit together); a second call with the same `dedupeKey` does
 * nothing, so a redelivered event never queues a second message.
 */
export async function enqueueNotification(db: Database, tx: EntityManager, notification: NewNotification): Promise<boolean> {
  return notificationRepository.insertIfNew(db, tx, { ...notification, text: notification.text.slice(0, 500) }, new Date());
}

type SenderDeps = { db: Database; sms: SmsProvider; log: Logger };

/**
 * Sends what is queued, oldest first. Each message is claimed with a
 * conditional UPDATE before it is sent, so two senders (two members
 * instances, or an overlapping round) never both send it; the provider gets
 * the notification id as idempotency key for the one case a claim cannot
 * cover (a sender that dies between sending and recording it). Resolves the
 * number of messages sent.
 */
export async function sendPendingNotifications({ db, sms, log }: SenderDeps, limit = 50): Promise<number> {
  const em = db.fork();
  const now = new Date();
  const stale = new Date(now.getTime() - STALE_CLAIM_MS);
  const due = await em.find(
    NotificationEntity,
    { $or: [{ status: 'PENDING' }, { status: 'SENDING', claimedAt: { $lt: stale } }] },
    { orderBy: { createdAt: 'asc', id: 'asc' }, limit },
  );
  let sent = 0;
  for (const notification of due) {
    const claimed = await db.transaction(db.fork(), (tx) => notificationRepository.claim(db, tx, notification.id, new Date(), stale));
    if (!claimed) continue; // another sender has it
    const member = await db.fork().findOne(MemberEntity, { id: notification.memberId });
    if (!member?.phone) {
      await finish(db, notification.id, 'SKIPPED', { lastError: 'the member has no phone number' });
      continue;
    }
    try {
      const { providerMessageId } = await sms.send({ to: member.phone, text: notification.text, idempotencyKey: notification.id });
      await finish(db, notification.id, 'SENT', { providerMessageId, sentAt: new Date() });
      sent += 1;
    } catch (error) {
      const message = (error as Error).message.slice(0, 500);
      const failedForGood = notification.attempts + 1 >= MAX_ATTEMPTS;
      log.warn(`SMS ${notification.id} to member ${notification.memberId} failed (${message})${failedForGood ? '; giving up' : ''}`);
      await finish(db, notification.id, failedForGood ? 'FAILED' : 'PENDING', { lastError: message });
    }
  }
  return sent;
}

async function finish(
  db: Database,
  id: string,
  status: notificationRepository.FinalStatus,
  details: { providerMessageId?: string; sentAt?: Date; lastError?: string },
): Promise<void> {
  await db.transaction(db.fork(), (tx) => notificationRepository.finish(db, tx, id, status, details));
}

/** A member's messages, newest first, for staff. */
export const notificationsOf = (em: EntityManager, memberId: string, first: number) =>
  em.find(NotificationEntity, { memberId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: Math.min(Math.max(first, 1), 100) });
