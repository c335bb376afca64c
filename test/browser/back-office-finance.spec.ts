import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../platform/testing/eventually.ts';
import { newId } from '../../platform/values/ids.ts';
import { ROLE_SCOPES } from '../../subgraphs/members/accounts/roles.ts';
import { browserTargets, reportSkippedChromium } from './chromium.ts';
import { type BrowserSuite, checkScreen as checkPage, openAsStaff, show, startBrowserSuite, WAIT } from './support.ts';

// The back office's invoices and payments sections (#/back-office/invoices and /payments, issue 22 D4) in a real
// browser against the real router and subgraphs, with the demo data and TRUSTED_DOCUMENTS=enforce. A member places
// three orders and pays each by bank transfer with their own client's published documents; a bank statement (through
// the graph) settles two, and the member asks for their invoices. Then finance, with the finance role's scopes only,
// issues one request (ISSUED in the graph), reads its PDF, voids it with a credit note and rejects the other; then
// uploads the bank's statement, which settles the third transfer and reports the rest. A stock clerk sees neither.
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

const FINANCE = ROLE_SCOPES.finance!;
const PUBLISHED = Object.values(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'trusted-documents', 'web.json'), 'utf8')) as Record<
    string,
    string
  >,
);
/** The text of one of the web client's published operations: what a member's own client may send. */
const published = (operation: string) => PUBLISHED.find((text) => text.includes(`mutation ${operation}(`))!;

type Transfer = { orderId: string; number: string; paymentId: string; reference: string; amount: string };
type InvoiceRead = { status: string; number: string | null; creditNote: { kind: string; number: string; status: string } | null };

describeInChromium('the back office: invoices and payments for finance in Chromium', () => {
  let suite: BrowserSuite;
  let admin: string;
  let toIssue: Transfer;
  let toReject: Transfer;
  let toSettle: Transfer;
  const invoiceOf = new Map<string, string>();
  const today = new Date().toISOString().slice(0, 10);

  const graph = <T>(query: string, variables: Record<string, unknown> = {}) => suite.graph<T>(query, variables, admin);
  const readInvoice = async (id: string) =>
    (
      await graph<{ invoice: InvoiceRead }>('query ($id: ID!) { invoice(id: $id) { status number creditNote { kind number status } } }', {
        id,
      })
    ).invoice;
  const paymentStatus = async (id: string) =>
    (await graph<{ payment: { status: string } }>('query ($id: ID!) { payment(id: $id) { status } }', { id })).payment.status;

  /** A bank statement's credit row quoting the transfer's reference, for its amount. */
  const bankRow = (transfer: Transfer, bankReference: string) => `${today},${bankReference},${transfer.amount},CNY,${transfer.reference}`;
  const BANK_HEADER = 'value_date,bank_reference,amount,currency,remittance_info';

  /** An online order of one unit placed by the member and a bank transfer for it, both through the member's client. */
  async function transferOrder(memberToken: string, skuCode: string): Promise<Transfer> {
    const { placeOrder } = await suite.graph<{ placeOrder: { order: { id: string; number: string } | null; userErrors: unknown[] } }>(
      published('BasketPlaceOrder'),
      {
        input: {
          idempotencyKey: `finance-${newId()}`,
          channel: 'ONLINE',
          lines: [{ skuCode, quantity: 1 }],
          shippingAddress: {
            name: 'Li Wei',
            phone: '+86 138 0000 0000',
            line1: '88 Century Ave',
            city: 'Shanghai',
            postalCode: '200120',
            country: 'CN',
          },
        },
      },
      memberToken,
    );
    if (!placeOrder.order) throw new Error(JSON.stringify(placeOrder.userErrors));
    const { id: orderId, number } = placeOrder.order;
    const { createPayment } = await suite.graph<{ createPayment: { payment: { id: string } | null; userErrors: unknown[] } }>(
      published('BasketCreatePayment'),
      { input: { orderId, channel: 'BANK_TRANSFER', idempotencyKey: `finance-pay-${orderId}` } },
      memberToken,
    );
    if (!createPayment.payment) throw new Error(JSON.stringify(createPayment.userErrors));
    const { payment } = await graph<{ payment: { transferReference: string; amount: { amount: string } } }>(
      'query ($id: ID!) { payment(id: $id) { transferReference amount { amount } } }',
      { id: createPayment.payment.id },
    );
    return { orderId, number, paymentId: createPayment.payment.id, reference: payment.transferReference, amount: payment.amount.amount };
  }

  /** The page at a back-office route, signed in with `scopes` first unless it already is (one sign-in per role). */
  let openAs: ReturnType<typeof openAsStaff>;
  const checkScreen = (name: string) => checkPage(suite.page, `back-office-finance-${name}`);

  beforeAll(async () => {
    suite = await startBrowserSuite();
    openAs = openAsStaff(suite);
    admin = await suite.system.staffToken(ROLE_SCOPES.admin!);
    const { products } = await graph<{
      products: { edges: { node: { skus: { code: string; stock: { levels: { available: number }[] } }[] } }[] };
    }>('{ products(first: 50) { edges { node { skus { code stock { levels { available } } } } } } }');
    const skuCode = products.edges
      .flatMap((edge) => edge.node.skus)
      .find((sku) => sku.stock.levels.reduce((sum, level) => sum + level.available, 0) >= 10)!.code;
    const { registerMember } = await graph<{ registerMember: { member: { id: string } } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } } }',
      { input: { name: 'Chen Jing', email: `chen-${newId()}@example.com`, password: 'a long test-member password' } },
    );
    const memberToken = await suite.system.memberToken(registerMember.member.id);
    toIssue = await transferOrder(memberToken, skuCode);
    toReject = await transferOrder(memberToken, skuCode);
    toSettle = await transferOrder(memberToken, skuCode);

    // The bank's first statement settles two transfers; their orders become PAID, and the member asks for invoices.
    const { reconcileStatement } = await graph<{ reconcileStatement: { report: { settledPayments: string[] } } }>(
      'mutation ($input: ReconcileStatementInput!) { reconcileStatement(input: $input) { report { settledPayments } } }',
      {
        input: {
          channel: 'BANK_TRANSFER',
          statementCsv: [BANK_HEADER, bankRow(toIssue, 'BANK-A'), bankRow(toReject, 'BANK-B')].join('\n'),
        },
      },
    );
    expect(new Set(reconcileStatement.report.settledPayments)).toEqual(new Set([toIssue.paymentId, toReject.paymentId]));
    for (const transfer of [toIssue, toReject]) {
      await eventually(
        async () =>
          (await graph<{ order: { status: string } }>('query ($id: ID!) { order(id: $id) { status } }', { id: transfer.orderId })).order
            .status === 'PAID',
        `order ${transfer.number} is paid`,
        { timeoutMs: 15_000 },
      );
      const { requestInvoice } = await suite.graph<{ requestInvoice: { invoice: { id: string } | null; userErrors: unknown[] } }>(
        published('AccountRequestInvoice'),
        { input: { orderId: transfer.orderId, buyer: { name: 'Chen Jing', email: 'chen@example.com' } } },
        memberToken,
      );
      if (!requestInvoice.invoice) throw new Error(JSON.stringify(requestInvoice.userErrors));
      invoiceOf.set(transfer.orderId, requestInvoice.invoice.id);
    }
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(() => {
    expect(suite.pageErrors).toEqual([]);
  });

  it('issues a requested invoice, opens its PDF, voids it with a credit note and rejects another request', async () => {
    const { page } = suite;
    const issueId = invoiceOf.get(toIssue.orderId)!;
    const rejectId = invoiceOf.get(toReject.orderId)!;
    await openAs(FINANCE, '#/back-office/invoices');
    await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor(WAIT);
    // The queue shows requests: both of the member's, and only requests.
    await page.locator(`tr[data-invoice-id="${issueId}"]`).waitFor(WAIT);
    await page.locator(`tr[data-invoice-id="${rejectId}"]`).waitFor(WAIT);
    expect(new Set(await page.locator('tbody tr td:nth-child(5)').allInnerTexts())).toEqual(new Set(['Requested']));
    await checkScreen('queue');

    await page.getByRole('link', { name: `Request for order ${toIssue.number}` }).click();
    await page.getByRole('button', { name: 'Issue the invoice' }).click();
    await page.getByRole('status').filter({ hasText: 'The invoice is issued.' }).waitFor(WAIT);
    await page.getByTestId('bo-invoice-status').filter({ hasText: 'Issued' }).waitFor(WAIT);
    const issued = await readInvoice(issueId);
    expect(issued).toMatchObject({ status: 'ISSUED', number: expect.stringMatching(/^INV-\d{4}-\d{6}$/) });
    await page.getByRole('heading', { name: `Invoice ${issued.number}` }).waitFor(WAIT);
    // The signed link opens in the browser's viewer (the CSP forbids embedding it); it needs no token.
    const pdfLink = page.getByTestId('bo-invoice-pdf');
    expect(await pdfLink.getAttribute('target')).toBe('_blank');
    const pdf = await page.request.get(new URL((await pdfLink.getAttribute('href'))!, suite.origin).href);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');
    await checkScreen('issued');

    const voidForm = page.getByRole('form', { name: 'Void the invoice with a credit note' });
    await voidForm.getByLabel('Reason').fill('Wrong buyer name');
    await voidForm.getByRole('button', { name: 'Void' }).click();
    await page.getByTestId('bo-invoice-status').filter({ hasText: 'Voided' }).waitFor(WAIT);
    const voided = await readInvoice(issueId);
    expect(voided).toMatchObject({
      status: 'VOIDED',
      creditNote: { kind: 'CREDIT_NOTE', status: 'ISSUED', number: expect.stringMatching(/^CN-/) },
    });
    await page.locator('tr[data-credit-note-id]').filter({ hasText: voided.creditNote!.number }).waitFor(WAIT);
    await checkScreen('voided');

    await page.getByRole('link', { name: 'All invoices' }).click();
    await page.getByRole('link', { name: `Request for order ${toReject.number}` }).click();
    const rejectForm = page.getByRole('form', { name: 'Reject the request' });
    // A reason is required: the form does not send without one.
    await rejectForm.getByRole('button', { name: 'Reject' }).click();
    expect((await readInvoice(rejectId)).status).toBe('REQUESTED');
    await rejectForm.getByLabel('Reason').fill('The tax id is missing');
    await rejectForm.getByRole('button', { name: 'Reject' }).click();
    await page.getByTestId('bo-invoice-status').filter({ hasText: 'Rejected' }).waitFor(WAIT);
    expect((await readInvoice(rejectId)).status).toBe('REJECTED');
    await checkScreen('rejected');

    // Neither is waiting any more; the voided invoice is listed under its status.
    await page.getByRole('link', { name: 'All invoices' }).click();
    await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor(WAIT);
    await page.getByLabel('Status').selectOption({ label: 'Voided' });
    await page.getByRole('button', { name: 'Show invoices' }).click();
    await page.locator(`tr[data-invoice-id="${issueId}"]`).filter({ hasText: issued.number! }).waitFor(WAIT);
    expect(await page.locator(`tr[data-invoice-id="${rejectId}"]`).count()).toBe(0);
  });

  it('reconciles an uploaded bank statement, settling the pending transfer, and finds payments by order', async () => {
    const { page } = suite;
    // A forged WeChat Pay callback (no signature): the router refuses it and payments keeps it for review.
    const forgedBody = JSON.stringify({ id: `forged-${newId()}`, event_type: 'TRANSACTION.SUCCESS' });
    const forged = await fetch(`${suite.origin}/callbacks/wechatpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: forgedBody,
    });
    expect(forged.status).toBe(401);
    await openAs(FINANCE, '#/back-office/payments');
    await page.getByRole('heading', { name: 'Payments', level: 1 }).waitFor(WAIT);
    const review = page.locator('li[data-review-id]').filter({ hasText: 'wechatpay' }).first();
    await review.locator('summary').click();
    await review.getByText(forgedBody).waitFor(WAIT);
    // The refused callbacks: as many as the graph holds.
    const { paymentCallbackReviews } = await graph<{ paymentCallbackReviews: { totalCount: number } }>(
      '{ paymentCallbackReviews(first: 1) { totalCount } }',
    );
    const count = paymentCallbackReviews.totalCount;
    await page.getByText(`${count} ${count === 1 ? 'callback' : 'callbacks'} to review`).waitFor(WAIT);

    const statement = [
      BANK_HEADER,
      bankRow(toIssue, 'BANK-A'),
      bankRow(toReject, 'BANK-B'),
      bankRow(toSettle, 'BANK-C'),
      `${today},BANK-X,12.00,CNY,no reference at all`,
      `${today},BANK-FEE,-5.00,CNY,bank fee`,
    ].join('\n');
    const form = page.getByRole('form', { name: 'Reconcile a statement' });
    await form.getByLabel('Channel').selectOption({ label: 'Bank transfer' });
    await form.getByLabel('Statement (CSV)').setInputFiles({ name: 'statement.csv', mimeType: 'text/csv', buffer: Buffer.from(statement) });
    await form.getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('bo-reconciliation-report').waitFor(WAIT);
    expect(await page.getByTestId('bo-reconciliation-matched').innerText()).toBe('3');
    expect(await page.getByTestId('bo-reconciliation-settled').innerText()).toBe('1');
    await page.getByText(/^BANK-X · CN¥12\.00 · quotes no transfer reference$/).waitFor(WAIT);
    expect(await paymentStatus(toSettle.paymentId)).toBe('SUCCEEDED');
    await checkScreen('reconciled');

    // A statement it cannot read: the payments service's userError, and nothing stored.
    await form
      .getByLabel('Statement (CSV)')
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`${BANK_HEADER}\nx,y,lots,CNY,z`) });
    await form.getByRole('button', { name: 'Compare' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /line 2:.*\(INVALID_VALUE\)/ })
      .waitFor(WAIT);

    const lookup = page.getByRole('form', { name: 'Find payments' });
    await lookup.getByLabel('Order id or payment id').fill(toSettle.orderId);
    await lookup.getByRole('button', { name: 'Find' }).click();
    const row = page.locator(`tr[data-payment-id="${toSettle.paymentId}"]`);
    await row.waitFor(WAIT);
    expect(await row.innerText()).toContain('Paid');
    expect(await row.innerText()).toContain('BANK-C');
    await lookup.getByLabel('Order id or payment id').fill('no-such-id');
    await lookup.getByRole('button', { name: 'Find' }).click();
    await page.getByText('No order or payment has this id.').waitFor(WAIT);
    await checkScreen('lookup');
  });

  it('shows neither section to a stock clerk', async () => {
    const { page } = suite;
    await openAs(ROLE_SCOPES['stock-clerk']!, '#/back-office');
    const sections = page.getByRole('navigation', { name: 'Back-office sections' });
    await sections.getByRole('link').first().waitFor(WAIT);
    const names = await sections.getByRole('link').allInnerTexts();
    expect(names).toContain('Stock');
    expect(names).not.toContain('Invoices');
    expect(names).not.toContain('Payments');
    await show(page, '#/back-office/invoices');
    await page.getByText('No such page.').waitFor(WAIT);
    expect(await page.getByRole('heading', { name: 'Invoices' }).count()).toBe(0);
  });
});

describe('the back office: invoices and payments for finance in Chromium', () => reportSkippedChromium());
