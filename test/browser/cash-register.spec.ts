import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { browserTargets, launchChromium, reportSkippedChromium, SCREENSHOT_DIR } from './chromium.ts';

// The React client's cash register (#/register, issue 22 D3) in a real browser, against the real router and
// subgraphs with the demo data and TRUSTED_DOCUMENTS=enforce. A cashier sells from the store's shelf (STORE
// channel) to a member found by phone, redeeming points and taking cash; then sells while the network drops the
// answer to placeOrder after the server acted on it, retries, and the sale exists once.
const WAIT = { timeout: 20_000 };
const AXE = join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
const PHONE = { width: 390, height: 844 };
const STORE = 'SH-STORE-01';
const ADMIN = { email: 'admin@example.com', password: 'development-only-admin' };
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

type ShelfSku = { code: string; available: number };

describeInChromium('the cash register in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  /** The test's own reads and set-up, as a cashier that may also run unpublished documents. */
  let staff: string;
  let storeId: string;
  const pageErrors: string[] = [];

  const graph = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const { body } = await system.graphql<T>(query, variables, staff);
    if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'web-client', 'build.ts'), '--if-missing'], { stdio: 'inherit' });
    [system, browser] = await Promise.all([
      startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true', TRUSTED_DOCUMENTS: 'enforce' }),
      launchChromium(),
    ]);
    origin = new URL(system.system.routerUrl).origin;
    staff = await system.staffToken([
      'catalogue:read',
      'stock:read',
      'orders:read',
      'orders:write',
      'members:read',
      'payments:write',
      // Only the test's own reads: a member's points by id (Query.member). The till itself finds members by phone.
      'members:pii',
      'documents:arbitrary',
    ]);
    const { warehouses } = await graph<{ warehouses: { id: string; code: string }[] }>('{ warehouses { id code } }');
    storeId = warehouses.find((warehouse) => warehouse.code === STORE)!.id;
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.on('page', (opened) => {
      opened.on('pageerror', (error) => pageErrors.push(error.message));
      opened.on('console', (entry) => {
        if (entry.type() === 'error' && /Content Security Policy/i.test(entry.text())) pageErrors.push(entry.text());
      });
    });
    page = await context.newPage();
    // The refused-document check reads answers the page received; a response the test aborted has none.
    page.on('response', async (response) => {
      if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') return;
      const body = (await response.json().catch(() => null)) as { errors?: { extensions?: { code?: string } }[] } | null;
      const codes = (body?.errors ?? []).map((error) => error.extensions?.code ?? 'ERROR');
      if (codes.some((code) => /PERSISTED|DOCUMENT/.test(code))) pageErrors.push(`refused: ${codes.join(', ')}`);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  const screenshot = (on: Page, name: string) => on.screenshot({ path: join(SCREENSHOT_DIR, `register-${name}.png`), fullPage: true });
  const screensTall = (on: Page) => on.evaluate(() => document.documentElement.scrollHeight / window.innerHeight);

  async function axeViolations(on: Page): Promise<string[]> {
    await on.evaluate(readFileSync(AXE, 'utf8'));
    return on.evaluate(async () => {
      type Violation = { id: string; impact: string; nodes: { target: string[] }[] };
      const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: Violation[] }> } }).axe;
      const result = await axe.run();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} at ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    });
  }

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

  async function signInAsStaff(): Promise<void> {
    await page.goto(`${origin}/next/#/login`);
    const form = page.getByRole('region', { name: 'Staff and members' });
    await form.getByLabel('Email').fill(ADMIN.email);
    await form.getByLabel('Password').fill(ADMIN.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/^Signed in as \S+/).waitFor(WAIT);
    // Changing only the hash keeps the document, and the token in its memory.
    await page.evaluate(() => {
      location.hash = '#/register';
    });
    await page.getByRole('heading', { level: 1, name: 'Cash register' }).waitFor(WAIT);
    await page.getByLabel('Store').selectOption({ label: `Shanghai Xuhui store (${STORE})` });
    await page.getByLabel('SKU code or scan').waitFor(WAIT);
  }

  /** The till with an empty sale, signing in first when this test runs alone. */
  async function openTill(): Promise<void> {
    if (!(await page.getByLabel('SKU code or scan').isVisible())) await signInAsStaff();
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
    await page.goto(`${origin}/next/#/register`);
    await page.getByText('The cash register is for store staff: sign in with a cashier account.').waitFor(WAIT);
  });

  it('sells two items to a member found by phone, redeeming points, paid in cash, and prints the receipt', async () => {
    const [first, second] = await shelf(5);
    expect(second).toBeDefined();
    const member = await newMember('Li Lei');
    const pointsBefore = await giveEarnedPoints(member.id, first!.code);
    const redeem = Math.min(pointsBefore, 50);
    expect(redeem).toBeGreaterThan(0);

    await signInAsStaff();
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
