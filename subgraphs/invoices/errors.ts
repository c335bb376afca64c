import type { UserError } from '../../platform/graphql/user-errors.ts';
import type { Invoice } from './entities/invoice.entity.ts';

export type InvoiceErrorCode =
  | 'INVALID_VALUE'
  | 'INVALID_TAX_ID'
  | 'UNKNOWN_ORDER'
  | 'UNKNOWN_INVOICE'
  | 'ORDER_NOT_INVOICEABLE'
  | 'INVOICE_EXISTS'
  | 'INVALID_STATE_TRANSITION'
  | 'NOT_ALLOWED'
  | 'SERVICE_UNAVAILABLE';

export type InvoicePayload = { invoice: Invoice | null; userErrors: UserError<InvoiceErrorCode>[] };

export const refuse = (code: InvoiceErrorCode, field: string | null, message: string): InvoicePayload => ({
  invoice: null,
  userErrors: [{ code, field, message }],
});

export const unavailable = (error: Error): InvoicePayload =>
  refuse('SERVICE_UNAVAILABLE', null, `a service invoices relies on did not answer (${error.message}); nothing was written, retry`);
