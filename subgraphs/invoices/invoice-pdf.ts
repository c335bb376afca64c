import { formatMinor } from '../../platform/values/money.ts';
import type { Invoice, InvoiceLine } from './entities/invoice.entity.ts';
import { A4, type Page, type TextRun, writePdf } from './pdf-writer.ts';
import { taxRateText } from './tax-rate.ts';

/**
 * The printable invoice or credit note: number, dates, buyer, lines and
 * totals, drawn from the stored (immutable) document, so the same invoice
 * always gives the same PDF.
 */
const LINES_PER_PAGE = 32;
const COLUMNS = { description: 40, quantity: 300, unitPrice: 340, amount: 410, rate: 470, tax: 510 };

export function invoicePdf(invoice: Invoice, lines: readonly InvoiceLine[], seller: string): Buffer {
  const currency = invoice.currency ?? 'CNY';
  const money = (minor: number | null | undefined) => formatMinor(minor ?? 0, currency);
  const title = invoice.kind === 'CREDIT_NOTE' ? 'CREDIT NOTE' : 'INVOICE';
  const pages: Page[] = [];
  const chunks = lines.length
    ? Array.from({ length: Math.ceil(lines.length / LINES_PER_PAGE) }, (_, i) => lines.slice(i * LINES_PER_PAGE, (i + 1) * LINES_PER_PAGE))
    : [[]];
  chunks.forEach((chunk, pageIndex) => {
    const runs: TextRun[] = [];
    let y = A4.height - 60;
    runs.push({ x: 40, y, text: `${title} ${invoice.number ?? ''}`, size: 18, bold: true });
    runs.push({ x: 430, y, text: `Page ${pageIndex + 1} of ${chunks.length}`, size: 9 });
    y -= 28;
    const header: [string, string][] = [
      ['Number', invoice.number ?? ''],
      ['Issued', invoice.issuedAt ? invoice.issuedAt.toISOString().slice(0, 10) : ''],
      ['Order', invoice.orderNumber],
      ['Seller', seller],
      ['Buyer', invoice.buyerName],
      ['Buyer tax id', invoice.buyerTaxId ?? '-'],
    ];
    if (invoice.kind === 'CREDIT_NOTE') header.push(['Reason', invoice.reason ?? '']);
    for (const [label, value] of header) {
      runs.push({ x: 40, y, text: label, bold: true }, { x: 130, y, text: value });
      y -= 14;
    }
    y -= 10;
    const headings: [keyof typeof COLUMNS, string][] = [
      ['description', 'Description'],
      ['quantity', 'Qty'],
      ['unitPrice', 'Unit price'],
      ['amount', 'Amount'],
      ['rate', 'Rate'],
      ['tax', 'Tax'],
    ];
    for (const [column, text] of headings) runs.push({ x: COLUMNS[column], y, text, bold: true, size: 9 });
    const rules = [{ x1: 40, y1: y - 4, x2: 555, y2: y - 4 }];
    y -= 16;
    for (const line of chunk) {
      runs.push(
        { x: COLUMNS.description, y, text: line.description.slice(0, 48), size: 9 },
        { x: COLUMNS.quantity, y, text: String(line.quantity), size: 9 },
        { x: COLUMNS.unitPrice, y, text: money(line.unitPriceMinor), size: 9 },
        { x: COLUMNS.amount, y, text: money(line.amountMinor), size: 9 },
        { x: COLUMNS.rate, y, text: `${taxRateText(line.taxRateBp)}`, size: 9 },
        { x: COLUMNS.tax, y, text: money(line.taxMinor), size: 9 },
      );
      y -= 13;
    }
    if (pageIndex === chunks.length - 1) {
      rules.push({ x1: 40, y1: y + 6, x2: 555, y2: y + 6 });
      y -= 10;
      const totals: [string, string][] = [
        ['Subtotal (excl. tax)', `${money(invoice.subtotalMinor)} ${currency}`],
        ['Tax', `${money(invoice.taxMinor)} ${currency}`],
        ['Total', `${money(invoice.totalMinor)} ${currency}`],
      ];
      for (const [label, value] of totals) {
        runs.push({ x: 340, y, text: label, bold: label === 'Total' }, { x: 470, y, text: value, bold: label === 'Total' });
        y -= 14;
      }
      y -= 10;
      runs.push({ x: 40, y, text: 'Prices include VAT; tax is computed per line and rounded half up to the cent.', size: 8 });
    }
    pages.push({ runs, rules });
  });
  return writePdf(pages, { title: `${title} ${invoice.number ?? ''}` });
}
