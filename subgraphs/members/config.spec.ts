import { loadConfig } from '../../platform/config/config.ts';

// The members subgraph's own settings, loaded as its process loads them.
const members = (env: Record<string, string>) => loadConfig(env, 'members');

describe('loadConfig for the first admin', () => {
  it('gives development a documented admin and production none', () => {
    expect(members({})).toMatchObject({ seedAdminEmail: 'admin@example.com', seedAdminPassword: 'development-only-admin' });
    const production = members({
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
    });
    expect(production.seedAdminEmail).toBeUndefined();
  });

  it('refuses a short admin password', () => {
    expect(() => members({ SEED_ADMIN_PASSWORD: 'short' })).toThrow(/SEED_ADMIN_PASSWORD must be at least 12 characters/);
  });
});

describe('loadConfig for member points', () => {
  it('keeps points 365 days unless POINTS_EXPIRY_DAYS says otherwise, and refuses a value that is not 1 to 3650 days', () => {
    expect(members({}).pointsExpiryDays).toBe(365);
    expect(members({ POINTS_EXPIRY_DAYS: '730' }).pointsExpiryDays).toBe(730);
    for (const value of ['0', '3651', '1.5', 'a year']) {
      expect(() => members({ POINTS_EXPIRY_DAYS: value })).toThrow(
        `POINTS_EXPIRY_DAYS must be a whole number from 1 to 3650; received "${value}"`,
      );
    }
  });
});
