import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../platform/testing/eventually.ts';
import { newId } from '../../platform/values/ids.ts';
import { ROLE_SCOPES } from '../../subgraphs/members/accounts/roles.ts';
import { browserTargets, reportSkippedChromium } from './chromium.ts';
import { type BrowserSuite, checkScreen as checkPage, openAsStaff, show, startBrowserSuite, WAIT } from './support.ts';

// The back office's orders, members and partner API keys sections (#/back-office/…, issue 22 D4) in a real browser
// against the real router and subgraphs, with the demo data and TRUSTED_DOCUMENTS=enforce. Orders are set up through
// the graph as staff (placed online and paid in cash, so each has a real payment to refund); then the page filters
// them, ships one, receives a return and refunds, finds a member and gives them a coupon, creates a partner key that
// the router then lets in, gives it a webhook, and revokes it so the router refuses it. A cashier sees orders only.
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

/** What a back-office manager holds for these sections: orders, refunds, members and keys. */
const MANAGER = ['orders:read', 'orders:write', 'payments:read', 'payments:write', 'members:read', 'members:write', 'webhooks:write'];
const PERSISTED = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'web-client', 'src', 'gql', 'persisted-documents.json'), 'utf8'),
) as Record<string, string>;

/** The published id of one of the client's operations: a partner key may run only published documents. */
function documentIdOf(operationName: string): string {
  const found = Object.entries(PERSISTED).find(([, text]) => new RegExp(`(^|\\s)(query|mutation) ${operationName}\\b`).test(text));
  if (!found) throw new Error(`${operationName} is not published`);
  return found[0];
}

type OrderRead = {
  id: string;
  number: string;
  status: string;
  carrier: string | null;
  trackingNumber: string | null;
  total: { amount: string };
  refunded: { amount: string };
};

describeInChromium('the back office: orders, members and API keys in Chromium', () => {
  let suite: BrowserSuite;
  /** The test's own set-up and reads, as an admin that may also run unpublished documents. */
  let admin: string;
  let skuCode: string;
  const today = new Date().toISOString().slice(0, 10);

  const graph = <T>(query: string, variables: Record<string, unknown> = {}) => suite.graph<T>(query, variables, admin);

  const readOrder = async (id: string) =>
    (
      await graph<{ order: OrderRead }>(
        'query ($id: ID!) { order(id: $id) { id number status carrier trackingNumber total { amount } refunded { amount } } }',
        { id },
      )
    ).order;

  /** An online order of one unit, placed by staff and paid in cash: PAID, with a real payment the page can refund. */
  async function paidOrder(): Promise<OrderRead> {
    const { placeOrder } = await graph<{ placeOrder: { order: { id: string } | null; userErrors: unknown[] } }>(
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } userErrors { code message } } }',
      {
        input: {
          idempotencyKey: `bo-${newId()}`,
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
    );
    if (!placeOrder.order) throw new Error(JSON.stringify(placeOrder.userErrors));
    const id = placeOrder.order.id;
    const { createPayment } = await graph<{ createPayment: { userErrors: unknown[] } }>(
      'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { userErrors { code message } } }',
      { input: { orderId: id, channel: 'CASH', idempotencyKey: `bo-pay-${id}` } },
    );
    expect(createPayment.userErrors).toEqual([]);
    return eventually(async () => {
      const order = await readOrder(id);
      return order.status === 'PAID' && order;
    }, `order ${id} is paid`);
  }

  /** The page at a back-office route, signed in with `scopes` first unless it already is (one sign-in per role). */
  let openAs: ReturnType<typeof openAsStaff>;
  const checkScreen = (name: string) => checkPage(suite.page, `back-office-orders-${name}`);

  beforeAll(async () => {
    suite = await startBrowserSuite({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '100', WEBHOOK_RETRY_BASE_MS: '1000' } });
    openAs = openAsStaff(suite);
    admin = await suite.system.staffToken(ROLE_SCOPES.admin!);
    const { products } = await graph<{
      products: { edges: { node: { skus: { code: string; stock: { levels: { available: number }[] } }[] } }[] };
    }>('{ products(first: 50) { edges { node { skus { code stock { levels { available } } } } } } }');
    skuCode = products.edges
      .flatMap((edge) => edge.node.skus)
      .find((sku) => sku.stock.levels.reduce((sum, level) => sum + level.available, 0) >= 10)!.code;
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(() => {
    expect(suite.pageErrors).toEqual([]);
  });

  it('filters the orders, ships a paid one, receives a return and refunds a payment', async () => {
    const { page } = suite;
    const [toShip, toReturn, toRefund] = [await paidOrder(), await paidOrder(), await paidOrder()];
    // The return: shipped and asked back through the graph, as the customer would.
    await graph('mutation ($input: ShipOrderInput!) { shipOrder(input: $input) { userErrors { code } } }', {
      input: { orderId: toReturn.id, carrier: 'SF Express', trackingNumber: 'SF-RETURN' },
    });
    const asked = await graph<{ requestReturn: { order: { status: string } | null; userErrors: unknown[] } }>(
      'mutation ($input: RequestReturnInput!) { requestReturn(input: $input) { order { status } userErrors { code message } } }',
      { input: { orderId: toReturn.id, lines: [{ skuCode, quantity: 1 }], reason: 'Wrong size' } },
    );
    expect(asked.requestReturn).toEqual({ order: { status: 'RETURN_REQUESTED' }, userErrors: [] });

    await openAs(MANAGER, '#/back-office/orders');
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor(WAIT);
    await page.getByLabel('Status').selectOption({ label: 'Paid' });
    await page.getByLabel('Channel').selectOption({ label: 'Online' });
    await page.getByLabel('Placed from').fill(today);
    await page.getByRole('button', { name: 'Show orders' }).click();
    const shipRow = page.locator(`tr[data-order-id="${toShip.id}"]`);
    await shipRow.waitFor(WAIT);
    // Only paid online orders are listed, their statuses in words.
    const statuses = await page.locator('tbody tr td:nth-child(5)').allInnerTexts();
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(new Set(statuses)).toEqual(new Set(['Paid']));
    expect(await page.locator(`tr[data-order-id="${toReturn.id}"]`).count()).toBe(0);
    await checkScreen('list');

    await shipRow.getByRole('link', { name: toShip.number }).click();
    await page.getByRole('heading', { name: `Order ${toShip.number}` }).waitFor(WAIT);
    const shipForm = page.getByRole('form', { name: `Ship ${toShip.number}` });
    await shipForm.getByLabel('Carrier').fill('SF Express');
    await shipForm.getByLabel('Tracking number').fill('SF1234567890');
    await shipForm.getByRole('button', { name: 'Ship' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Order ${toShip.number} is shipped.` })
      .waitFor(WAIT);
    await page.getByTestId('bo-order-status').filter({ hasText: 'Shipped' }).waitFor(WAIT);
    expect(await readOrder(toShip.id)).toMatchObject({ status: 'SHIPPED', carrier: 'SF Express', trackingNumber: 'SF1234567890' });
    await checkScreen('shipped');

    await show(page, `#/back-office/orders/${toReturn.id}`);
    await page.getByTestId('bo-order-status').filter({ hasText: 'Return requested' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Returned goods received' }).click();
    await page.getByTestId('bo-order-status').filter({ hasText: 'Returned' }).waitFor(WAIT);
    expect((await readOrder(toReturn.id)).status).toBe('RETURNED');

    await show(page, `#/back-office/orders/${toRefund.id}`);
    const refundForm = page.getByRole('form', { name: 'Refund this payment' });
    await refundForm.waitFor(WAIT);
    // The whole payment is offered; a part of it is refunded, and the rest stays refundable.
    expect(await refundForm.getByLabel(/^Amount to refund/).inputValue()).toBe(Number(toRefund.total.amount).toFixed(2));
    await refundForm.getByLabel(/^Amount to refund/).fill('1.00');
    await refundForm.getByLabel('Reason').fill('Scratched box');
    await refundForm.getByRole('button', { name: 'Refund' }).click();
    await page.getByText(/A refund of CN¥1\.00 is requested\./).waitFor(WAIT);
    await eventually(async () => Number((await readOrder(toRefund.id)).refunded.amount) === 1, 'the refund is recorded', {
      timeoutMs: 15_000,
    });
    await page.getByText(/Refund of CN¥1\.00/).waitFor(WAIT);
    // What is left is offered next.
    const left = (Math.round(Number(toRefund.total.amount) * 100) - 100) / 100;
    expect(await refundForm.getByLabel(/^Amount to refund/).inputValue()).toBe(left.toFixed(2));
    await checkScreen('refund');
  });

  it('finds a member by phone and gives them a coupon', async () => {
    const { page } = suite;
    const phone = `+86 139 ${String(Date.now()).slice(-8)}`;
    const { registerMember } = await graph<{ registerMember: { member: { id: string } } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } } }',
      { input: { name: 'Zhao Min', email: `zhao-${newId()}@example.com`, phone, password: 'a long test-member password' } },
    );
    const member = registerMember.member;
    await openAs(MANAGER, '#/back-office/members');
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor(WAIT);
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const found = page.locator(`article[data-member-id="${member.id}"]`);
    await found.getByText(/^Tier BASIC .*, \d+ points, active\.$/).waitFor(WAIT);
    await found.getByRole('button', { name: 'Give Zhao Min a coupon' }).click();

    const campaign = `Welcome ${newId().slice(-6)}`;
    await page.getByLabel('Campaign name').fill(campaign);
    await page.getByLabel('The member chosen (1)').check();
    await page.getByLabel('Percent or amount').fill('10');
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Valid until (inclusive)').fill(until);
    await page.getByRole('button', { name: 'Issue coupons' }).click();
    await page.getByRole('status').filter({ hasText: '1 coupon issued.' }).waitFor(WAIT);
    // The member shown is read again, with the coupon.
    await found.getByText('1 unused coupon', { exact: true }).waitFor(WAIT);
    const { member: read } = await graph<{ member: { coupons: { campaign: string; discountPercent: number | null }[] } }>(
      'query ($id: ID!) { member(id: $id) { coupons { campaign discountPercent } } }',
      { id: member.id },
    );
    expect(read.coupons).toContainEqual({ campaign, discountPercent: 10 });
    // The tiers overview counts members per tier.
    await page.getByRole('table', { name: 'Tiers and their members today' }).getByRole('cell', { name: 'BASIC' }).waitFor(WAIT);
    await checkScreen('members');
  });

  it('creates a partner key the router lets in, gives it a webhook, and revokes it so the router refuses it', async () => {
    const { page } = suite;
    const name = `Partner ${newId().slice(-6)}`;
    await openAs(MANAGER, '#/back-office/api-keys');
    await page.getByRole('heading', { name: 'Partner API keys' }).waitFor(WAIT);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('checkbox', { name: 'orders:read' }).check();
    await page.getByRole('checkbox', { name: 'webhooks:write' }).check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    const secret = await page.getByTestId('bo-keys-secret').innerText(WAIT);
    expect(secret).toMatch(/^cpk_/);
    await page.locator('tr', { hasText: name }).waitFor(WAIT);

    // The key runs a published document, with its own scopes: it reads orders.
    const asKey = (operationName: string, variables: Record<string, unknown>, key = secret) =>
      fetch(new URL('/graphql', suite.origin), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ documentId: documentIdOf(operationName), operationName, variables }),
      });
    const allowed = await asKey('BackOfficeOrders', { first: 1 });
    expect(allowed.status).toBe(200);
    const body = (await allowed.json()) as { data?: { orders: { totalCount: number } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    // orders:read lets the key see every order, as staff do.
    const { orders } = await graph<{ orders: { totalCount: number } }>('{ orders(first: 1) { totalCount } }');
    expect(body.data!.orders.totalCount).toBe(orders.totalCount);

    // Its webhooks, managed as the key: the secret just shown is filled in.
    await page.getByRole('button', { name: 'Show its webhooks' }).click();
    await page.getByText('This key has no webhooks.').waitFor(WAIT);
    await page.getByLabel('Webhook name').fill('Order feed');
    await page.getByLabel('Delivery URL').fill('http://127.0.0.1:9/hooks/orders');
    await page.getByRole('button', { name: 'Create the webhook' }).click();
    await page.getByRole('status').filter({ hasText: 'Webhook Order feed created.' }).waitFor(WAIT);
    expect(await page.getByTestId('bo-webhook-secret').innerText()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Disable Order feed' }).waitFor(WAIT);
    const hooks = await asKey('BackOfficeWebhooks', {});
    const { webhooks } = ((await hooks.json()) as { data: { webhooks: { id: string; name: string; status: string }[] } }).data;
    expect(webhooks).toEqual([expect.objectContaining({ name: 'Order feed', status: 'ACTIVE' })]);

    // An order paid is an event for the webhook: its delivery (to a port nobody answers) is listed, and sent again.
    // The router subscribes for a new webhook on its next poll, so orders are paid until one is delivered.
    await eventually(
      async () => {
        await paidOrder();
        const answer = (await (await asKey('BackOfficeWebhookDeliveries', { webhookId: webhooks[0]!.id, first: 1 })).json()) as {
          data: { webhookDeliveries: { edges: unknown[] } };
        };
        return answer.data.webhookDeliveries.edges.length > 0;
      },
      'the webhook has a delivery',
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByRole('button', { name: 'Send again' }).first().click();
    await page.getByRole('status').filter({ hasText: 'Sent again.' }).waitFor(WAIT);
    await checkScreen('webhook-deliveries');
    await checkScreen('api-keys');

    // Its own limit, read back through the graph.
    const row = page.locator('tr', { hasText: name });
    await row.getByText('Limits', { exact: true }).click();
    const limits = page.getByRole('form', { name: `Limits of ${name}` });
    await limits.getByLabel('Requests per minute').fill('60');
    await limits.getByRole('button', { name: 'Save limits' }).click();
    await row
      .getByRole('status')
      .filter({ hasText: `Limits of ${name} saved.` })
      .waitFor(WAIT);
    const { apiKeys } = await graph<{ apiKeys: { name: string; requestsPerMinute: number | null }[] }>(
      '{ apiKeys { name requestsPerMinute } }',
    );
    expect(apiKeys.find((each) => each.name === name)?.requestsPerMinute).toBe(60);

    // A rotated key has a new secret, shown once, that the router lets in.
    await row.getByRole('button', { name: `Rotate the secret of ${name}` }).click();
    await page.getByTestId('bo-keys-secret').filter({ hasNotText: secret }).waitFor(WAIT);
    const rotated = await page.getByTestId('bo-keys-secret').innerText();
    expect(rotated).toMatch(/^cpk_/);
    expect((await asKey('BackOfficeOrders', { first: 1 }, rotated)).status).toBe(200);

    await page.getByRole('button', { name: `Revoke ${name}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Key ${name} is revoked` })
      .waitFor(WAIT);
    await page
      .locator('tr', { hasText: name })
      .getByText(/^Revoked /)
      .waitFor(WAIT);
    // Routers trust a lookup for API_KEY_CACHE_SECONDS; within that the revoked key is refused.
    await eventually(async () => (await asKey('BackOfficeOrders', { first: 1 }, rotated)).status === 401, 'the revoked key is refused', {
      timeoutMs: 20_000,
      intervalMs: 500,
    });
  });

  it('shows a cashier the orders but neither members nor API keys', async () => {
    const { page } = suite;
    await openAs(ROLE_SCOPES.cashier!, '#/back-office');
    const sections = page.getByRole('navigation', { name: 'Back-office sections' });
    await sections.getByRole('link', { name: 'Orders' }).waitFor(WAIT);
    expect(await sections.getByRole('link').allInnerTexts()).not.toContain('API keys');
    expect(await sections.getByRole('link', { name: 'Members' }).count()).toBe(0);
    expect(await sections.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await show(page, '#/back-office/api-keys');
    await page.getByText('No such page.').waitFor(WAIT);
    await show(page, '#/back-office/orders');
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor(WAIT);
    await checkScreen('cashier');
  });
});

describe('the back office: orders, members and API keys in Chromium', () => reportSkippedChromium());
