import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { contractExamples, contractOperation } from '../support/contract.ts';
import type { TestSystem } from '../support/system.ts';
import { browserTargets, reportSkippedChromium } from './chromium.ts';
import {
  axeViolations,
  type BrowserSuite,
  drawnPixels,
  screenshot,
  screensTall,
  show,
  signInAsStaff,
  startBrowserSuite,
  WAIT,
} from './support.ts';

// The React client's live dashboards (issue 22, web-client/src/pages/dashboard and orders) in a real browser under
// the router's CSP, against the real system with the demo data and TRUSTED_DOCUMENTS=enforce: every query the
// pages send goes by documentId, and their subscriptions by the exact text web.json publishes, or they are refused.
const PERSISTED = join(import.meta.dirname, '..', '..', 'web-client', 'src', 'gql', 'persisted-documents.json');
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

describeInChromium('the React dashboards in Chromium', () => {
  let suite: BrowserSuite;
  let system: TestSystem;
  let page: Page;
  let writer: string;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ({ system, page } = suite);
    // The test's own writes go as text, which only a holder of documents:arbitrary may send under enforce.
    writer = await system.staffToken(['stock:write', 'stock:read', 'documents:arbitrary']);
    // A reader without documents:arbitrary: every document the dashboards send must be one web.json publishes,
    // the subscriptions' texts included.
    await signInAsStaff(suite, page, ['stock:read', 'orders:read']);
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(async () => {
    expect(await page.getByText(/stopped:/).count()).toBe(0);
    expect(suite.pageErrors).toEqual([]);
  });

  async function waitForLiveSocket(): Promise<void> {
    await page.locator('header').getByText('Live', { exact: true }).waitFor(WAIT);
  }

  async function adjustStock(skuCode: string, warehouseCode: string, delta: number): Promise<number> {
    const warehouses = await system.graphql<{ warehouses: { id: string; code: string }[] }>('{ warehouses { id code } }', {}, writer);
    const warehouseId = warehouses.body.data!.warehouses.find((warehouse) => warehouse.code === warehouseCode)!.id;
    const { body } = await system.graphql<{ adjustStock: { level: { available: number }; userErrors: unknown[] } }>(
      contractOperation('stock.graphql', 'AdjustStock'),
      { input: { warehouseId, skuCode, delta, reason: `dashboard spec ${delta}` } },
      writer,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.adjustStock.userErrors).toEqual([]);
    return body.data!.adjustStock.level.available;
  }

  it('shows the headline figures and a drawn chart per warehouse, within three screens and without accessibility violations', async () => {
    await show(page, '#/dashboard');
    await page.getByRole('heading', { level: 1, name: 'Live stock' }).waitFor(WAIT);
    await page.locator('#stock-levels tbody tr').first().waitFor(WAIT);
    const warehousesOnPage = new Set(
      await page.locator('#stock-levels tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-warehouse'))),
    );
    // One chart per warehouse on the page, each with bars drawn.
    await page.locator('figure.chart canvas').first().waitFor(WAIT);
    expect(await page.locator('figure.chart').count()).toBe(warehousesOnPage.size);
    for (const pixels of await drawnPixels(page, 'figure.chart canvas')) expect(pixels).toBeGreaterThan(500);
    // The stock value per warehouse from stockValuation (the demo stock is costed), and the counts as numbers.
    await page.locator('[data-figure="value"]').first().waitFor(WAIT);
    expect(await page.locator('[data-figure="value"]').first().textContent()).toMatch(/\d/);
    expect(await page.locator('[data-figure="below-reorder"]').textContent()).toMatch(/^\d[\d,]*$/);
    expect(await page.locator('[data-figure="out-of-stock"]').textContent()).toMatch(/^\d[\d,]*$/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'react-stock-dashboard');
    expect(await screensTall(page)).toBeLessThanOrEqual(3);
  });

  it('shows a stock change made through the graph in the feed and the table without a reload, lighting its row', async () => {
    await waitForLiveSocket();
    // A level with units to take one from (some demo levels are empty).
    const [skuCode, warehouseCode] = await page.locator('#stock-levels tbody tr').evaluateAll((rows) => {
      const row = rows.find((candidate) => Number(candidate.querySelector('[data-column="available"]')?.textContent) >= 5);
      return [row?.getAttribute('data-sku') ?? '', row?.getAttribute('data-warehouse') ?? ''];
    });
    expect(skuCode).not.toBe('');
    const cell = (column: string) =>
      page.locator(`#stock-levels tr[data-sku="${skuCode}"][data-warehouse="${warehouseCode}"] td[data-column="${column}"]`);
    const before = Number(await cell('available').textContent());
    const feedEntry = page.locator(`#stock-feed-entries li[data-sku="${skuCode}"]`);
    // The subscription starts when the page opens; until the router has it upstream a change may pass unseen, so
    // the change is repeated (each one step further) until the feed shows one, and the table must show the last.
    let expected = before;
    for (let attempt = 0; attempt < 5 && (await feedEntry.count()) === 0; attempt += 1) {
      expected = await adjustStock(skuCode, warehouseCode, -1);
      await feedEntry
        .first()
        .waitFor({ timeout: 4_000 })
        .catch(() => undefined);
    }
    expect(expected).toBeLessThan(before);
    await page.waitForFunction(
      ([selector, value]) => document.querySelector(selector!)?.textContent === value,
      [`#stock-levels tr[data-sku="${skuCode}"][data-warehouse="${warehouseCode}"] td[data-column="available"]`, String(expected)],
      WAIT,
    );
    expect(await feedEntry.first().textContent()).toContain(`${skuCode}`);
    expect(await feedEntry.first().textContent()).toContain('-1');
    // Another change lights the row again, and the chart redraws with it.
    const next = await adjustStock(skuCode, warehouseCode, 2);
    await page.locator(`#stock-levels tr.flash[data-sku="${skuCode}"][data-warehouse="${warehouseCode}"]`).waitFor(WAIT);
    await page.waitForFunction(
      ([selector, value]) => document.querySelector(selector!)?.textContent === value,
      [`#stock-levels tr[data-sku="${skuCode}"][data-warehouse="${warehouseCode}"] td[data-column="available"]`, String(next)],
      WAIT,
    );
    // The feed is capped, so the page stays within three screens however busy it is.
    expect(await page.locator('#stock-feed-entries li').count()).toBeLessThanOrEqual(8);
    expect(await screensTall(page)).toBeLessThanOrEqual(3);
  });

  it('pages and filters the table, each page within three screens, and speaks Simplified Chinese', async () => {
    const caption = page.locator('#stock-levels caption');
    expect(await caption.textContent()).toMatch(/^Page 1:/);
    const firstPage = await page.locator('#stock-levels tbody tr').first().getAttribute('data-sku');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#stock-levels caption', { hasText: /^Page 2:/ }).waitFor(WAIT);
    expect(await page.locator('#stock-levels tbody tr').first().getAttribute('data-sku')).not.toBe(firstPage);
    expect(await screensTall(page)).toBeLessThanOrEqual(3);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('#stock-levels caption', { hasText: /^Page 1:/ }).waitFor(WAIT);

    await page.getByRole('searchbox', { name: 'Products' }).fill('oil filter');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    // Only oil filters' levels once the search is read.
    await page
      .locator('#stock-levels tbody tr', { hasText: /oil filter/i })
      .first()
      .waitFor(WAIT);
    const products = await page.locator('#stock-levels tbody tr td:nth-child(2)').allTextContents();
    expect(products.filter((name) => !/oil filter/i.test(name))).toEqual([]);
    expect(await screensTall(page)).toBeLessThanOrEqual(3);

    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '实时库存' }).waitFor(WAIT);
    await page.getByRole('heading', { name: '最新库存变动' }).waitFor(WAIT);
    expect(await page.locator('main').innerText()).not.toMatch(/stockDashboard\.|Stock levels|Latest movements/);
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Live stock' }).waitFor(WAIT);
  });

  it('charts orders per hour by channel and adds an order placed meanwhile, without a reload', async () => {
    await show(page, '#/orders');
    await page.getByRole('heading', { level: 1, name: 'Order feed' }).waitFor(WAIT);
    await page.locator('figure[data-chart="orders"] canvas').waitFor(WAIT);
    for (const pixels of await drawnPixels(page, 'figure.chart canvas')) expect(pixels).toBeGreaterThan(500);
    await waitForLiveSocket();
    const ordersBefore = Number(await page.locator('[data-figure="orders"]').textContent());

    // A guest's order, placed with the storefront's own published document (by id, as the React basket sends it).
    const persisted = JSON.parse(readFileSync(PERSISTED, 'utf8')) as Record<string, string>;
    const documentId = Object.keys(persisted).find((id) => persisted[id]!.startsWith('mutation BasketPlaceOrder'))!;
    const placeOrder = async (attempt: number) => {
      const input = {
        ...(contractExamples().PlaceOrder as { input: object }).input,
        couponCode: null,
        idempotencyKey: `dashboard-spec-${Date.now()}-${attempt}`,
      };
      const response = await system.post(
        '/graphql',
        { 'content-type': 'application/json' },
        JSON.stringify({ documentId, variables: { input } }),
      );
      const body = JSON.parse(response.body) as { data?: { placeOrder: { order: { number: string } | null; userErrors: unknown[] } } };
      expect(body.data?.placeOrder.userErrors).toEqual([]);
      return body.data!.placeOrder.order!.number;
    };
    // As with stock: the first order may pass before the router holds the subscription upstream.
    let placed: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      placed = [...placed, await placeOrder(attempt)];
      const seen = await page
        .locator('#latest-orders-table tbody tr', { hasText: placed[placed.length - 1]! })
        .waitFor({ timeout: 4_000 })
        .then(() => true)
        .catch(() => false);
      if (seen) break;
    }
    const newest = placed[placed.length - 1]!;
    await page.locator(`#latest-orders-table tr[data-order="${newest}"]`).waitFor(WAIT);
    expect(await page.locator('#latest-orders-table tbody tr').first().getAttribute('data-order')).toBe(newest);
    expect(Number(await page.locator('[data-figure="orders"]').textContent())).toBeGreaterThan(ordersBefore);
    for (const pixels of await drawnPixels(page, 'figure.chart canvas')) expect(pixels).toBeGreaterThan(500);

    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'react-orders-dashboard');
    expect(await screensTall(page)).toBeLessThanOrEqual(3);

    // The channel and status in words, in either language.
    const newRow = page.locator(`#latest-orders-table tr[data-order="${newest}"]`);
    expect(await newRow.innerText()).toMatch(/Online\s+Awaiting payment/);
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '订单动态' }).waitFor(WAIT);
    expect(await newRow.innerText()).toMatch(/线上\s+待付款/);
    expect(await page.locator('main').innerText()).not.toMatch(/ordersDashboard\.|Orders per hour|Latest orders/);
    await page.getByLabel('语言').selectOption('en');
  });
});

reportSkippedChromium();
