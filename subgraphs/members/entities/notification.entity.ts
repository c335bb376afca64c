import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const NOTIFICATION_KINDS = ['ORDER_SHIPPED', 'COUPON_ISSUED', 'POINTS_EXPIRING'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationStatus = 'PENDING' | 'SENDING' | 'SENT' | 'SKIPPED' | 'FAILED';

/**
 * A text message to a member: written once per cause (`dedupeKey` is
 * unique, e.g. `order-shipped:<order id>`), then sent by the notification
 * sender, which claims it first, so it leaves at most once however many
 * times its cause is delivered and however many members instances run.
 */
export const NotificationEntity = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    id: p.string().primary(),
    memberId: p.string(),
    kind: p.string().$type<NotificationKind>(),
    dedupeKey: p.string(),
    text: p.string(),
    status: p.string().$type<NotificationStatus>(),
    attempts: p.integer(),
    lastError: p.string().nullable(),
    providerMessageId: p.string().nullable(),
    claimedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
});
export type Notification = InferEntity<typeof NotificationEntity>;
