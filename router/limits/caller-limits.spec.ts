import type { Identity } from '../../platform/auth/identity.ts';
import { callerLimits } from './caller-limits.ts';
import { memoryRateLimiter } from './rate-limit.ts';

const partner = (id: string): Identity => ({ kind: 'partner', subject: id, scopes: ['catalogue:read'] });
const member = (id: string): Identity => ({ kind: 'member', subject: id, scopes: [] });
const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: ['orders:write'] };

async function allowedOf(check: (identity: Identity) => Promise<{ allowed: boolean }>, identity: Identity, requests: number) {
  let allowed = 0;
  for (let i = 0; i < requests; i++) if ((await check(identity)).allowed) allowed += 1;
  return allowed;
}

describe('which bucket a caller draws from', () => {
  it('gives each API key and each member a bucket of its own, with its own limit', async () => {
    const check = callerLimits(
      memoryRateLimiter(() => 0),
      { partnerRateLimitPerMinute: 3, memberRateLimitPerMinute: 2 },
    );
    expect(await allowedOf(check, partner('key-1'), 5)).toBe(3);
    expect(await allowedOf(check, partner('key-2'), 5)).toBe(3);
    expect(await allowedOf(check, member('member-1'), 5)).toBe(2);
    // A member whose id equals a key's id still has a bucket of their own.
    expect(await allowedOf(check, member('key-1'), 5)).toBe(2);
  });

  it('sizes a key with its own requestsPerMinute by that, also when the default is off', async () => {
    const check = callerLimits(
      memoryRateLimiter(() => 0),
      { partnerRateLimitPerMinute: 3, memberRateLimitPerMinute: 2 },
    );
    expect(await allowedOf(check, { ...partner('key-small'), keyLimits: { requestsPerMinute: 1 } }, 5)).toBe(1);
    expect(await allowedOf(check, { ...partner('key-large'), keyLimits: { requestsPerMinute: 10 } }, 20)).toBe(10);
    expect(await allowedOf(check, { ...partner('key-cost-only'), keyLimits: { maxQueryCost: 10 } }, 5)).toBe(3);
    const unlimited = callerLimits(
      memoryRateLimiter(() => 0),
      { partnerRateLimitPerMinute: 0, memberRateLimitPerMinute: 0 },
    );
    expect(await allowedOf(unlimited, { ...partner('key-1'), keyLimits: { requestsPerMinute: 2 } }, 5)).toBe(2);
  });

  it('does not limit staff or anonymous callers, nor anybody when a limit is 0', async () => {
    const check = callerLimits(
      memoryRateLimiter(() => 0),
      { partnerRateLimitPerMinute: 0, memberRateLimitPerMinute: 1 },
    );
    expect(await allowedOf(check, staff, 50)).toBe(50);
    expect(await allowedOf(check, { kind: 'anonymous', subject: null, scopes: [] }, 50)).toBe(50);
    expect(await allowedOf(check, partner('key-1'), 50)).toBe(50);
    expect(await allowedOf(check, member('member-1'), 3)).toBe(1);
  });
});
