import { ROLE_SCOPES } from '../../subgraphs/members/accounts/roles.ts';
import { browserTargets, reportSkippedChromium } from './chromium.ts';
import { axeViolations, type BrowserSuite, screenshot, show, signInAsStaff, startBrowserSuite, WAIT } from './support.ts';

// The cash register's cash and QR code (#/register, issue 22 D3) in a real browser against the real router and
// subgraphs, with the demo data and TRUSTED_DOCUMENTS=enforce, signed in with the cashier role's scopes only. One item
// sold for cash: less than the total is refused and nothing is paid; more shows the exact change on the till and on
// the receipt. Then a sale paid by QR code: the code is drawn in the page, and the simulator's link beside it pays.
const STORE = 'SH-STORE-01';
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

type StoreOrder = { number: string; status: string; total: { amount: string }; payments: { channel: string; status: string }[] };

describeInChromium('cash and QR payments at the cash register in Chromium', () => {
  let suite: BrowserSuite;
  /** The test's own reads, as a cashier that may also run unpublished documents. */
  let staff: string;
  /** A SKU the store's shelf holds, and its price. */
  let sku: { code: string; price: string };
  const since = new Date().toISOString();

  const graph = <T>(query: string, variables: Record<string, unknown> = {}) => suite.graph<T>(query, variables, staff);

  beforeAll(async () => {
    suite = await startBrowserSuite();
    staff = await suite.system.staffToken([...ROLE_SCOPES.cashier!, 'documents:arbitrary']);
    const { products } = await graph<{
      products: {
        edges: {
          node: {
            skus: { code: string; price: { amount: string }; stock: { levels: { warehouse: { code: string }; available: number }[] } }[];
          };
        }[];
      };
    }>('{ products(first: 50) { edges { node { skus { code price { amount } stock { levels { warehouse { code } available } } } } } } }');
    const onShelf = products.edges
      .flatMap((edge) => edge.node.skus)
      .find((each) => each.stock.levels.some((level) => level.warehouse.code === STORE && level.available >= 2));
    sku = { code: onShelf!.code, price: onShelf!.price.amount };
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(() => {
    expect(suite.pageErrors).toEqual([]);
  });

  /** The store sale the till shows as `Sale <number>`, read through the graph. */
  async function storeOrder(number: string): Promise<StoreOrder | undefined> {
    const { orders } = await graph<{ orders: { edges: { node: StoreOrder }[] } }>(
      'query ($from: DateTime) { orders(filter: { channel: STORE, from: $from }, first: 50) { edges { node { number status total { amount } payments { channel status } } } } }',
      { from: since },
    );
    return orders.edges.map((edge) => edge.node).find((order) => order.number === number);
  }

  /** The till with an empty sale, signing in with the cashier role's scopes first when this test runs alone. */
  async function openTill(): Promise<void> {
    const { page } = suite;
    if (await page.getByLabel('SKU code or scan').isVisible()) return;
    await signInAsStaff(suite, page, ROLE_SCOPES.cashier!);
    // Changing only the hash keeps the document, and the token in its memory.
    await show(page, '#/register');
    await page.getByLabel('Store').selectOption({ label: `Shanghai Xuhui store (${STORE})` });
    await page.getByLabel('SKU code or scan').waitFor(WAIT);
  }

  /** Scans the SKU into an empty sale, places it anonymously and returns the sale's number. */
  async function placeOneItem(): Promise<string> {
    const { page } = suite;
    await openTill();
    await page.getByLabel('SKU code or scan').fill(sku.code);
    await page.getByLabel('SKU code or scan').press('Enter');
    await page.getByRole('spinbutton', { name: `Quantity of ${sku.code}` }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Place the sale' }).click();
    const heading = page.getByRole('heading', { name: /^Sale \S+$/ });
    await heading.waitFor(WAIT);
    return (await heading.innerText()).replace(/^Sale /, '');
  }

  /** Amounts as the till writes them (hundredths, two decimals), computed here in whole hundredths. */
  const hundredths = (amount: string) => Math.round(Number(amount) * 100);
  const decimal = (value: number) => (value / 100).toFixed(2);

  it('refuses cash short of the total, then takes more and shows the exact change on the till and the receipt', async () => {
    const { page } = suite;
    const number = await placeOneItem();
    const placed = await storeOrder(number);
    // One item, no member: the order's total is the SKU's price, and the till starts from exactly that.
    expect(placed?.status).toBe('PENDING_PAYMENT');
    expect(hundredths(placed!.total.amount)).toBe(hundredths(sku.price));
    const tendered = page.getByLabel('Cash tendered');
    expect(hundredths(await tendered.inputValue())).toBe(hundredths(sku.price));

    // A hundredth short is refused in words, and nothing is paid.
    const short = decimal(hundredths(sku.price) - 1);
    await tendered.fill(short);
    expect(await page.getByTestId('register-change').innerText()).toBe('');
    await page.getByRole('button', { name: /^Cash received/ }).click();
    await page.getByRole('alert').filter({ hasText: `is less than the total` }).waitFor(WAIT);
    expect(await page.getByRole('alert').innerText()).toContain(short);
    await page.getByText('Status: Waiting for payment.', { exact: false }).waitFor(WAIT);
    expect(await storeOrder(number)).toMatchObject({ status: 'PENDING_PAYMENT', payments: [] });
    // So is something that is not an amount.
    await tendered.fill('12,50');
    await page.getByRole('button', { name: /^Cash received/ }).click();
    await page.getByRole('alert').filter({ hasText: 'Type the cash tendered as an amount' }).waitFor(WAIT);
    expect(await storeOrder(number)).toMatchObject({ status: 'PENDING_PAYMENT', payments: [] });

    // Notes to the next hundred and a hundred more, and five jiao in coins (the demo's prices are whole yuan): the
    // change shows as it is typed, to the hundredth.
    const handed = (Math.floor(hundredths(sku.price) / 10_000) + 2) * 10_000 + 50;
    const change = decimal(handed - hundredths(sku.price));
    expect(change).toMatch(/\.50$/);
    await tendered.fill(decimal(handed));
    await page
      .getByTestId('register-change')
      .filter({ hasText: `Change to give: CN¥${change}` })
      .waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'register-cash-change');
    await page.getByRole('button', { name: /^Cash received/ }).click();
    await page.getByRole('heading', { name: 'Receipt' }).waitFor(WAIT);
    await page.getByText('Status: Paid.').waitFor(WAIT);
    expect(await page.getByTestId('receipt-tendered').innerText()).toBe(`CN¥${decimal(handed)}`);
    expect(await page.getByTestId('receipt-change').innerText()).toBe(`CN¥${change}`);
    expect(await storeOrder(number)).toMatchObject({ status: 'PAID', payments: [{ channel: 'CASH', status: 'SUCCEEDED' }] });
    // Printed, the receipt keeps them.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('receipt-change').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'register-cash-receipt');
    await page.getByRole('button', { name: 'Next sale' }).click();
  });

  it('draws the QR code in the page for a QR payment, with the simulator’s link beside it, which pays the sale', async () => {
    const { page, context } = suite;
    const number = await placeOneItem();
    await page.getByRole('button', { name: 'QR payment (WeChat Pay simulator)' }).click();
    const code = page.getByRole('img', { name: `QR code to pay sale ${number} with WeChat Pay` });
    await code.waitFor(WAIT);
    // An <svg> the page drew itself (the CSP allows no foreign image), with its modules as a path.
    const drawn = await code.evaluate((svg) => ({
      tag: svg.tagName.toLowerCase(),
      width: svg.getBoundingClientRect().width,
      modules: svg.querySelectorAll('path')[1]?.getAttribute('d')?.length ?? 0,
    }));
    expect(drawn.tag).toBe('svg');
    expect(drawn.width).toBeGreaterThanOrEqual(100);
    expect(drawn.modules).toBeGreaterThan(200);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'register-qr');

    const [simulator] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'open the QR payment' }).click()]);
    await simulator.getByRole('button', { name: 'Scan and pay' }).click();
    await page.getByText('Status: Paid.').waitFor(WAIT);
    await simulator.close();
    // Paid by QR code: the receipt has no cash lines.
    await page.getByRole('heading', { name: 'Receipt' }).waitFor(WAIT);
    expect(await page.getByTestId('receipt-tendered').count()).toBe(0);
    expect(await storeOrder(number)).toMatchObject({ status: 'PAID', payments: [{ channel: 'WECHAT_PAY', status: 'SUCCEEDED' }] });
  });
});

describe('cash and QR payments at the cash register in Chromium', () => reportSkippedChromium());
