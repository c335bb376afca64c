import type { SubgraphRoute } from '../../platform/graphql/subgraph.ts';
import { sendJson } from '../../platform/http/graphql-over-http.ts';
import { InvoiceEntity, InvoiceLineEntity } from './entities/invoice.entity.ts';
import { invoicePdf } from './invoice-pdf.ts';
import { PDF_PATH, verifyPdfLink } from './pdf-links.ts';
import { verificationSecret } from './verification.ts';

/**
 * GET /invoices/pdf?id=...&expires=...&signature=...: the PDF of an issued
 * invoice or credit note. Outside the router's identity signature on purpose:
 * the link's own signature (pdf-links.ts) is the proof that someone allowed
 * to read the invoice asked for it, a short while ago.
 */
export const SELLER_NAME = 'Commerce Supergraph Trading Co., Ltd.';

const servePdf: SubgraphRoute = async (req, res, services) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendJson(res, 405, { code: 'BAD_REQUEST', message: `invoice PDFs are fetched with GET; received ${req.method}` });
    return;
  }
  const params = new URL(req.url ?? '/', 'http://invoices').searchParams;
  const link = verifyPdfLink(services.secrets.internalAuthSecret, params);
  if (!link.ok) {
    sendJson(res, link.status, { code: link.status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST', message: link.reason });
    return;
  }
  const em = services.db.fork();
  const invoice = await em.findOne(InvoiceEntity, { id: link.invoiceId });
  if (!invoice?.number) {
    sendJson(res, 404, { code: 'NOT_FOUND', message: `invoice ${link.invoiceId} has not been issued` });
    return;
  }
  const lines = await em.find(InvoiceLineEntity, { invoiceId: invoice.id }, { orderBy: { position: 'asc' } });
  const pdf = await invoicePdf(invoice, lines, SELLER_NAME, verificationSecret(services.config));
  res.writeHead(200, {
    'content-type': 'application/pdf',
    'content-length': String(pdf.length),
    'content-disposition': `inline; filename="${invoice.number}.pdf"`,
    'cache-control': 'private, max-age=300',
  });
  res.end(req.method === 'HEAD' ? undefined : pdf);
};

export const invoicesRoutes: Record<string, SubgraphRoute> = { [PDF_PATH]: servePdf };
