import type { Page } from 'playwright-core';
import { ROLE_SCOPES } from '../../subgraphs/members/accounts/roles.ts';
import type { TestSystem } from '../support/system.ts';
import { browserTargets, reportSkippedChromium } from './chromium.ts';
import {
  axeViolations,
  type BrowserSuite,
  CLIENT_PATH,
  PHONE,
  screenshot as screenshotAs,
  screensTall,
  show,
  signInAsStaff,
  startBrowserSuite,
  WAIT,
} from './support.ts';

// The React client's cash register (#/register, issue 22 D3) in a real browser, against the real router and
// subgraphs with the demo data and TRUSTED_DOCUMENTS=enforce. A cashier sells from the store's shelf (STORE
// channel) to a member found by phone, redeeming points and taking cash; then sells while the network drops the
// answer to placeOrder after the server acted on it, retries, and the sale exists once.
const STORE = 'SH-STORE-01';
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

type ShelfSku = { code: string; available: number };

describeInChromium('the cash register in Chromium', () => {
  let suite: BrowserSuite;
  let system: TestSystem;
  let page: Page;
  let origin: string;
  /** The test's own reads and set-up, as a cashier that may also run unpublished documents. */
  let staff: string;
  let storeId: string;

  const graph = <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => suite.graph<T>(query, variables, staff);

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ({ system, page, origin } = suite);
    staff = await system.staffToken([
      ...ROLE_SCOPES.cashier!,
      // Only the test's own reads: a member's points by id (Query.member). The till itself finds members by phone.
      'members:pii',
      'documents:arbitrary',
    ]);
    const { warehouses } = await graph<{ warehouses: { id: string; code: string }[] }>('{ warehouses { id code } }');
    storeId = warehouses.find((warehouse) => warehouse.code === STORE)!.id;
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(() => {
    expect(suite.pageErrors).toEqual([]);
  });

  const screenshot = (on: Page, name: string) => screenshotAs(on, `register-${name}`);

  /** SKUs the store's shelf holds at least `atLeast` of, with what is available there now. */
  async function shelf(atLeast: number): Promise<ShelfSku[]> {
    const data = await graph<{
      products: {
        edges: { node: { skus: { code: string; stock: { levels: { warehouse: { code: string }; available: number }[] } }[] } }[];
      };
    }>('{ products(first: 100) { edges { node { skus { code stock { levels { warehouse { code } available } } } } } } }');
    return data.products.edges
      .flatMap((edge) => edge.node.skus)
      .map((sku) => ({ code: sku.code, available: sku.stock.levels.find((level) => level.warehouse.code === STORE)?.available ?? 0 }))
      .filter((sku) => sku.available >= atLeast);
  }

  async function availableAtStore(code: string): Promise<number> {
    const [sku] = (await shelf(0)).filter((each) => each.code === code);
    return sku?.available ?? 0;
  }

  /** A new member with a phone number of their own. */
  async function newMember(name: string): Promise<{ id: string; phone: string }> {
    const phone = `139${String(Date.now()).slice(-6)}${Math.floor(Math.random() * 90 + 10)}`;
    const data = await graph<{ registerMember: { member: { id: string } | null } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } userErrors { code } } }',
      { input: { name, email: `${phone}@example.com`, phone, password: 'a long enough password' } },
    );
    return { id: data.registerMember.member!.id, phone };
  }

  const pointsOf = async (memberId: string) =>
    (await graph<{ member: { points: number } | null }>('query ($id: ID!) { member(id: $id) { points } }', { id: memberId })).member
      ?.points ?? -1;

  /** Polls the graph until `read` satisfies `done`: the bus settles orders and points after the answer. */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const value = await read();
      if (done(value) || attempt >= 100) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The member earns points the way members do: a paid store sale (1 point per whole CNY at BASIC). */
  async function giveEarnedPoints(memberId: string, skuCode: string): Promise<number> {
    const placed = await graph<{ placeOrder: { order: { id: string } } }>(
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } userErrors { code message } } }',
      {
        input: {
          idempotencyKey: `seed-${memberId}`,
          channel: 'STORE',
          storeWarehouseId: storeId,
          memberId,
          lines: [{ skuCode, quantity: 1 }],
        },
      },
    );
    await graph('mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { payment { status } userErrors { code } } }', {
      input: { orderId: placed.placeOrder.order.id, channel: 'CASH', idempotencyKey: `seed-cash-${memberId}` },
    });
    return eventually(
      () => pointsOf(memberId),
      (points) => points > 0,
    );
  }

  /** Signs in as a cashier (the role's scopes only, so every document the till sends must be published) and opens the till. */
  async function signInAsCashier(): Promise<void> {
    await signInAsStaff(suite, page, ROLE_SCOPES.cashier!);
    // Changing only the hash keeps the document, and the token in its memory.
    await show(page, '#/register');
    await page.getByRole('heading', { level: 1, name: 'Cash register' }).waitFor(WAIT);
    await page.getByLabel('Store').selectOption({ label: `Shanghai Xuhui store (${STORE})` });
    await page.getByLabel('SKU code or scan').waitFor(WAIT);
  }

  /** The till with an empty sale, signing in first when this test runs alone. */
  async function openTill(): Promise<void> {
    if (!(await page.getByLabel('SKU code or scan').isVisible())) await signInAsCashier();
  }

  async function scan(on: Page, code: string): Promise<void> {
    await on.getByLabel('SKU code or scan').fill(code);
    await on.getByLabel('SKU code or scan').press('Enter');
    await on.getByRole('spinbutton', { name: `Quantity of ${code}` }).waitFor(WAIT);
  }

  async function findMember(on: Page, phone: string, name: string): Promise<void> {
    await on.getByLabel('Member’s phone number').fill(phone);
    await on.getByRole('button', { name: 'Find', exact: true }).click();
    await on.getByRole('button', { name: new RegExp(`^Choose ${name} `) }).click();
    await on.getByTestId('register-member').waitFor(WAIT);
  }

  it('is refused to anyone signed out, in words', async () => {
    await page.goto(`${origin}${CLIENT_PATH}#/register`);
    await page.getByText('The cash register is for store staff: sign in with a cashier account.').waitFor(WAIT);
  });

  it('sells two items to a member found by phone, redeeming points, paid in cash, and prints the receipt', async () => {
    const [first, second] = await shelf(5);
    expect(second).toBeDefined();
    const member = await newMember('Li Lei');
    const pointsBefore = await giveEarnedPoints(member.id, first!.code);
    const redeem = Math.min(pointsBefore, 50);
    expect(redeem).toBeGreaterThan(0);

    await signInAsCashier();
    await scan(page, first!.code);
    await scan(page, second!.code);
    await findMember(page, member.phone, 'Li Lei');
    expect(await page.getByTestId('register-member').innerText()).toContain(`${pointsBefore} points`);
    await page.getByLabel(/^Points to redeem/).fill(String(redeem));
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'sale');
    await page.getByRole('button', { name: 'Place the sale' }).click();
    await page.getByRole('button', { name: /^Cash received/ }).click();
    await page.getByRole('heading', { name: 'Receipt' }).waitFor(WAIT);
    await page.getByText('Status: Paid.').waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'receipt');
    // Printed, the receipt is all there is.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print receipt' }).isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Receipt' }).isVisible()).toBe(true);
    await screenshot(page, 'receipt-print');
    await page.emulateMedia({ media: 'screen' });
    // Statuses are labels in the cashier's language, never the enum.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByText('状态：已支付。', { exact: false }).waitFor(WAIT);
    await page.getByRole('heading', { name: '小票' }).waitFor(WAIT);
    await page.getByLabel('语言').selectOption('en');

    // The graph agrees: one paid STORE order for the member with these lines and points, and the points moved.
    const { orders } = await graph<{
      orders: {
        edges: {
          node: {
            id: string;
            status: string;
            channel: string;
            pointsRedeemed: number;
            total: { amount: string };
            lines: { sku: { code: string } }[];
          };
        }[];
      };
    }>(
      'query ($memberId: ID!) { orders(filter: { memberId: $memberId }, first: 10) { edges { node { id status channel pointsRedeemed total { amount } lines { sku { code } } } } } }',
      { memberId: member.id },
    );
    const sale = orders.edges.map((edge) => edge.node).find((order) => order.pointsRedeemed > 0);
    expect(sale).toMatchObject({ status: 'PAID', channel: 'STORE', pointsRedeemed: redeem });
    expect(sale!.lines.map((line) => line.sku.code).sort()).toEqual([first!.code, second!.code].sort());
    // Redeemed points leave at once; the sale's own points are earned once it is paid (floor of whole CNY at BASIC).
    const earned = Math.floor(Number(sale!.total.amount));
    const after = await eventually(
      () => pointsOf(member.id),
      (points) => points === pointsBefore - redeem + earned,
    );
    expect(after).toBe(pointsBefore - redeem + earned);
    await page.getByRole('button', { name: 'Next sale' }).click();
    await page.getByText('Scan or type a SKU code to start the sale.').waitFor(WAIT);
  });

  it('sells once when the network drops placeOrder’s answer after the server acted, and the cashier retries', async () => {
    const [sku] = await shelf(3);
    const member = await newMember('Wang Fang');
    const before = await availableAtStore(sku!.code);
    await openTill();
    let dropped = 0;
    // The request reaches the router and the order is placed; the answer never reaches the page.
    await page.route('**/graphql', async (route) => {
      const body = route.request().postData() ?? '';
      if (dropped === 0 && body.includes('"RegisterPlaceOrder"')) {
        dropped++;
        await route.fetch();
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
    await scan(page, sku!.code);
    await page.getByRole('spinbutton', { name: `Quantity of ${sku!.code}` }).fill('2');
    await findMember(page, member.phone, 'Wang Fang');
    await page.getByRole('button', { name: 'Place the sale' }).click();
    await page.getByText(/The network failed before the till heard back/).waitFor(WAIT);
    expect(dropped).toBe(1);
    await screenshot(page, 'network-drop');
    await page.getByRole('button', { name: 'Retry the sale' }).click();
    await page.getByRole('button', { name: /^Cash received/ }).click();
    await page.getByText('Status: Paid.').waitFor(WAIT);
    await page.unroute('**/graphql');

    const { orders } = await graph<{ orders: { totalCount: number; edges: { node: { status: string } }[] } }>(
      'query ($memberId: ID!) { orders(filter: { memberId: $memberId }, first: 10) { totalCount edges { node { status } } } }',
      { memberId: member.id },
    );
    expect(orders.totalCount).toBe(1);
    expect(orders.edges.map((edge) => edge.node.status)).toEqual(['PAID']);
    expect(await availableAtStore(sku!.code)).toBe(before - 2);
    await page.getByRole('button', { name: 'Next sale' }).click();
  });

  it('fits a phone: no sideways scrolling, within three screens, no accessibility violations', async () => {
    const [sku] = await shelf(1);
    await openTill();
    await page.setViewportSize(PHONE);
    await scan(page, sku!.code);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await screensTall(page)).toBeLessThanOrEqual(3);
    await page.getByRole('button', { name: `Remove ${sku!.code}` }).waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'phone');
  });
});

describe('the cash register in Chromium', () => reportSkippedChromium());
