import type { Identity } from './identity.ts';
import { identityVerifier, signIdentity, verifyIdentity } from './identity-header.ts';

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

  describe('through a server’s verifier, which remembers accepted headers', () => {
    it('answers as verifyIdentity does, the first time and again', () => {
      const verify = identityVerifier(secret);
      const header = signIdentity(staff, secret);
      expect(verify(header)).toEqual({ ok: true, identity: staff });
      expect(verify(header)).toEqual({ ok: true, identity: staff });
      // Requests share a remembered identity, so none can change it for the others.
      const again = verify(header);
      expect(again.ok && Object.isFrozen(again.identity) && Object.isFrozen(again.identity.scopes)).toBe(true);
    });

    it('still refuses a remembered header once it has expired', () => {
      const verify = identityVerifier(secret);
      const now = Date.now();
      const header = signIdentity(staff, secret, 60, now);
      expect(verify(header, now).ok).toBe(true);
      const expiry = (Math.floor(now / 1000) + 60) * 1000;
      expect(verify(header, expiry).ok).toBe(true);
      expect(verify(header, expiry + 1)).toEqual({ ok: false, reason: expect.stringMatching(/expired/) });
    });

    it('refuses forged, foreign and malformed headers every time', () => {
      const verify = identityVerifier(secret);
      const [version, , mac] = signIdentity(staff, secret).split('.');
      const forged = Buffer.from(JSON.stringify({ k: 'staff', s: 'staff-1', sc: ['members:pii'], exp: 9999999999 })).toString('base64url');
      for (const header of [
        `${version}.${forged}.${mac}`,
        signIdentity(staff, 'another-secret-that-is-long-enough'),
        'v1.abc',
        undefined,
      ]) {
        expect(verify(header).ok).toBe(false);
        expect(verify(header).ok).toBe(false);
      }
    });

    it('keeps at most maxEntries headers and still verifies after dropping them', () => {
      const verify = identityVerifier(secret, 2);
      const headers = ['a', 'b', 'c'].map((subject) => signIdentity({ ...staff, subject }, secret));
      for (const header of [...headers, ...headers]) expect(verify(header).ok).toBe(true);
      expect(verify(headers[0]).ok && verify(headers[0])).toEqual({ ok: true, identity: { ...staff, subject: 'a' } });
    });
  });
});
