import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadSecrets } from '../../platform/auth/secrets.ts';
import type { Config } from '../../platform/config/config.ts';
import { BUSINESS_TIME_ZONE } from '../../platform/db/sequence.ts';
import { quoted } from '../../platform/graphql/excerpt.ts';
import { formatMinor } from '../../platform/values/money.ts';
import type { Invoice } from './entities/invoice.entity.ts';

/**
 * The verification code printed on every issued invoice and credit note (in
 * its QR code and as text): `<number>.<mac>`, e.g.
 * `INV-2026-000001.7K3M9QX2D4HT6PWR`, where the mac is the first 80 bits of an
 * HMAC-SHA256 under INVOICE_VERIFICATION_SECRET over the number, the issue date
 * and the total, in Crockford base32 (16 characters, no I, L, O or U). Anyone
 * may ask `invoiceVerification(code)` whether a printed invoice is ours: only
 * we can compute the mac, so a forged code, or one copied onto a document
 * with another number, date or total, does not verify. The number in front
 * lets the check find the document without storing the codes.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAC_BYTES = 10;
export const VERIFICATION_CODE_PATTERN = /^((?:INV|CN)-\d{4}-\d{6,9})\.([0-9A-HJKMNP-TV-Z]{16})$/;

/** What a code vouches for: the stored, immutable facts of the issued document. */
export type VerifiedFacts = { number: string; issuedOn: string; totalMinor: number; currency: string };

const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: BUSINESS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
/** The issue date as printed: YYYY-MM-DD in China Standard Time, the time zone invoice numbers' years are counted in. */
export const issueDate = (at: Date): string => dateFormat.format(at);

/** The facts a verification code covers, from an issued document (throws for one not issued). */
export function verifiedFacts(invoice: Invoice): VerifiedFacts {
  const { number, issuedAt, totalMinor, currency } = invoice;
  if (!number || !issuedAt || totalMinor === null || totalMinor === undefined || !currency) {
    throw new Error(`invoice ${invoice.id} has not been issued; only issued documents have a verification code`);
  }
  return { number, issuedOn: issueDate(issuedAt), totalMinor, currency };
}

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

const macOf = (secret: string, facts: VerifiedFacts) =>
  base32(
    createHmac('sha256', secret)
      .update(`invoice-verification\n${facts.number}\n${facts.issuedOn}\n${facts.totalMinor}\n${facts.currency}`)
      .digest()
      .subarray(0, MAC_BYTES),
  );

export const verificationCode = (secret: string, facts: VerifiedFacts): string => `${facts.number}.${macOf(secret, facts)}`;

/** True when `mac` is the one of these facts (compared in constant time). */
export const macMatches = (secret: string, facts: VerifiedFacts, mac: string): boolean =>
  timingSafeEqual(Buffer.from(macOf(secret, facts)), Buffer.from(mac));

export type ParsedCode = { ok: true; number: string; mac: string } | { ok: false; message: string };

/** The number and mac of a well-formed code; surrounding spaces and lower case (as typed) are forgiven. */
export function parseVerificationCode(code: string): ParsedCode {
  const match = VERIFICATION_CODE_PATTERN.exec(code.trim().toUpperCase());
  if (!match) {
    return {
      ok: false,
      message:
        'a verification code is the invoice number, a dot and 16 characters of 0-9 and A-Z without I, L, O, U ' +
        `(e.g. INV-2026-000001.7K3M9QX2D4HT6PWR); received ${quoted(code)}`,
    };
  }
  return { ok: true, number: match[1]!, mac: match[2]! };
}

/**
 * The QR code's text: comma-separated, the format's name first, so a scanner
 * app shows it and a verifier can read it without us: `IV1,<number>,<issue
 * date>,<total>,<currency>,<verification code>`.
 */
export const qrText = (facts: VerifiedFacts, code: string): string =>
  ['IV1', facts.number, facts.issuedOn, formatMinor(facts.totalMinor, facts.currency), facts.currency, code].join(',');

const secrets = new WeakMap<Config, string>();

/**
 * INVOICE_VERIFICATION_SECRET; outside production, a key derived from the
 * development INTERNAL_AUTH_SECRET (so every process of a development system
 * agrees). Production without it throws: the invoices subgraph checks this
 * at start (server.ts `prepare`).
 */
export function verificationSecret(config: Config): string {
  let secret = secrets.get(config);
  if (!secret) {
    if (config.invoiceVerificationSecret) secret = config.invoiceVerificationSecret;
    else if (config.mode === 'production') {
      throw new Error('the invoices subgraph needs INVOICE_VERIFICATION_SECRET in production (the key of invoice verification codes)');
    } else {
      secret = createHmac('sha256', loadSecrets(config).internalAuthSecret)
        .update('invoice-verification development key')
        .digest('base64url');
    }
    secrets.set(config, secret);
  }
  return secret;
}
