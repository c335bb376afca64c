import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { COMPANY, clerk, type InvoicesSystem, member, minor, startInvoicesSystem } from './fixtures.ts';

/**
 * requestInvoice, issueInvoice, rejectInvoice and voidInvoice against real
 * orders, payments and catalogue: who may ask, the tax lines and totals of an
 * issued invoice, credit notes that never touch the original, and bad input
 * that writes nothing.
 */
describe.each(databaseTargets())('invoices on $label', (target) => {
  let env: TestEnvironment;
  let system: InvoicesSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startInvoicesSystem(env.config);
    await system.product('STANDARD', [{ code: 'INV-PAD', price: '289.00' }], 'Brake pad set');
    await system.product('REDUCED', [{ code: 'INV-MAP', price: '45.50' }], 'Road atlas');
    await system.product('EXEMPT', [{ code: 'INV-SVC', price: '19.99', name: 'Fitting at the store' }], 'Service');
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const rows = async () => ({
    invoices: await system.count('select count(*) as n from invoice'),
    lines: await system.count('select count(*) as n from invoice_line'),
    numbers: await system.count('select coalesce(sum(last_value), 0) as n from number_sequence'),
    events: await system.count('select count(*) as n from outbox_event'),
  });
  const eventsOf = (type: string, orderId: string) =>
    system.count('select count(*) as n from outbox_event where type = ? and event_key = ?', [type, orderId]);
  const requested = async (buyer: string, lines = [{ skuCode: 'INV-PAD', quantity: 1 }]) => {
    const order = await system.paidOrder(buyer, lines);
    const { invoice, userErrors } = await system.mutate('requestInvoice', { orderId: order.id, buyer: COMPANY }, member(buyer));
    expect(userErrors).toEqual([]);
    return { order, invoice: invoice! };
  };

  it('lets the buyer request an invoice of a paid order, and staff issue it with tax lines that add up to the order total', async () => {
    const buyer = newId();
    const order = await system.paidOrder(buyer, [
      { skuCode: 'INV-PAD', quantity: 2 },
      { skuCode: 'INV-MAP', quantity: 3 },
      { skuCode: 'INV-SVC', quantity: 1 },
    ]);
    const request = await system.mutate('requestInvoice', { orderId: order.id, buyer: COMPANY }, member(buyer));
    expect(request).toMatchObject({
      invoice: { status: 'REQUESTED', number: null, lines: [], total: null, pdfUrl: null, buyer: { type: 'COMPANY', ...COMPANY } },
      userErrors: [],
    });

    const { invoice, userErrors } = await system.mutate('issueInvoice', { invoiceId: request.invoice!.id });
    expect(userErrors).toEqual([]);
    expect(invoice).toMatchObject({ status: 'ISSUED', kind: 'INVOICE', number: expect.stringMatching(/^INV-\d{4}-\d{6}$/) });
    // 578.00 at 13 %: 66.50 (66.4955...); 136.50 at 9 %: 11.27 (11.2706...); 19.99 exempt.
    expect(invoice!.lines).toEqual([
      expect.objectContaining({
        description: 'Brake pad set',
        skuCode: 'INV-PAD',
        quantity: 2,
        unitPrice: { amount: '289.00', currencyCode: 'CNY' },
        amount: { amount: '578.00', currencyCode: 'CNY' },
        taxRate: '0.13',
        tax: { amount: '66.50', currencyCode: 'CNY' },
        net: { amount: '511.50', currencyCode: 'CNY' },
      }),
      expect.objectContaining({
        description: 'Road atlas',
        quantity: 3,
        taxRate: '0.09',
        amount: { amount: '136.50', currencyCode: 'CNY' },
        tax: { amount: '11.27', currencyCode: 'CNY' },
      }),
      expect.objectContaining({
        description: 'Service - Fitting at the store',
        quantity: 1,
        taxRate: '0',
        tax: { amount: '0.00', currencyCode: 'CNY' },
      }),
    ]);
    expect(invoice!.total).toEqual({ amount: order.total, currencyCode: 'CNY' });
    expect(invoice!.total).toEqual({ amount: '734.49', currencyCode: 'CNY' });
    expect(invoice!.taxTotal).toEqual({ amount: '77.77', currencyCode: 'CNY' });
    expect(minor(invoice!.subtotal) + minor(invoice!.taxTotal)).toBe(minor(invoice!.total));
    expect(invoice!.pdfUrl).toMatch(/^\/invoices\/pdf\?id=/);

    const events = await system.count("select count(*) as n from outbox_event where type = 'InvoiceIssued' and event_key = ?", [order.id]);
    expect(events).toBe(1);
    // The buyer sees it (with the PDF link); another member does not even learn it exists.
    expect((await system.invoice(invoice!.id, member(buyer)))?.pdfUrl).toMatch(/^\/invoices\/pdf/);
    expect(await system.invoice(invoice!.id, member(newId()))).toBeNull();
    expect(await system.invoice(invoice!.id, staff('orders:read'))).toBeNull();
  });

  it('refuses an unpaid order, an invalid tax id and a stranger’s order, and writes nothing', async () => {
    const buyer = newId();
    const unpaid = await system.unpaidOrder(buyer, [{ skuCode: 'INV-PAD', quantity: 1 }]);
    const before = await rows();
    expect((await system.mutate('requestInvoice', { orderId: unpaid.id, buyer: COMPANY }, member(buyer))).userErrors).toEqual([
      { code: 'ORDER_NOT_INVOICEABLE', field: 'input.orderId', message: expect.stringContaining('is PENDING_PAYMENT') },
    ]);
    const paid = await system.paidOrder(buyer, [{ skuCode: 'INV-PAD', quantity: 1 }]);
    const badTaxId = await system.mutate(
      'requestInvoice',
      { orderId: paid.id, buyer: { ...COMPANY, taxId: '91310115MA1K3YJ20A' } },
      member(buyer),
    );
    expect(badTaxId).toEqual({
      invoice: null,
      userErrors: [{ code: 'INVALID_TAX_ID', field: 'input.buyer.taxId', message: expect.stringContaining('should be B') }],
    });
    const badEmail = await system.mutate(
      'requestInvoice',
      { orderId: paid.id, buyer: { ...COMPANY, email: 'finance', name: ' ' } },
      member(buyer),
    );
    expect(badEmail.userErrors.map((error) => error.field)).toEqual(['input.buyer.name', 'input.buyer.email']);
    expect((await system.mutate('requestInvoice', { orderId: paid.id, buyer: COMPANY }, member(newId()))).userErrors[0]?.code).toBe(
      'UNKNOWN_ORDER',
    );
    expect((await system.mutate('requestInvoice', { orderId: paid.id, buyer: COMPANY }, staff('orders:write'))).userErrors[0]?.code).toBe(
      'NOT_ALLOWED',
    );
    expect(await rows()).toEqual(before);
  });

  it('keeps one open request per order, also when requests race; a person needs no tax id', async () => {
    const buyer = newId();
    const order = await system.paidOrder(buyer, [{ skuCode: 'INV-MAP', quantity: 1 }]);
    const person = { name: '李伟', email: 'li.wei@example.com' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => system.mutate('requestInvoice', { orderId: order.id, buyer: person }, member(buyer))),
    );
    expect(answers.filter((answer) => answer.invoice)).toHaveLength(1);
    expect(answers.filter((answer) => answer.userErrors[0]?.code === 'INVOICE_EXISTS')).toHaveLength(4);
    expect(answers.find((answer) => answer.invoice)!.invoice!.buyer).toEqual({
      type: 'PERSON',
      name: '李伟',
      taxId: null,
      email: 'li.wei@example.com',
    });
    expect(await system.count('select count(*) as n from invoice where order_id = ?', [order.id])).toBe(1);
    // The losers' transactions rolled back with their events: the order's invoices changed once.
    expect(await eventsOf('InvoiceRequested', order.id)).toBe(1);
  });

  it('issues once: issuing twice is a user error that writes nothing', async () => {
    const { invoice } = await requested(newId());
    const first = await system.mutate('issueInvoice', { invoiceId: invoice.id });
    expect(first.userErrors).toEqual([]);
    const before = await rows();
    expect(await system.mutate('issueInvoice', { invoiceId: invoice.id })).toEqual({
      invoice: null,
      userErrors: [
        {
          code: 'INVALID_STATE_TRANSITION',
          field: 'input.invoiceId',
          message: `invoice ${first.invoice!.number} is ISSUED; only a REQUESTED invoice can be issued (it was issued already)`,
        },
      ],
    });
    expect(await rows()).toEqual(before);
    expect((await system.mutate('issueInvoice', { invoiceId: newId() })).userErrors[0]?.code).toBe('UNKNOWN_INVOICE');
    const asMember = await system.invoices.request(
      'mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { userErrors { code } } }',
      { input: { invoiceId: invoice.id } },
      member(newId()),
    );
    expect(asMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('rejects a request with a reason, after which the buyer may request again', async () => {
    const buyer = newId();
    const { order, invoice } = await requested(buyer);
    const rejected = await system.mutate('rejectInvoice', { invoiceId: invoice.id, reason: 'tax id does not match company name' });
    expect(rejected).toMatchObject({
      invoice: { id: invoice.id, status: 'REJECTED', rejectionReason: 'tax id does not match company name' },
      userErrors: [],
    });
    expect((await system.mutate('rejectInvoice', { invoiceId: invoice.id, reason: 'again' })).userErrors[0]?.code).toBe(
      'INVALID_STATE_TRANSITION',
    );
    // One event for the one rejection, naming the order (the refused repeat recorded none).
    expect(await eventsOf('InvoiceRejected', order.id)).toBe(1);
    expect((await system.mutate('issueInvoice', { invoiceId: invoice.id })).userErrors[0]?.code).toBe('INVALID_STATE_TRANSITION');
    const again = await system.mutate(
      'requestInvoice',
      { orderId: order.id, buyer: { ...COMPANY, name: 'Shanghai Auto Parts Company Limited' } },
      member(buyer),
    );
    expect(again.userErrors).toEqual([]);
    expect(again.invoice!.id).not.toBe(invoice.id);
  });

  it('voids an issued invoice by a credit note with negative amounts that references it; the invoice itself keeps its number and lines', async () => {
    const buyer = newId();
    const { order, invoice } = await requested(buyer, [
      { skuCode: 'INV-PAD', quantity: 1 },
      { skuCode: 'INV-MAP', quantity: 2 },
    ]);
    const issued = (await system.mutate('issueInvoice', { invoiceId: invoice.id })).invoice!;
    const before = await rows();
    // A request (draft) cannot be voided: nothing is written.
    const other = await requested(newId());
    const draftBefore = await rows();
    expect((await system.mutate('voidInvoice', { invoiceId: other.invoice.id, reason: 'order returned' })).userErrors).toEqual([
      { code: 'INVALID_STATE_TRANSITION', field: 'input.invoiceId', message: expect.stringContaining('reject it instead') },
    ]);
    expect(await rows()).toEqual(draftBefore);
    expect(before.invoices + 1).toBe(draftBefore.invoices);

    const voided = await system.mutate('voidInvoice', { invoiceId: issued.id, reason: 'order returned' });
    expect(voided.userErrors).toEqual([]);
    expect(voided.invoice).toMatchObject({
      id: issued.id,
      status: 'VOIDED',
      number: issued.number,
      lines: issued.lines,
      total: issued.total,
    });
    const creditNote = await system.invoice(voided.invoice!.creditNote!.id);
    expect(creditNote).toMatchObject({
      kind: 'CREDIT_NOTE',
      status: 'ISSUED',
      number: expect.stringMatching(/^CN-\d{4}-\d{6}$/),
      creditedInvoice: { id: issued.id },
      reason: 'order returned',
      total: { amount: `-${issued.total!.amount}`, currencyCode: 'CNY' },
      taxTotal: { amount: `-${issued.taxTotal!.amount}`, currencyCode: 'CNY' },
    });
    expect(creditNote!.lines.map((line) => [line.quantity, line.amount.amount, line.tax.amount])).toEqual(
      issued.lines.map((line) => [-line.quantity, `-${line.amount.amount}`, `-${line.tax.amount}`]),
    );
    expect(await system.count("select count(*) as n from outbox_event where type = 'InvoiceVoided' and event_key = ?", [order.id])).toBe(1);
    // Voiding again, or voiding the credit note, changes nothing.
    expect((await system.mutate('voidInvoice', { invoiceId: issued.id, reason: 'twice' })).userErrors[0]?.code).toBe(
      'INVALID_STATE_TRANSITION',
    );
    expect((await system.mutate('voidInvoice', { invoiceId: creditNote!.id, reason: 'no' })).userErrors[0]?.message).toContain(
      'a credit note cannot be voided',
    );
    // The order may be invoiced anew.
    expect((await system.mutate('requestInvoice', { orderId: order.id, buyer: COMPANY }, member(buyer))).userErrors).toEqual([]);
  });

  it('voids once however many voids race: one credit note', async () => {
    const { invoice } = await requested(newId());
    await system.mutate('issueInvoice', { invoiceId: invoice.id });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => system.mutate('voidInvoice', { invoiceId: invoice.id, reason: 'race' }, clerk)),
    );
    expect(answers.filter((answer) => answer.userErrors.length === 0)).toHaveLength(1);
    expect(await system.count('select count(*) as n from invoice where credited_invoice_id = ?', [invoice.id])).toBe(1);
  });
});

describe('invoices on MySQL', () => {
  reportSkippedMysql();
});
