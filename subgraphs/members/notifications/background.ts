import type { Config } from '../../../platform/config/config.ts';
import type { Database } from '../../../platform/db/database.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { runPeriodically } from '../../../platform/runtime/periodic.ts';
import { sendPendingNotifications } from './notifications.ts';
import { queuePointsExpiryNotices } from './points-expiry-notices.ts';
import { type SmsProvider, smsSimulator } from './sms.ts';

/** How often queued messages are looked for, and how often expiring points are. */
const SEND_INTERVAL_MS = 1000;
const EXPIRY_NOTICE_INTERVAL_MS = 60 * 60_000;

/**
 * The members subgraph's messaging: event consumers (../events.ts) queue
 * messages, a sender sends them, and an hourly pass queues "points expiring" notices.
 * Only the simulator exists as a provider so far; in production it says so
 * once at start, as members would otherwise get nothing.
 */
export function startNotifications(deps: { db: Database; log: Logger; config: Config }, sms?: SmsProvider): () => Promise<void> {
  const provider = sms ?? smsSimulator(deps.config.dataDir);
  if (!sms && deps.config.mode === 'production') {
    deps.log.warn('no SMS provider is configured: member notifications are recorded by the simulator, not sent');
  }
  const stopSender = runPeriodically(
    'notification sending',
    () => sendPendingNotifications({ db: deps.db, sms: provider, log: deps.log }),
    SEND_INTERVAL_MS,
    deps.log,
  );
  const stopNotices = runPeriodically(
    'points expiry notices',
    () => queuePointsExpiryNotices(deps.db),
    EXPIRY_NOTICE_INTERVAL_MS,
    deps.log,
  );
  return async () => {
    await stopSender();
    await stopNotices();
  };
}
