import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../../platform/testing/eventually.ts';
import { contractExamples } from '../support/contract.ts';
import { paymentSucceeded } from '../support/shop.ts';
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

// The React client's reports (issue 22, web-client/src/pages/reports) in Chromium against the real system with the
// demo data and TRUSTED_DOCUMENTS=enforce: sales made through the graph show in the reports, each report's table
// says what the graph answers, its chart drew, and its CSV holds exactly the table's rows.
const PERSISTED = join(import.meta.dirname, '..', '..', 'web-client', 'src', 'gql', 'persisted-documents.json');
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;
/** Admin-like reading: every report's scope, but not documents:arbitrary, so the page may send only published documents. */
const READER_SCOPES = ['catalogue:read', 'orders:read', 'stock:read', 'members:read', 'payments:read', 'invoices:read'];

type Row = { key: string; orders: number; units: number; revenue: { amount: string; currencyCode: string } };

describeInChromium('the React reports in Chromium', () => {
  let suite: BrowserSuite;
  let system: TestSystem;
  let page: Page;
  let reader: string;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ({ system, page } = suite);
    // The test's own reads go as text, which only a holder of documents:arbitrary may send under enforce.
    reader = await system.staffToken([...READER_SCOPES, 'documents:arbitrary']);
    const before = await salesRows('DAY', period(today(), today()));
    // Two guest orders placed with the storefront's published document, then paid: sales of today.
    const persisted = JSON.parse(readFileSync(PERSISTED, 'utf8')) as Record<string, string>;
    const documentId = Object.keys(persisted).find((id) => persisted[id]!.startsWith('mutation BasketPlaceOrder'))!;
    const example = (contractExamples().PlaceOrder as { input: { lines: { skuCode: string }[] } }).input;
    for (const quantity of [1, 2]) {
      const input = {
        ...example,
        couponCode: null,
        lines: [{ skuCode: example.lines[0]!.skuCode, quantity }],
        idempotencyKey: `reports-spec-${Date.now()}-${quantity}`,
      };
      const response = await system.post(
        '/graphql',
        { 'content-type': 'application/json' },
        JSON.stringify({ documentId, variables: { input } }),
      );
      const body = JSON.parse(response.body) as { data?: { placeOrder: { order: { id: string } | null; userErrors: unknown[] } } };
      expect(body.data?.placeOrder.userErrors).toEqual([]);
      await paymentSucceeded(system, body.data!.placeOrder.order!.id);
    }
    const ordersBefore = before.reduce((sum, row) => sum + row.orders, 0);
    await eventually(
      async () => (await salesRows('DAY', period(today(), today()))).reduce((sum, row) => sum + row.orders, 0) >= ordersBefore + 2,
      'both orders were paid and count as sales',
      { timeoutMs: 20_000 },
    );
    // A member, so a tier has someone in it and the tier chart draws a bar (the demo data has no members).
    await suite.graph(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } } }',
      { input: { name: 'Report Reader', email: `reports-${Date.now()}@example.com`, password: 'correct horse battery staple' } },
      reader,
    );
    await signInAsStaff(suite, page, READER_SCOPES);
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(() => {
    expect(suite.pageErrors).toEqual([]);
  });

  const DAY_MS = 86_400_000;
  const today = () => new Date().toISOString().slice(0, 10);
  const period = (first: string, last: string) => ({
    from: `${first}T00:00:00.000Z`,
    to: new Date(Date.parse(`${last}T00:00:00Z`) + DAY_MS).toISOString(),
  });

  async function salesRows(groupBy: 'DAY' | 'SKU', range: { from: string; to: string }): Promise<Row[]> {
    const data = await suite.graph<{ salesReport: { rows: Row[] } }>(
      'query ($from: DateTime!, $to: DateTime!, $groupBy: SalesReportGrouping!) { salesReport(from: $from, to: $to, groupBy: $groupBy) { rows { key orders units revenue { amount currencyCode } } } }',
      { ...range, groupBy },
      reader,
    );
    return data.salesReport.rows;
  }

  /** The period the report's date inputs show, as the graph takes it. */
  async function shownPeriod(report: string) {
    const dates = await page
      .locator(`[data-report="${report}"] input[type="date"]`)
      .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    return period(dates[0]!, dates[1]!);
  }

  async function tableRows(report: string): Promise<string[][]> {
    return page
      .locator(`#${report}-table tbody tr`)
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')));
  }

  /** Opens the report's tab, checks its chart drew, its CSV equals its table, and it is accessible and short; returns the table. */
  async function checkReport(report: string, tab: string): Promise<string[][]> {
    await show(page, `#/reports/${report === 'sales-per-day' ? 'sales' : report === 'stock-valuation' ? 'stock' : report}`);
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: tab }).waitFor(WAIT);
    await page.locator(`#${report}-table tbody tr`).first().waitFor(WAIT);
    await page.locator(`figure[data-chart="${report}"] canvas`).waitFor(WAIT);
    for (const pixels of await drawnPixels(page, `figure[data-chart="${report}"] canvas`)) expect(pixels).toBeGreaterThan(500);
    const rows = await tableRows(report);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`[data-report="${report}"]`).getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${report}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.endsWith('\r\n')).toBe(true);
    const records = csv
      .slice(0, -2)
      .split('\r\n')
      .map((line) =>
        line
          .slice(1, -1)
          .split('","')
          .map((field) => field.replace(/""/g, '"')),
      );
    expect(records.slice(1)).toEqual(rows);
    expect(records[0]!.length).toBe(rows[0]!.length);

    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `reports-${report}`);
    expect(await screensTall(page)).toBeLessThanOrEqual(3);
    return rows;
  }

  const asCells = (row: Row) => [row.key, String(row.orders), String(row.units), row.revenue.amount, row.revenue.currencyCode];

  it('shows sales per day, today included, as the graph answers them', async () => {
    const rows = await checkReport('sales-per-day', 'Sales per day');
    const answered = await salesRows('DAY', await shownPeriod('sales-per-day'));
    expect(rows).toEqual(answered.map(asCells));
    expect(rows.map((row) => row[0])).toContain(today());
  });

  it('shows the top SKUs by units and by revenue as the graph answers them', async () => {
    const rows = await checkReport('top-skus', 'Top SKUs');
    const answered = await salesRows('SKU', await shownPeriod('top-skus'));
    const byUnits = [...answered].sort((a, b) => b.units - a.units || a.key.localeCompare(b.key)).slice(0, 10);
    expect(rows).toEqual(byUnits.map(asCells));
    expect(rows.length).toBeGreaterThan(0);
    await page.getByLabel('Rank by').selectOption('revenue');
    const byRevenue = [...answered]
      .sort((a, b) => Number(b.revenue.amount) - Number(a.revenue.amount) || a.key.localeCompare(b.key))
      .slice(0, 10);
    await eventually(
      async () => JSON.stringify(await tableRows('top-skus')) === JSON.stringify(byRevenue.map(asCells)),
      'ranked by revenue',
      {
        timeoutMs: 5_000,
      },
    );
  });

  it('shows the stock valuation per warehouse as the graph answers it', async () => {
    const rows = await checkReport('stock-valuation', 'Stock valuation');
    const data = await suite.graph<{
      stockValuation: { lines: { warehouse: { code: string }; units: number; value: { amount: string; currencyCode: string } }[] };
    }>('{ stockValuation { lines { warehouse { code } units value { amount currencyCode } } } }', {}, reader);
    expect(rows).toEqual(
      data.stockValuation.lines.map((line) => [line.warehouse.code, String(line.units), line.value.amount, line.value.currencyCode]),
    );
  });

  it('shows members per tier and the points liability as the graph answers them', async () => {
    const rows = await checkReport('members', 'Members per tier');
    const data = await suite.graph<{
      memberReport: {
        tierDistribution: { tier: { name: string }; members: number }[];
        pointsLiability: { points: number; members: number };
      };
    }>(
      'query ($from: DateTime!, $to: DateTime!) { memberReport(from: $from, to: $to) { tierDistribution { tier { name } members } pointsLiability { points members } } }',
      await shownPeriod('members'),
      reader,
    );
    expect(rows).toEqual(data.memberReport.tierDistribution.map((row) => [row.tier.name, String(row.members)]));
    expect(rows.some((row) => Number(row[1]) > 0)).toBe(true);
    expect(Number(await page.locator('[data-figure="new-members"]').textContent())).toBeGreaterThan(0);
    expect(await page.locator('[data-figure="liability-points"]').textContent()).toBe(String(data.memberReport.pointsLiability.points));
    expect(await page.locator('[data-figure="liability-members"]').textContent()).toBe(String(data.memberReport.pointsLiability.members));
  });

  it('shows staff only the reports their scopes allow', async () => {
    // A page of its own: the session lives in a page's memory, and this one holds stock:read only.
    const clerk = await suite.context.newPage();
    try {
      await signInAsStaff(suite, clerk, ['stock:read']);
      await show(clerk, '#/reports');
      await clerk.locator('#stock-valuation-table').waitFor(WAIT);
      expect(await clerk.getByRole('navigation', { name: 'Reports' }).getByRole('link').allTextContents()).toEqual(['Stock valuation']);
      await show(clerk, '#/reports/members');
      await clerk.getByText('No such page.').waitFor(WAIT);
    } finally {
      await clerk.close();
    }
  });
});

reportSkippedChromium();
