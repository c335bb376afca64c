import type { CommonConfig } from '../../platform/config/common.ts';
import { declareSettings, secret } from '../../platform/config/env.ts';

/**
 * The invoices subgraph's own settings: the key of the verification codes
 * printed (in a QR code) on every invoice and credit note. Only invoices reads
 * and validates it.
 */

export type InvoicesSettings = {
  /**
   * INVOICE_VERIFICATION_SECRET: HMAC key of invoice verification codes
   * (verification.ts). A printed invoice lives for years, so this key is its
   * own and never rotated with INTERNAL_AUTH_SECRET; changing it makes every
   * code printed so far fail verification. Unset outside production: derived
   * from the development INTERNAL_AUTH_SECRET. Invoices requires it in production.
   */
  invoiceVerificationSecret: string | undefined;
};

const invoiceVerificationSecret = secret('INVOICE_VERIFICATION_SECRET', {
  minLength: 32,
  defaultText: 'derived from the development `INTERNAL_AUTH_SECRET`',
  description:
    'The HMAC key of the verification code printed (in a QR code) on every invoice and credit note and checked by the public ' +
    '`invoiceVerification(code)` query. Keep it for as long as invoices must verify: changing it makes every code printed ' +
    'before fail. Required in production (invoices refuses to start without it).',
});

export const invoicesSettings = declareSettings<CommonConfig, InvoicesSettings>({
  readBy: 'invoices',
  settings: [invoiceVerificationSecret],
  build: (read) => ({ invoiceVerificationSecret: read(invoiceVerificationSecret) }),
});
