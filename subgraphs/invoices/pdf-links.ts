import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadSecrets } from '../../platform/auth/secrets.ts';
import type { Config } from '../../platform/config/config.ts';

/**
 * The PDF of an invoice is served at a signed, expiring link:
 * /invoices/pdf?id=<invoice id>&expires=<unix seconds>&signature=<hex>, the
 * signature an HMAC-SHA256 of the id and expiry under INTERNAL_AUTH_SECRET.
 * Only a caller who may read the invoice gets the link (Invoice.pdfUrl), and
 * it works for 15 minutes, so it can be opened in a browser tab or handed to a
 * download manager without a bearer token. The router forwards /invoices/ to
 * the invoices subgraph, so the link is relative to the graph's origin.
 */
export const PDF_PATH = '/invoices/pdf';
export const PDF_LINK_TTL_SECONDS = 15 * 60;

const secrets = new WeakMap<Config, string>();

/** The HMAC key: INTERNAL_AUTH_SECRET, or the development key kept in DATA_DIR. */
export function linkSecret(config: Config): string {
  let secret = secrets.get(config);
  if (!secret) {
    secret = loadSecrets(config).internalAuthSecret;
    secrets.set(config, secret);
  }
  return secret;
}

const signatureOf = (secret: string, invoiceId: string, expires: number) =>
  createHmac('sha256', secret).update(`invoice-pdf\n${invoiceId}\n${expires}`).digest('hex');

export function signedPdfPath(secret: string, invoiceId: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + PDF_LINK_TTL_SECONDS;
  const query = new URLSearchParams({ id: invoiceId, expires: String(expires), signature: signatureOf(secret, invoiceId, expires) });
  return `${PDF_PATH}?${query}`;
}

export type LinkCheck = { ok: true; invoiceId: string } | { ok: false; status: number; reason: string };

export function verifyPdfLink(secret: string, params: URLSearchParams, now = Date.now()): LinkCheck {
  const invoiceId = params.get('id') ?? '';
  const expires = Number(params.get('expires'));
  const signature = params.get('signature') ?? '';
  if (!invoiceId || !Number.isInteger(expires) || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, status: 400, reason: 'an invoice link carries id, expires and signature' };
  }
  const expected = Buffer.from(signatureOf(secret, invoiceId, expires), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return { ok: false, status: 403, reason: 'the link signature does not verify' };
  }
  if (expires * 1000 < now) return { ok: false, status: 410, reason: 'the link has expired; ask for the invoice again for a fresh one' };
  return { ok: true, invoiceId };
}
