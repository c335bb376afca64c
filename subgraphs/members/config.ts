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

export const membersSettings = declareSettings<CommonConfig, MembersSettings>({
  readBy: 'members',
  settings: [seedAdminEmail, seedAdminPassword, pointsExpiryDays],
  build: (read) => ({
    seedAdminEmail: read(seedAdminEmail),
    seedAdminPassword: read(seedAdminPassword),
    pointsExpiryDays: read(pointsExpiryDays),
  }),
});
