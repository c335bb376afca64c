import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { newId } from '../../../platform/values/ids.ts';
import { linkSecret, PDF_LINK_TTL_SECONDS, signedPdfPath } from '../pdf-links.ts';
import { SELLER_NAME } from '../routes.ts';
import { COMPANY, type InvoicesSystem, member, startInvoicesSystem } from './fixtures.ts';
import { readPdf } from './pdf-reader.ts';

/**
 * Every issued invoice and credit note has a PDF at a signed, expiring link
 * (Invoice.pdfUrl), which this test fetches from the invoices server's own
 * route (as the router forwards it) and reads back with pdf.js, as a reader
 * would: its text, its metadata, its embedded fonts and its QR code, whose
 * verification code the public invoiceVerification query checks.
 */
const VERIFY = `query ($code: String!) { invoiceVerification(code: $code) { genuine kind number issuedOn total { amount currencyCode } status } }`;
const CHINESE_BUYER = '上海汽配有限公司';
const CHINESE_PRODUCT = '刹车片套装（前轮）';

describe.each(databaseTargets())('invoice PDFs on $label', (target) => {
  let env: TestEnvironment;
  let system: InvoicesSystem;
  let base: string;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startInvoicesSystem(env.config);
    base = system.invoices.url.replace(/\/graphql$/, '');
    await system.product('STANDARD', [{ code: 'PDF-PAD', price: '1234.56' }], 'Brake pad set (front)');
    await system.product('STANDARD', [{ code: 'PDF-PAD-CN', price: '88.00' }], CHINESE_PRODUCT);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const issued = async (buyer: { name: string; taxId?: string; email: string }, skuCode = 'PDF-PAD') => {
    const memberId = newId();
    const order = await system.paidOrder(memberId, [{ skuCode, quantity: 2 }]);
    const request = await system.mutate('requestInvoice', { orderId: order.id, buyer }, member(memberId));
    const { invoice } = await system.mutate('issueInvoice', { invoiceId: request.invoice!.id });
    return { memberId, invoice: invoice! };
  };
  const download = (path: string) => fetch(`${base}${path}`);
  const pdfOf = async (path: string) => Buffer.from(await (await download(path)).arrayBuffer());
  /** The QR code's fields: IV1, number, issue date, total, currency, verification code. */
  const qrFields = (text: string | null) => {
    const fields = (text ?? '').split(',');
    expect(fields).toHaveLength(6);
    expect(fields[0]).toBe('IV1');
    return { number: fields[1]!, issuedOn: fields[2]!, amount: fields[3]!, currency: fields[4]!, code: fields[5]! };
  };
  const verify = async (code: string) => {
    const result = await system.invoices.request<{ invoiceVerification: Record<string, unknown> }>(VERIFY, { code });
    return result;
  };

  it('serves the issued invoice as a PDF that shows its number, lines and total, with the seller and number in its metadata', async () => {
    const { invoice } = await issued(COMPANY);
    const response = await download(invoice.pdfUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${invoice.number}.pdf"`);
    const pdf = Buffer.from(await response.arrayBuffer());
    const { texts, info, pages } = await readPdf(pdf);
    expect(pages).toBe(1);
    expect(texts).toContain(`INVOICE ${invoice.number}`);
    expect(texts).toContain('Brake pad set (front)');
    expect(texts).toContain(COMPANY.taxId);
    expect(texts).toContain(COMPANY.name);
    expect(texts[texts.indexOf('Total') + 1]).toBe(`${invoice.total!.amount} CNY`);
    expect(invoice.total!.amount).toBe('2469.12');
    expect(texts[texts.lastIndexOf('Tax') + 1]).toBe(`${invoice.taxTotal!.amount} CNY`);
    expect(info).toMatchObject({ Title: `INVOICE ${invoice.number}`, Author: SELLER_NAME });
    expect(info.Subject).toContain(invoice.number);
    // Drawn from the stored document only: the same invoice gives the same bytes.
    expect((await pdfOf(invoice.pdfUrl!)).equals(pdf)).toBe(true);
  });

  it('embeds a subset of its font, so a Chinese buyer name and description read back from the file itself', async () => {
    const { invoice } = await issued({ name: CHINESE_BUYER, taxId: COMPANY.taxId, email: COMPANY.email }, 'PDF-PAD-CN');
    const pdf = await pdfOf(invoice.pdfUrl!);
    const { texts, fontPrograms, fonts } = await readPdf(pdf);
    expect(texts).toContain(CHINESE_BUYER);
    expect(texts.some((text) => text.startsWith(CHINESE_PRODUCT))).toBe(true);
    expect(fontPrograms.FontFile2 + fontPrograms.FontFile3).toBeGreaterThan(0);
    // Every font the text uses comes from the file: nothing is left for the reader to substitute.
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((font) => !font.embedded)).toEqual([]);
    expect(fonts.every((font) => /^[A-Z]{6}\+NotoSansSC-/.test(font.name))).toBe(true);
    // A subset: the whole font is 10 MB; the invoice carries only the glyphs it shows.
    expect(pdf.length).toBeLessThan(60_000);
  });

  it('prints a QR code whose verification code invoiceVerification accepts, and refuses a changed one', async () => {
    const { invoice } = await issued(COMPANY);
    const { texts, qrText } = await readPdf(await pdfOf(invoice.pdfUrl!));
    const qr = qrFields(qrText);
    expect(qr).toMatchObject({ number: invoice.number, amount: invoice.total!.amount, currency: 'CNY' });
    expect(qr.issuedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(texts).toContain(qr.code);
    expect(texts[texts.indexOf('Issued') + 1]).toBe(qr.issuedOn);

    const genuine = await verify(qr.code);
    expect(genuine.errors).toBeUndefined();
    expect(genuine.data!.invoiceVerification).toEqual({
      genuine: true,
      kind: 'INVOICE',
      number: invoice.number,
      issuedOn: qr.issuedOn,
      total: invoice.total,
      status: 'ISSUED',
    });
    // As typed by hand: lower case and surrounding spaces are forgiven.
    expect((await verify(` ${qr.code.toLowerCase()} `)).data!.invoiceVerification).toMatchObject({ genuine: true });

    const notGenuine = { genuine: false, kind: null, number: null, issuedOn: null, total: null, status: null };
    const lastChanged = `${qr.code.slice(0, -1)}${qr.code.endsWith('0') ? '1' : '0'}`;
    expect((await verify(lastChanged)).data!.invoiceVerification).toEqual(notGenuine);
    // The mac of this invoice does not vouch for another number, nor for a number never issued.
    const [, year, sequence] = /^INV-(\d{4})-(\d{6})$/.exec(invoice.number!)!;
    const otherNumber = `INV-${year}-${String(Number(sequence) === 1 ? 2 : Number(sequence) - 1).padStart(6, '0')}`;
    expect((await verify(qr.code.replace(invoice.number!, otherNumber))).data!.invoiceVerification).toEqual(notGenuine);
    expect((await verify(qr.code.replace(invoice.number!, `INV-${year}-999999`))).data!.invoiceVerification).toEqual(notGenuine);
  });

  it('verifies a credit note with its negative total, and shows a voided invoice as VOIDED', async () => {
    const { invoice } = await issued(COMPANY);
    const before = qrFields((await readPdf(await pdfOf(invoice.pdfUrl!))).qrText);
    const voided = await system.mutate('voidInvoice', { invoiceId: invoice.id, reason: 'wrong buyer' });
    const creditNote = (await system.invoice(voided.invoice!.creditNote!.id))!;
    const { texts, qrText } = await readPdf(await pdfOf(creditNote.pdfUrl!));
    expect(texts).toContain(`CREDIT NOTE ${creditNote.number}`);
    expect(texts[texts.indexOf('Total') + 1]).toBe('-2469.12 CNY');
    expect(texts).toContain('wrong buyer');
    const note = qrFields(qrText);
    expect(note.amount).toBe('-2469.12');
    expect((await verify(note.code)).data!.invoiceVerification).toMatchObject({
      genuine: true,
      kind: 'CREDIT_NOTE',
      number: creditNote.number,
      total: { amount: '-2469.12', currencyCode: 'CNY' },
      status: 'ISSUED',
    });
    expect((await verify(before.code)).data!.invoiceVerification).toMatchObject({ genuine: true, status: 'VOIDED' });
  });

  it('refuses a malformed verification code with BAD_USER_INPUT, quoting only an excerpt', async () => {
    for (const code of [
      '',
      'INV-2026-000001',
      'INV-2026-000001.',
      'INV-2026-000001.0123456789ABCDEI',
      'X'.repeat(100_000),
      'INV-2026-000001.0450P2T4BDM16105\u0000',
    ]) {
      const result = await verify(code);
      expect(result.data).toBeNull();
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
      expect(result.errors![0]!.message).toMatch(/a verification code is the invoice number, a dot and 16 characters/);
      expect(result.errors![0]!.message.length).toBeLessThan(400);
    }
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
