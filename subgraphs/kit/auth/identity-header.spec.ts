import type { Identity } from './identity.ts';
import { signIdentity, verifyIdentity } from './identity-header.ts';

const secret = 'a-secret-that-is-long-enough-for-hmac-use';
const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: ['catalogue:write'] };

describe('the identity header', () => {
  it('carries the identity from signer to verifier', () => {
    expect(verifyIdentity(signIdentity(staff, secret), secret)).toEqual({ ok: true, identity: staff });
  });

  it('rejects a header signed with another secret', () => {
    expect(verifyIdentity(signIdentity(staff, 'another-secret-that-is-long-enough'), secret)).toEqual({
      ok: false,
      reason: expect.stringMatching(/signature is invalid/),
    });
  });

  it('rejects claims edited after signing', () => {
    const [version, , mac] = signIdentity(staff, secret).split('.');
    const forged = Buffer.from(JSON.stringify({ k: 'staff', s: 'staff-1', sc: ['members:pii'], exp: 9999999999 })).toString('base64url');
    expect(verifyIdentity(`${version}.${forged}.${mac}`, secret).ok).toBe(false);
  });

  it('rejects an expired header', () => {
    const header = signIdentity(staff, secret, 60, Date.now() - 120_000);
    expect(verifyIdentity(header, secret)).toEqual({ ok: false, reason: expect.stringMatching(/expired/) });
  });

  it.each([undefined, '', 'v1.abc', 'v2.a.b', 'garbage'])('rejects the malformed header %p', (header) => {
    expect(verifyIdentity(header, secret).ok).toBe(false);
  });
});
