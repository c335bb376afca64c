import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { newId } from '../../../platform/values/ids.ts';
import { COMPANY, type InvoicesSystem, member, minor, startInvoicesSystem } from './fixtures.ts';

/**
 * Refunds of an invoiced order become credit notes automatically (payments'
 * RefundSucceeded, consumed once per refund): part of the amount spread over
 * the lines in proportion, exactly; the rest cancels the invoice.
 */
describe.each(databaseTargets())('credit notes for refunds on $label', (target) => {
  let env: TestEnvironment;
  let system: InvoicesSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startInvoicesSystem(env.config);
    await system.product('STANDARD', [{ code: 'CN-PAD', price: '300.00' }]);
    await system.product('REDUCED', [{ code: 'CN-MAP', price: '33.33' }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const issuedFor = async (buyer: string) => {
    // 300.00 (13 %) + 3 x 33.33 = 99.99 (9 %): 399.99 in all.
    const order = await system.paidOrder(buyer, [
      { skuCode: 'CN-PAD', quantity: 1 },
      { skuCode: 'CN-MAP', quantity: 3 },
    ]);
    const { invoice } = await system.mutate('requestInvoice', { orderId: order.id, buyer: COMPANY }, member(buyer));
    const issued = await system.mutate('issueInvoice', { invoiceId: invoice!.id });
    expect(issued.userErrors).toEqual([]);
    return { order, invoice: issued.invoice! };
  };

  it('credits half of an invoiced order that is refunded by half, line by line, and the rest when the rest is refunded', async () => {
    const { order, invoice } = await issuedFor(newId());
    expect(invoice.total!.amount).toBe('399.99');
    await system.refund(order.paymentId, '200.00', 'half');

    const half = await system.invoice(invoice.id);
    expect(half).toMatchObject({ status: 'ISSUED', creditNote: null });
    expect(half!.creditNotes).toHaveLength(1);
    const note = (await system.invoice(half!.creditNotes[0]!.id))!;
    // 200.00 over 300.00 and 99.99 in proportion: 150.0037... and 49.9962...; floored to 150.00 and 49.99, the
    // cent left over goes to the larger remainder (.96): 50.00. Tax: the same share of each line's tax (34.51, 8.26), half up.
    expect(note).toMatchObject({
      kind: 'CREDIT_NOTE',
      status: 'ISSUED',
      creditedInvoice: { id: invoice.id },
      total: { amount: '-200.00', currencyCode: 'CNY' },
    });
    expect(note.lines.map((line) => [line.skuCode, line.quantity, line.amount.amount, line.taxRate, line.tax.amount])).toEqual([
      ['CN-PAD', 0, '-150.00', '0.13', '-17.26'],
      ['CN-MAP', 0, '-50.00', '0.09', '-4.13'],
    ]);
    expect(minor(note.subtotal) + minor(note.taxTotal)).toBe(minor(note.total));
    expect(note.lines.reduce((sum, line) => sum + minor(line.amount), 0)).toBe(-20000);

    await system.refund(order.paymentId, '199.99', 'rest');
    const voided = (await system.invoice(invoice.id))!;
    expect(voided.status).toBe('VOIDED');
    expect(voided.creditNotes).toHaveLength(2);
    expect(voided.creditNote?.id).toBe(voided.creditNotes[1]!.id);
    const rest = (await system.invoice(voided.creditNotes[1]!.id))!;
    expect(rest.total).toEqual({ amount: '-199.99', currencyCode: 'CNY' });
    // Invoice and credit notes net to zero on every line, tax included.
    invoice.lines.forEach((line, index) => {
      expect(minor(line.amount) + minor(note.lines[index]!.amount) + minor(rest.lines[index]!.amount)).toBe(0);
      expect(minor(line.tax) + minor(note.lines[index]!.tax) + minor(rest.lines[index]!.tax)).toBe(0);
    });
    // The original never changed.
    expect(voided.lines).toEqual(invoice.lines);
    expect(voided.number).toBe(invoice.number);
  });

  it('credits each refund once, however often its event is delivered', async () => {
    const { order, invoice } = await issuedFor(newId());
    await system.refund(order.paymentId, '10.00', 'once');
    const db = system.payments.payments.server.db;
    const [row] = await db.execute<{ id: string; type: string; source: string; event_key: string; payload: string }>(
      db.fork(),
      "select id, type, source, event_key, payload from outbox_event where type = 'RefundSucceeded' and event_key = ?",
      [order.id],
    );
    const event = {
      id: row!.id,
      type: row!.type,
      source: row!.source,
      key: row!.event_key,
      occurredAt: new Date().toISOString(),
      data: JSON.parse(row!.payload),
    };
    await system.payments.orders.bus.publish([event, event]);
    // The same refund under another event id (a republished copy) is not credited again either.
    await system.payments.orders.bus.publish([{ ...event, id: newId() }]);
    expect(await system.count('select count(*) as n from invoice where credited_invoice_id = ?', [invoice.id])).toBe(1);
  });

  it('refuses to issue for an order refunded in full, and credits a refund made before the invoice was issued', async () => {
    const buyer = newId();
    const full = await system.paidOrder(buyer, [{ skuCode: 'CN-PAD', quantity: 1 }]);
    const fullRequest = await system.mutate('requestInvoice', { orderId: full.id, buyer: COMPANY }, member(buyer));
    await system.refund(full.paymentId, '300.00', 'all');
    const before = await system.count('select count(*) as n from invoice_line');
    expect((await system.mutate('issueInvoice', { invoiceId: fullRequest.invoice!.id })).userErrors).toEqual([
      { code: 'ORDER_NOT_INVOICEABLE', field: 'input.invoiceId', message: expect.stringContaining('refunded in full') },
    ]);
    expect(await system.count('select count(*) as n from invoice_line')).toBe(before);

    const partial = await system.paidOrder(buyer, [{ skuCode: 'CN-PAD', quantity: 1 }]);
    const request = await system.mutate('requestInvoice', { orderId: partial.id, buyer: COMPANY }, member(buyer));
    await system.refund(partial.paymentId, '30.00', 'early');
    const issued = (await system.mutate('issueInvoice', { invoiceId: request.invoice!.id })).invoice!;
    expect(issued.total!.amount).toBe('300.00');
    expect(issued.creditNotes.map((note) => note.total.amount)).toEqual(['-30.00']);
  });
});

describe('credit notes for refunds on MySQL', () => {
  reportSkippedMysql();
});
