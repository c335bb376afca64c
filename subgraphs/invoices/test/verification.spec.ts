import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../../../platform/config/config.ts';
import { invoicesSubgraph } from '../server.ts';
import { issueDate, macMatches, parseVerificationCode, qrText, verificationCode, verificationSecret } from '../verification.ts';

/**
 * The verification code printed on invoices: what it covers, its form, and
 * where its key comes from (production refuses to run without one).
 */
const SECRET = 'k'.repeat(32);
const FACTS = { number: 'INV-2026-000042', issuedOn: '2026-03-05', totalMinor: 246912, currency: 'CNY' };

describe('invoice verification codes', () => {
  it('are the number, a dot and 16 Crockford base32 characters that parse back', () => {
    const code = verificationCode(SECRET, FACTS);
    expect(code).toMatch(/^INV-2026-000042\.[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(parseVerificationCode(code)).toEqual({ ok: true, number: FACTS.number, mac: code.slice(-16) });
    expect(qrText(FACTS, code)).toBe(`IV1,INV-2026-000042,2026-03-05,2469.12,CNY,${code}`);
  });

  it('cover the number, the issue date, the total and its currency, under the key', () => {
    const mac = verificationCode(SECRET, FACTS).slice(-16);
    expect(macMatches(SECRET, FACTS, mac)).toBe(true);
    for (const changed of [
      { ...FACTS, number: 'INV-2026-000043' },
      { ...FACTS, issuedOn: '2026-03-06' },
      { ...FACTS, totalMinor: 246913 },
      { ...FACTS, currency: 'USD' },
    ]) {
      expect(macMatches(SECRET, changed, mac)).toBe(false);
    }
    expect(macMatches('j'.repeat(32), FACTS, mac)).toBe(false);
  });

  it('refuse anything but the exact form, quoting a bounded excerpt', () => {
    for (const code of [
      '',
      'INV-2026-000042',
      'XYZ-2026-000042.0123456789ABCDEF',
      'INV-2026-000042.0123456789ABCDEI',
      `${'A'.repeat(5000)}`,
    ]) {
      const parsed = parseVerificationCode(code);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message.length).toBeLessThan(300);
    }
  });

  it('date an invoice in China Standard Time, as its number counts the year', () => {
    expect(issueDate(new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
    expect(issueDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('take the key from INVOICE_VERIFICATION_SECRET, derive a development one, and refuse production without it', async () => {
    expect(verificationSecret(loadConfig({ INVOICE_VERIFICATION_SECRET: SECRET }, 'invoices'))).toBe(SECRET);
    expect(() => loadConfig({ INVOICE_VERIFICATION_SECRET: 'short' }, 'invoices')).toThrow(/INVOICE_VERIFICATION_SECRET/);
    const production = loadConfig(
      { NODE_ENV: 'production', INTERNAL_AUTH_SECRET: 'x'.repeat(32), JWT_PUBLIC_KEY: publicKey() },
      'invoices',
    );
    expect(() => verificationSecret(production)).toThrow(/INVOICE_VERIFICATION_SECRET in production/);
    await expect(invoicesSubgraph.prepare!(null as never, production, console as never)).rejects.toThrow(/INVOICE_VERIFICATION_SECRET/);
    // Keys given, so no development key file is written.
    const keys = { INTERNAL_AUTH_SECRET: 'y'.repeat(32), JWT_PUBLIC_KEY: publicKey() };
    const derived = verificationSecret(loadConfig(keys, 'invoices'));
    expect(derived).not.toBe(keys.INTERNAL_AUTH_SECRET);
    expect(derived.length).toBeGreaterThanOrEqual(32);
    expect(verificationSecret(loadConfig(keys, 'invoices'))).toBe(derived);
    expect(verificationSecret(loadConfig({ ...keys, INTERNAL_AUTH_SECRET: 'z'.repeat(32) }, 'invoices'))).not.toBe(derived);
  });
});

function publicKey(): string {
  return generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
