import type { BrowserContext, Page } from 'playwright-core';
import type { TestSystem } from '../support/system.ts';
import { browserTargets, reportSkippedChromium } from './chromium.ts';
import {
  axeViolations,
  type BrowserSuite,
  CLIENT_PATH,
  PHONE,
  registerOnSignInPage,
  screenshot as screenshotAs,
  screensTall,
  startBrowserSuite,
  WAIT,
} from './support.ts';

// The React web client (web-client/src/, issue 22) served by the router, in a real browser under the router's real
// Content-Security-Policy, against the real system with the demo catalogue and stock, and with
// TRUSTED_DOCUMENTS=enforce: every operation it sends must be one web.json publishes (by documentId).
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

describeInChromium('the React web client in Chromium', () => {
  let suite: BrowserSuite;
  let system: TestSystem;
  let context: BrowserContext;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    ({ system, context, page, origin } = suite);
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(() => {
    // A script error, a resource the CSP blocked or a refused document is a defect even when the assertions passed.
    expect(suite.pageErrors).toEqual([]);
  });

  const screenshot = (on: Page, name: string) => screenshotAs(on, `react-${name}`);

  /** Registers a new customer on the sign-in page being shown; members land in the shop, signed in. */
  async function registerInShop(on: Page): Promise<void> {
    await registerOnSignInPage(on, 'Han Meimei');
    await on.getByRole('heading', { name: 'Car parts' }).waitFor(WAIT);
  }

  async function search(on: Page, words: string): Promise<void> {
    await on.getByRole('combobox', { name: 'Search', exact: true }).fill(words);
    await on.getByRole('button', { name: 'Search', exact: true }).click();
    await on.getByText(/^\d+ products/).waitFor(WAIT);
  }

  const shownProducts = (on: Page) => on.locator('.products > li h2').allTextContents();
  const resultCount = async (on: Page) => Number(((await on.getByText(/^\d+ products/).textContent()) ?? '').split(' ')[0]);

  it('renders its routes under the CSP, says "Signed out" rather than "null", and switches to Simplified Chinese', async () => {
    await page.goto(`${origin}${CLIENT_PATH}`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Live stock' }).click();
    await page.getByRole('heading', { name: 'Live stock' }).waitFor(WAIT);
    expect(page.url()).toMatch(/#\/dashboard$/);
    await page.getByText('Signed out', { exact: true }).waitFor(WAIT);
    // Words, never a literal "null" nor an untranslated key such as "socket.idle".
    expect(await page.locator('header').innerText()).not.toMatch(/null|socket\./);

    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '实时库存' }).waitFor(WAIT);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '商店' }).click();
    await page.getByRole('heading', { name: '汽车配件' }).waitFor(WAIT);
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Car parts' }).waitFor(WAIT);
  });

  it('registers a new customer on the sign-in page and signs them in, with no accessibility violations', async () => {
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    await registerInShop(page);
    expect(await page.locator('header').innerText()).not.toMatch(/null|undefined/);
  });

  it('refuses a wrong password with the API’s message and stays signed out', async () => {
    const other = await context.newPage();
    await other.goto(`${origin}${CLIENT_PATH}#/login`);
    const login = other.getByRole('region', { name: 'Staff and members' });
    await login.getByLabel('Email').fill('nobody@example.com');
    await login.getByLabel('Password').fill('not the password');
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.getByRole('alert').waitFor(WAIT);
    await other.getByText('Signed out', { exact: true }).waitFor(WAIT);
    await other.close();
  });

  it('finds parts, narrows them by a facet and by vehicle, and pages through them, each page within three screens', async () => {
    await page.goto(`${origin}${CLIENT_PATH}#/store`);
    // Autocomplete: a word's start brings searchSuggestions' words as the search box's options.
    await page.getByRole('combobox', { name: 'Search', exact: true }).fill('brak');
    await page
      .locator('datalist option[value^="brake"]')
      .first()
      .waitFor({ state: 'attached', ...WAIT });
    await search(page, 'brake pad');
    const total = await resultCount(page);
    const firstPage = await shownProducts(page);
    expect(firstPage.length).toBeGreaterThan(0);
    expect(firstPage.some((name) => /brake pad/i.test(name))).toBe(true);
    expect(total).toBeGreaterThan(firstPage.length);
    expect(await screensTall(page)).toBeLessThanOrEqual(3);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'store-search');

    // Paging: the next page shows other products, and Previous comes back to the first.
    const pager = page.getByRole('navigation', { name: 'Result pages' });
    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByText('Page 2').waitFor(WAIT);
    await page.waitForFunction((first) => document.querySelector('.products > li h2')?.textContent !== first, firstPage[0], WAIT);
    const secondPage = await shownProducts(page);
    expect(secondPage.filter((name) => firstPage.includes(name))).toEqual([]);
    expect(await screensTall(page)).toBeLessThanOrEqual(3);
    await screenshot(page, 'store-page-2');
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await pager.getByText('Page 1').waitFor(WAIT);
    await page.waitForFunction((first) => document.querySelector('.products > li h2')?.textContent === first, firstPage[0], WAIT);

    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByText('Page 2').waitFor(WAIT);
    // A brand facet's count is the number of products the search finds once it is chosen.
    const brands = page.getByRole('group', { name: 'Brand' });
    const brand = brands.getByRole('radio').nth(1);
    const [, brandName, brandCount] = /^\s*(.+) \((\d+)\)$/.exec((await brands.locator('label').nth(1).textContent()) ?? '')!;
    // The radio is checked once the address (which holds the choice) has changed.
    await brand.click();
    await page.waitForFunction(() => location.hash.includes('brand='), undefined, WAIT);
    expect(await brand.isChecked()).toBe(true);
    await page.getByText(`${brandCount} products`, { exact: true }).waitFor(WAIT);
    expect(Number(brandCount)).toBeLessThan(total);
    // Another search starts at its first page, whatever page the last one was on.
    expect(await pager.getByText(/^Page \d+$/).textContent()).toBe('Page 1');
    expect(page.url()).toContain('brand=');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByText(`${total} products`, { exact: true }).waitFor(WAIT);
    expect(brandName).toBeTruthy();
    // The back button returns to the brand's search, at its first page, not at the page the other search was on.
    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByText('Page 2').waitFor(WAIT);
    await page.goBack();
    await page.getByText(`${brandCount} products`, { exact: true }).waitFor(WAIT);
    expect(await pager.getByText(/^Page \d+$/).textContent()).toBe('Page 1');

    // The vehicle selector: only parts fitting the chosen car.
    const vehicle = page.getByLabel('Fits vehicle');
    await vehicle
      .locator('option')
      .nth(1)
      .waitFor({ state: 'attached', ...WAIT });
    const option = (await vehicle.locator('option').nth(1).textContent())!;
    await vehicle.selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const [make, model] = option.split(' ');
    const fitting = page.getByText(new RegExp(`^\\d+ products fit the ${make} ${model}$`));
    await fitting.waitFor(WAIT);
    const fittingBrakePads = Number(((await fitting.textContent()) ?? '').split(' ')[0]);
    expect(fittingBrakePads).toBeGreaterThan(0);
    expect(fittingBrakePads).toBeLessThan(total);
    // Without words, every part that fits the car: more than its brake pads alone.
    await page.getByRole('combobox', { name: 'Search', exact: true }).fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForFunction(() => !location.hash.includes('query='), undefined, WAIT);
    await page.getByText(new RegExp(`^\\d+ products fit the ${make} ${model}$`)).waitFor(WAIT);
    expect(Number(((await fitting.textContent()) ?? '').split(' ')[0])).toBeGreaterThan(fittingBrakePads);
    await screenshot(page, 'store-vehicle');
  });

  it('shows a product, adds it to the basket, the basket shows the line and the total, and a member orders and pays', async () => {
    // The token lives in the page's memory: changing only the hash keeps it; a page that lost it signs up again.
    await page.goto(`${origin}${CLIENT_PATH}#/store`);
    if (await page.getByText('Signed out', { exact: true }).isVisible()) {
      await page.getByRole('link', { name: 'Sign in' }).click();
      await registerInShop(page);
    }
    await search(page, 'brake pad');
    const productName = (await page.locator('.products > li h2').first().textContent())!;
    await page.getByRole('link', { name: productName, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: productName }).waitFor(WAIT);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'product');
    const add = page
      .getByRole('button', { name: /^Add to basket: \S+$/ })
      .and(page.locator(':enabled'))
      .first();
    const skuCode = ((await add.getAttribute('aria-label')) ?? '').replace(/^Add to basket: /, '');
    await add.click();
    await page.getByText(`${skuCode} is in your basket.`).waitFor(WAIT);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Basket (1)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Basket' }).waitFor(WAIT);
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: skuCode, exact: true }) });
    const unitPrice = (await row.getByRole('cell').nth(2).textContent())!;
    const total = page.getByTestId('basket-total');
    expect(await total.textContent()).toBe(unitPrice);
    await row.getByLabel(`Quantity of ${skuCode}`).fill('3');
    // The test's own query is not a published document: a token allowed arbitrary operations sends it.
    const reader = await system.staffToken(['catalogue:read', 'documents:arbitrary']);
    const { body } = await system.graphql<{ sku: { price: { amount: string; currencyCode: string } } }>(
      'query ($code: String!) { sku(code: $code) { price { amount currencyCode } } }',
      { code: skuCode },
      reader,
    );
    const { amount, currencyCode } = body.data!.sku.price;
    // Three of it, summed exactly (in hundredths), as the shopper's language writes money.
    const threeOf = (Math.round(Number(amount) * 100) * 3) / 100;
    const expected = await page.evaluate(
      ([value, currency]) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(value),
      [threeOf, currencyCode] as const,
    );
    await page.waitForFunction((shown) => document.querySelector('[data-testid="basket-total"]')?.textContent === shown, expected, WAIT);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'basket');

    const checkout = page.getByRole('form', { name: 'Checkout' });
    await checkout.getByLabel('Name').fill('Li Lei');
    await checkout.getByLabel('Phone').fill('+86 138 0000 0000');
    await checkout.getByLabel('Address').fill('1 Century Avenue');
    await checkout.getByLabel('City').fill('Shanghai');
    await checkout.getByLabel('Postal code').fill('200120');
    await checkout.getByText('Ordering as a member.').waitFor(WAIT);
    await checkout.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('heading', { name: /^Order SO-.* placed$/ }).waitFor(WAIT);
    await page.getByText('Your basket is empty.').waitFor(WAIT);
    await screenshot(page, 'order-placed');

    // Paying opens the provider's page (the simulator's) in a new tab, and the link to it stays on the page.
    const [simulator] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: 'Pay with WeChat Pay (simulator)' }).click(),
    ]);
    await simulator.getByRole('button', { name: 'Scan and pay' }).waitFor(WAIT);
    const link = page.getByRole('link', { name: 'open it' });
    await link.waitFor(WAIT);
    expect(await link.getAttribute('href')).toBe(simulator.url());
    await simulator.close();
  });

  it('fits a phone: the storefront has no sideways scrolling and no accessibility violations', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(`${origin}${CLIENT_PATH}#/store`);
    await search(phone, 'brake pad');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await screensTall(phone)).toBeLessThanOrEqual(3);
    // The facets are folded above the results, and open when asked.
    await phone.getByText('Narrow the results').click();
    await phone.getByRole('group', { name: 'Brand' }).waitFor(WAIT);
    expect(await axeViolations(phone)).toEqual([]);
    await screenshot(phone, 'store-phone');
    await phone.close();
  });
});

describe('the React web client in Chromium', () => reportSkippedChromium());
