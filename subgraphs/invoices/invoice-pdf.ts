import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatMinor } from '../../platform/values/money.ts';
import type { Invoice, InvoiceLine } from './entities/invoice.entity.ts';
import { taxRateText } from './tax-rate.ts';
import { qrText, verificationCode, verifiedFacts } from './verification.ts';

/**
 * The printable invoice or credit note: number, dates, buyer, lines, totals
 * and a QR code with the verification code, drawn from the stored (immutable)
 * document with pdfkit, so the same invoice always gives the same bytes.
 *
 * Every text is set in Noto Sans SC (SIL Open Font License), installed as an
 * npm package (TrueType, read from node_modules, never fetched). pdfkit
 * embeds only the glyphs a document uses (a subset TrueType font program,
 * /FontFile2, with a ToUnicode map), so any reader shows a Chinese buyer name
 * and description without an Asian font pack, text can be searched and
 * copied, and an invoice stays near 20 KB instead of the font's 10 MB.
 */
const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
};

/**
 * The two font files, read once per process on the first PDF. Given a path,
 * pdfkit reads the 10 MB file again for every document; that, and opening the
 * regular font a second time as the document's initial font, made a one-page
 * invoice cost about 400 ms of CPU (about 50 ms now), enough under load to
 * pass the router's 10 s deadline for documents.
 */
let fontBytes: { regular: Buffer; bold: Buffer } | undefined;
function fonts(): { regular: Buffer; bold: Buffer } {
  fontBytes ??= { regular: readFileSync(FONT_FILES.regular), bold: readFileSync(FONT_FILES.bold) };
  return fontBytes;
}

const A4 = { width: 595.28, height: 841.89 };
const LINES_PER_PAGE = 32;
const COLUMNS = { description: 40, quantity: 300, unitPrice: 340, amount: 410, rate: 470, tax: 510 };
const QR = { x: 475, y: 36, size: 80 };

type Text = { size?: number; bold?: boolean; width?: number; align?: 'left' | 'right' };

export function invoicePdf(invoice: Invoice, lines: readonly InvoiceLine[], seller: string, verificationSecret: string): Promise<Buffer> {
  const facts = verifiedFacts(invoice);
  const code = verificationCode(verificationSecret, facts);
  const money = (minor: number) => formatMinor(minor, facts.currency);
  const title = `${invoice.kind === 'CREDIT_NOTE' ? 'CREDIT NOTE' : 'INVOICE'} ${facts.number}`;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    info: {
      Title: title,
      Author: seller,
      Subject: `${title} of order ${invoice.orderNumber}, issued by ${seller}`,
      Keywords: `${facts.number}, ${invoice.orderNumber}`,
      Creator: 'commerce-supergraph invoices',
      // The issue time, not the time of printing: the same document gives the same file.
      CreationDate: invoice.issuedAt!,
    },
  });
  doc.registerFont('regular', fonts().regular);
  doc.registerFont('bold', fonts().bold);
  const bytes = collect(doc);

  const put = (text: string, x: number, y: number, options: Text = {}) => {
    doc.font(options.bold ? 'bold' : 'regular').fontSize(options.size ?? 10);
    const shown = options.width ? fitToWidth(doc, text, options.width) : text;
    doc.text(shown, x, y, { lineBreak: false, width: options.width, align: options.align ?? 'left' });
  };
  const rule = (y: number) => doc.moveTo(40, y).lineTo(555, y).lineWidth(0.5).stroke();

  const chunks = lines.length
    ? Array.from({ length: Math.ceil(lines.length / LINES_PER_PAGE) }, (_, i) => lines.slice(i * LINES_PER_PAGE, (i + 1) * LINES_PER_PAGE))
    : [[]];
  chunks.forEach((chunk, pageIndex) => {
    doc.addPage({ size: 'A4', margin: 0 });
    put(title, 40, 40, { size: 18, bold: true });
    drawQrCode(doc, qrText(facts, code));
    put('Verification code', 395, QR.y + QR.size + 4, { size: 7, bold: true, width: 160, align: 'right' });
    put(code, 355, QR.y + QR.size + 14, { size: 7, width: 200, align: 'right' });
    put(`Page ${pageIndex + 1} of ${chunks.length}`, 40, A4.height - 40, { size: 8 });
    let y = 80;
    const header: [string, string][] = [
      ['Number', facts.number],
      ['Issued', facts.issuedOn],
      ['Order', invoice.orderNumber],
      ['Seller', seller],
      ['Buyer', invoice.buyerName],
      ['Buyer tax id', invoice.buyerTaxId ?? '-'],
    ];
    if (invoice.kind === 'CREDIT_NOTE') header.push(['Reason', invoice.reason ?? '']);
    for (const [label, value] of header) {
      put(label, 40, y, { bold: true });
      put(value, 130, y, { width: 220 });
      y += 15;
    }
    y = Math.max(y, QR.y + QR.size + 30) + 10;
    const headings: [keyof typeof COLUMNS, string][] = [
      ['description', 'Description'],
      ['quantity', 'Qty'],
      ['unitPrice', 'Unit price'],
      ['amount', 'Amount'],
      ['rate', 'Rate'],
      ['tax', 'Tax'],
    ];
    for (const [column, text] of headings) put(text, COLUMNS[column], y, { size: 9, bold: true });
    rule(y + 14);
    y += 20;
    for (const line of chunk) {
      put(line.description, COLUMNS.description, y, { size: 9, width: COLUMNS.quantity - COLUMNS.description - 8 });
      put(String(line.quantity), COLUMNS.quantity, y, { size: 9 });
      put(money(line.unitPriceMinor), COLUMNS.unitPrice, y, { size: 9 });
      put(money(line.amountMinor), COLUMNS.amount, y, { size: 9 });
      put(taxRateText(line.taxRateBp), COLUMNS.rate, y, { size: 9 });
      put(money(line.taxMinor), COLUMNS.tax, y, { size: 9 });
      y += 14;
    }
    if (pageIndex === chunks.length - 1) {
      rule(y + 2);
      y += 12;
      const totals: [string, number | null | undefined][] = [
        ['Subtotal (excl. tax)', invoice.subtotalMinor],
        ['Tax', invoice.taxMinor],
        ['Total', invoice.totalMinor],
      ];
      for (const [label, minor] of totals) {
        put(label, 340, y, { bold: label === 'Total' });
        put(`${money(minor ?? 0)} ${facts.currency}`, 470, y, { bold: label === 'Total' });
        y += 15;
      }
      y += 10;
      put('Prices include VAT; tax is computed per line and rounded half up to the cent.', 40, y, { size: 8 });
      put('Scan the QR code, or ask invoiceVerification(code) with the verification code, to check this document.', 40, y + 12, {
        size: 8,
      });
    }
  });
  doc.end();
  return bytes;
}

/** The text cut (with an ellipsis) to what fits in `width` points at the current font and size. */
function fitToWidth(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let characters = [...text].slice(0, 200);
  while (characters.length > 0 && doc.widthOfString(`${characters.join('')}…`) > width) characters = characters.slice(0, -1);
  return `${characters.join('')}…`;
}

/** The QR code as filled rectangles (vector, sharp at any zoom): one per run of dark modules in a row. */
function drawQrCode(doc: PDFKit.PDFDocument, text: string): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cell = QR.size / modules.size;
  for (let row = 0; row < modules.size; row++) {
    let column = 0;
    while (column < modules.size) {
      if (!modules.get(row, column)) {
        column++;
        continue;
      }
      const start = column;
      while (column < modules.size && modules.get(row, column)) column++;
      doc.rect(QR.x + start * cell, QR.y + row * cell, (column - start) * cell, cell);
    }
  }
  doc.fillColor('black').fill();
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    doc.on('data', (part: Buffer) => parts.push(part));
    doc.on('end', () => resolve(Buffer.concat(parts)));
    doc.on('error', reject);
  });
}
