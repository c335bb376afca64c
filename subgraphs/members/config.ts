import type { CommonConfig } from '../../platform/config/common.ts';
import { declareSettings, type Mode, secret, text, wholeNumber } from '../../platform/config/env.ts';

/**
 * The members subgraph's own settings: the first staff admin it creates and
 * how long earned points last. Only members reads and validates these.
 */

export type MembersSettings = {
  /** POINTS_EXPIRY_DAYS: how long earned member points stay redeemable before they expire (oldest first). */
  pointsExpiryDays: number;
  /** SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD: the first staff admin, created by the members subgraph if missing. */
  seedAdminEmail: string | undefined;
  seedAdminPassword: string | undefined;
  /** WEBHOOKS_PER_KEY: how many webhooks one partner key may have. */
  webhooksPerKey: number;
  /** WEBHOOK_RETRY_BASE_MS: the first retry's wait; each further one doubles (at most an hour), with jitter. */
  webhookRetryBaseMs: number;
  /** WEBHOOK_RETRY_WINDOW_SECONDS: how long a delivery is retried before it FAILED (at least a day in production). */
  webhookRetryWindowSeconds: number;
};

// Development gets a documented default admin; production must choose its own.
const developmentOnly = (value: string) => (mode: Mode) => (mode === 'production' ? undefined : value);
const firstAdmin =
  'The first staff admin, created by the members subgraph at start if missing. Required in production (members refuses to ' +
  'start without them); the password needs 12 characters or more.';
const seedAdminEmail = text('SEED_ADMIN_EMAIL', {
  default: developmentOnly('admin@example.com'),
  defaultText: '`admin@example.com`, `development-only-admin` outside production',
  description: firstAdmin,
});
const seedAdminPassword = secret('SEED_ADMIN_PASSWORD', {
  default: developmentOnly('development-only-admin'),
  minLength: 12,
  defaultText: '`admin@example.com`, `development-only-admin` outside production',
  description: firstAdmin,
  documentedWith: 'SEED_ADMIN_EMAIL',
});
const pointsExpiryDays = wholeNumber('POINTS_EXPIRY_DAYS', {
  default: 365,
  min: 1,
  max: 3650,
  description:
    'How long member points stay redeemable after the order that earned them was paid; the members subgraph expires them, ' +
    'oldest first, in its minutely sweep.',
});

const webhooksPerKey = wholeNumber('WEBHOOKS_PER_KEY', {
  default: 10,
  min: 1,
  max: 1000,
  description: 'How many webhooks one partner API key may have; createWebhook refuses more with TOO_MANY_WEBHOOKS.',
});
const webhookRetryBaseMs = wholeNumber('WEBHOOK_RETRY_BASE_MS', {
  default: 5000,
  min: 1,
  max: 3_600_000,
  unit: 'milliseconds',
  description:
    "A failed webhook delivery's first retry waits about this long; each further retry doubles it (at most an hour), with jitter.",
});
const webhookRetryWindowSeconds = wholeNumber('WEBHOOK_RETRY_WINDOW_SECONDS', {
  default: 86_400,
  min: 1,
  max: 7 * 86_400,
  unit: 'seconds',
  description:
    'How long a webhook delivery is retried before it is given up (FAILED); a webhook none of whose deliveries succeeded for ' +
    'that long is disabled. At least 86400 (a day) in production.',
});

export const membersSettings = declareSettings<CommonConfig, MembersSettings>({
  readBy: 'members',
  settings: [seedAdminEmail, seedAdminPassword, pointsExpiryDays, webhooksPerKey, webhookRetryBaseMs, webhookRetryWindowSeconds],
  build: (read, { mode, problem }) => {
    const windowSeconds = read(webhookRetryWindowSeconds);
    if (mode === 'production' && windowSeconds < 86_400) problem('WEBHOOK_RETRY_WINDOW_SECONDS must be at least 86400 in production');
    return {
      seedAdminEmail: read(seedAdminEmail),
      seedAdminPassword: read(seedAdminPassword),
      pointsExpiryDays: read(pointsExpiryDays),
      webhooksPerKey: read(webhooksPerKey),
      webhookRetryBaseMs: read(webhookRetryBaseMs),
      webhookRetryWindowSeconds: windowSeconds,
    };
  },
});
