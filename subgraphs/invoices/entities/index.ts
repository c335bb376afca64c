import { InvoiceEntity, InvoiceLineEntity, OrderRefundEntity } from './invoice.entity.ts';

export const invoicesEntities = [InvoiceEntity, InvoiceLineEntity, OrderRefundEntity];
