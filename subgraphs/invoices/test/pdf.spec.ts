import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { newId } from '../../../platform/values/ids.ts';
import { linkSecret, PDF_LINK_TTL_SECONDS, signedPdfPath } from '../pdf-links.ts';
import { COMPANY, type InvoicesSystem, member, pdfText, startInvoicesSystem } from './fixtures.ts';

/**
 * Every issued invoice and credit note has a PDF at a signed, expiring link
 * (Invoice.pdfUrl), which this test fetches from the invoices server's own
 * route (as the router forwards it) and reads back.
 */
describe.each(databaseTargets())('invoice PDFs on $label', (target) => {
  let env: TestEnvironment;
  let system: InvoicesSystem;
  let base: string;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startInvoicesSystem(env.config);
    base = system.invoices.url.replace(/\/graphql$/, '');
    await system.product('STANDARD', [{ code: 'PDF-PAD', price: '1234.56' }], 'Brake pad set (front)');
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const issued = async (buyer: { name: string; taxId?: string; email: string }) => {
    const memberId = newId();
    const order = await system.paidOrder(memberId, [{ skuCode: 'PDF-PAD', quantity: 2 }]);
    const request = await system.mutate('requestInvoice', { orderId: order.id, buyer }, member(memberId));
    const { invoice } = await system.mutate('issueInvoice', { invoiceId: request.invoice!.id });
    return { memberId, invoice: invoice! };
  };
  const download = (path: string) => fetch(`${base}${path}`);

  it('serves the issued invoice as a PDF that shows its number, lines and total', async () => {
    const { invoice } = await issued(COMPANY);
    const response = await download(invoice.pdfUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${invoice.number}.pdf"`);
    const texts = pdfText(Buffer.from(await response.arrayBuffer()));
    expect(texts).toContain(`INVOICE ${invoice.number}`);
    expect(texts).toContain(invoice.number);
    expect(texts).toContain('Brake pad set (front)');
    expect(texts).toContain(COMPANY.taxId);
    expect(texts[texts.indexOf('Total') + 1]).toBe(`${invoice.total!.amount} CNY`);
    expect(invoice.total!.amount).toBe('2469.12');
    expect(texts[texts.lastIndexOf('Tax') + 1]).toBe(`${invoice.taxTotal!.amount} CNY`);
  });

  it('writes a Chinese buyer name in the standard CJK font, and a credit note with its negative total', async () => {
    const { invoice } = await issued({ name: '上海汽配有限公司', taxId: COMPANY.taxId, email: COMPANY.email });
    expect(pdfText(Buffer.from(await (await download(invoice.pdfUrl!)).arrayBuffer()))).toContain('上海汽配有限公司');
    const voided = await system.mutate('voidInvoice', { invoiceId: invoice.id, reason: 'wrong buyer' });
    const creditNote = (await system.invoice(voided.invoice!.creditNote!.id))!;
    const texts = pdfText(Buffer.from(await (await download(creditNote.pdfUrl!)).arrayBuffer()));
    expect(texts).toContain(`CREDIT NOTE ${creditNote.number}`);
    expect(texts[texts.indexOf('Total') + 1]).toBe('-2469.12 CNY');
    expect(texts).toContain('wrong buyer');
  });

  it('gives the link to the buyer and invoice staff only, and refuses a forged, expired or unissued link', async () => {
    const { memberId, invoice } = await issued(COMPANY);
    expect((await system.invoice(invoice.id, member(memberId)))?.pdfUrl).toMatch(
      /^\/invoices\/pdf\?id=.+&expires=\d+&signature=[0-9a-f]{64}$/,
    );
    expect(await system.invoice(invoice.id, member(newId()))).toBeNull();

    const forged = invoice.pdfUrl!.replace(/signature=./, (s) => `signature=${s.endsWith('0') ? '1' : '0'}`);
    expect((await download(forged)).status).toBe(403);
    const otherInvoice = invoice.pdfUrl!.replace(`id=${invoice.id}`, `id=${newId()}`);
    expect((await download(otherInvoice)).status).toBe(403);
    const secret = linkSecret(env.config);
    const expired = signedPdfPath(secret, invoice.id, Date.now() - (PDF_LINK_TTL_SECONDS + 1) * 1000);
    expect((await download(expired)).status).toBe(410);
    const requestOnly = await system.mutate(
      'requestInvoice',
      { orderId: (await system.paidOrder(memberId, [{ skuCode: 'PDF-PAD', quantity: 1 }])).id, buyer: COMPANY },
      member(memberId),
    );
    expect(requestOnly.invoice!.pdfUrl).toBeNull();
    expect((await download(signedPdfPath(secret, requestOnly.invoice!.id))).status).toBe(404);
    expect((await fetch(`${base}${invoice.pdfUrl}`, { method: 'POST' })).status).toBe(405);
  });
});

describe('invoice PDFs on MySQL', () => {
  reportSkippedMysql();
});
