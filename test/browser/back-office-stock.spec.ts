import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { ROLE_SCOPES } from '../../subgraphs/members/accounts/roles.ts';
import { browserTargets } from './chromium.ts';
import { type BrowserSuite, checkScreen as checkPage, screenshot, show, signInAsStaff, startBrowserSuite, WAIT } from './support.ts';

// The back office's catalogue and stock sections (issue 22 D4, web-client/src/pages/back-office/catalogue and stock)
// in a real browser against the real router and subgraphs, demo data and TRUSTED_DOCUMENTS=enforce. A merchandiser
// and a stock clerk, each signed in with their role's scopes only, do their tasks through the forms; every result is
// read back through the graph, and each screen is checked with axe and kept within three screens.
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;
const RUN = Date.now().toString(36).toUpperCase();

/**
 * A real 2×2 PNG (the catalogue reads its header and refuses anything else), built here so the test needs no file;
 * `red` is its first pixel's red, so two pictures have different bytes (and URLs).
 */
function tinyPng(red = 255): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const rows = Buffer.from([0, red, 0, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

type Level = { warehouse: { code: string }; onHand: number; reorderPoint: number | null; lowStock: boolean };

describeInChromium('the back office’s catalogue and stock sections in Chromium', () => {
  let suite: BrowserSuite;
  /** The test's own reads, as staff that may also run unpublished documents. */
  let reader: string;
  let merchandiser: Page;
  let clerk: Page;

  const graph = <T>(query: string, variables: Record<string, unknown> = {}) => suite.graph<T>(query, variables, reader);

  const checkScreen = (page: Page, name: string) => checkPage(page, `back-office-stock-${name}`);

  async function sectionLinks(page: Page): Promise<string[]> {
    await show(page, '#/back-office');
    await page.getByRole('heading', { level: 1, name: 'Back office' }).waitFor(WAIT);
    return page.getByRole('navigation', { name: 'Back-office sections' }).getByRole('link').allTextContents();
  }

  async function levelsOf(skuCode: string): Promise<Level[]> {
    const { stockLevels } = await graph<{ stockLevels: Level[] }>(
      'query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { warehouse { code } onHand reorderPoint lowStock } }',
      { codes: [skuCode] },
    );
    return stockLevels;
  }
  const onHandAt = async (skuCode: string, warehouseCode: string) =>
    (await levelsOf(skuCode)).find((level) => level.warehouse.code === warehouseCode)?.onHand ?? 0;

  beforeAll(async () => {
    suite = await startBrowserSuite();
    reader = await suite.system.staffToken([...ROLE_SCOPES['stock-clerk']!, ...ROLE_SCOPES.merchandiser!, 'documents:arbitrary']);
    merchandiser = suite.page;
    await signInAsStaff(suite, merchandiser, ROLE_SCOPES.merchandiser!);
    clerk = await suite.context.newPage();
    await signInAsStaff(suite, clerk, ROLE_SCOPES['stock-clerk']!);
  }, 180_000);

  afterAll(async () => {
    await suite?.close();
  });

  afterEach(() => {
    expect(suite.pageErrors).toEqual([]);
  });

  it('shows each role only its own section', async () => {
    expect(await sectionLinks(merchandiser)).toEqual(['Catalogue']);
    expect(await sectionLinks(clerk)).toEqual(['Stock']);
    // Typing the other section's address does not show it either.
    await show(clerk, '#/back-office/catalogue/products');
    await clerk.getByText('No such page.').waitFor(WAIT);
    expect(await clerk.getByRole('heading', { name: 'Catalogue' }).count()).toBe(0);
  });

  describe('a merchandiser', () => {
    const brand = `Spec Brand ${RUN}`;
    const skuCode = `SPEC-${RUN}`;
    let productId: string;

    it('creates a brand and a supplier, and sees a duplicate brand refused', async () => {
      await show(merchandiser, '#/back-office/catalogue/reference');
      const brandForm = merchandiser.getByRole('form', { name: 'New brand' });
      await brandForm.getByLabel('Brand name').fill(brand);
      await brandForm.getByRole('button', { name: 'Create the brand' }).click();
      await brandForm
        .getByRole('status')
        .filter({ hasText: `Brand ${brand} created.` })
        .waitFor(WAIT);
      await brandForm.getByLabel('Brand name').fill(brand);
      await brandForm.getByRole('button', { name: 'Create the brand' }).click();
      await brandForm.getByRole('alert').filter({ hasText: 'DUPLICATE_NAME' }).waitFor(WAIT);
      const supplierForm = merchandiser.getByRole('form', { name: 'New supplier' });
      await supplierForm.getByLabel('Supplier name').fill(`Spec Supplier ${RUN}`);
      await supplierForm.getByRole('button', { name: 'Create the supplier' }).click();
      await supplierForm.getByRole('status').filter({ hasText: 'created' }).waitFor(WAIT);
      const categoryForm = merchandiser.getByRole('form', { name: 'New category' });
      await categoryForm.getByLabel('Category name').fill(`Spec Category ${RUN}`);
      await categoryForm.getByRole('button', { name: 'Create the category' }).click();
      await categoryForm
        .getByRole('status')
        .filter({ hasText: `Spec Category ${RUN}` })
        .waitFor(WAIT);
      await checkScreen(merchandiser, 'reference');
      const { brands, suppliers, categories } = await graph<{
        brands: { name: string }[];
        suppliers: { name: string }[];
        categories: { name: string }[];
      }>('{ brands { name } suppliers { name } categories { name } }');
      expect(categories.map((each) => each.name)).toContain(`Spec Category ${RUN}`);
      expect(brands.filter((each) => each.name === brand)).toHaveLength(1);
      expect(suppliers.map((each) => each.name)).toContain(`Spec Supplier ${RUN}`);
    });

    it('creates a product with its first SKU, then changes its price', async () => {
      await show(merchandiser, '#/back-office/catalogue/new');
      const form = merchandiser.getByRole('form', { name: 'New product' });
      await form.getByLabel('Name', { exact: true }).fill(`Spec brake pad ${RUN}`);
      await form.getByLabel('Brand').selectOption({ label: brand });
      await form.getByLabel('Category').selectOption({ index: 1 });
      await form.getByLabel('SKU code (A-Z, 0-9, dashes)').fill(skuCode);
      await form.getByLabel('SKU name').fill('Front axle');
      await form.getByLabel('Price (CNY)').fill('199.00');
      await checkScreen(merchandiser, 'new-product');
      await form.getByRole('button', { name: 'Create the product' }).click();
      await merchandiser.getByText(`Editing Spec brake pad ${RUN}`).waitFor(WAIT);
      productId = /product\/([^/]+)/.exec(merchandiser.url())![1]!;

      await merchandiser.getByRole('link', { name: 'SKUs and prices' }).click();
      const price = merchandiser.getByRole('form', { name: `${skuCode}: Front axle` });
      await price.getByLabel(`New price of ${skuCode} (CNY)`).fill('123.45');
      await price.getByRole('button', { name: `Set the price of ${skuCode}` }).click();
      await price.getByRole('status').waitFor(WAIT);
      await checkScreen(merchandiser, 'sku-price');
      const { sku } = await graph<{ sku: { price: { amount: string }; product: { id: string; brand: { name: string } } } }>(
        'query ($code: String!) { sku(code: $code) { price { amount } product { id brand { name } } } }',
        { code: skuCode },
      );
      expect(Number(sku.price.amount)).toBe(123.45);
      expect(sku.product).toEqual({ id: productId, brand: { name: brand } });
    });

    it('uploads a picture, which is shown as a thumbnail and served from /images/', async () => {
      const png = tinyPng();
      await show(merchandiser, `#/back-office/catalogue/product/${productId}/pictures`);
      const form = merchandiser.getByRole('form', { name: 'Add a picture' });
      await form.getByLabel('Picture (PNG, JPEG or WebP)').setInputFiles({ name: 'pad.png', mimeType: 'image/png', buffer: png });
      await form.getByLabel('What the picture shows (for readers who cannot see it)').fill('The pad, front view');
      await form.getByRole('button', { name: 'Upload the picture' }).click();
      const thumbnail = merchandiser.getByRole('img', { name: 'The pad, front view' });
      await thumbnail.waitFor(WAIT);
      await checkScreen(merchandiser, 'pictures');
      const src = (await thumbnail.getAttribute('src'))!;
      expect(src).toMatch(/^\/images\/[0-9a-f]{64}$/);
      expect(await thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(2);
      const served = await merchandiser.request.get(`${suite.origin}${src}`);
      expect(served.status()).toBe(200);
      expect(served.headers()['content-type']).toBe('image/png');
      expect(Buffer.from(await served.body()).equals(png)).toBe(true);
      const { product } = await graph<{ product: { images: { url: string }[] } }>(
        'query ($id: ID!) { product(id: $id) { images { url } } }',
        { id: productId },
      );
      expect(product.images.map((image) => image.url)).toEqual([src]);

      // A second picture, moved first, then the first one removed: its URL stops answering.
      await form.getByLabel('Picture (PNG, JPEG or WebP)').setInputFiles({ name: 'side.png', mimeType: 'image/png', buffer: tinyPng(7) });
      await form.getByLabel('What the picture shows (for readers who cannot see it)').fill('The pad, side view');
      await form.getByRole('button', { name: 'Upload the picture' }).click();
      const side = merchandiser.getByRole('img', { name: 'The pad, side view' });
      await side.waitFor(WAIT);
      const sideSrc = (await side.getAttribute('src'))!;
      await merchandiser.getByRole('button', { name: 'Move picture 2 earlier' }).click();
      await merchandiser.getByRole('status').filter({ hasText: 'The pictures are in their new order.' }).waitFor(WAIT);
      const images = async () =>
        (
          await graph<{ product: { images: { url: string }[] } }>('query ($id: ID!) { product(id: $id) { images { url } } }', {
            id: productId,
          })
        ).product.images.map((image) => image.url);
      expect(await images()).toEqual([sideSrc, src]);
      await merchandiser.getByRole('button', { name: 'Remove picture 2' }).click();
      await merchandiser.getByRole('status').filter({ hasText: 'The picture is removed.' }).waitFor(WAIT);
      expect(await images()).toEqual([sideSrc]);
      expect((await merchandiser.request.get(`${suite.origin}${src}`)).status()).toBe(404);
    });

    it('edits the details and the part numbers of the product', async () => {
      await show(merchandiser, `#/back-office/catalogue/product/${productId}/details`);
      const details = merchandiser.getByRole('form', { name: 'Details' });
      await details.getByLabel('Name', { exact: true }).fill(`Spec brake pad ${RUN} (ceramic)`);
      await details.getByLabel('On sale (active)').uncheck();
      await details.getByRole('button', { name: 'Save the details' }).click();
      await details.getByRole('status').filter({ hasText: 'saved' }).waitFor(WAIT);
      await checkScreen(merchandiser, 'details');
      await merchandiser.getByRole('link', { name: 'SKUs and prices' }).click();
      const parts = merchandiser.getByRole('form', { name: `Part numbers of ${skuCode}` });
      await parts.getByLabel('Manufacturer part number').fill('SP 1234-A');
      await parts.getByLabel('OE numbers (one per line)').fill('04465-33471\n04465-33450');
      await parts.getByLabel('Cross references (one per line, as brand: number)').fill('no colon here');
      await parts.getByRole('button', { name: `Save the part numbers of ${skuCode}` }).click();
      await parts.getByRole('alert').filter({ hasText: 'no colon here' }).waitFor(WAIT);
      await parts.getByLabel('Cross references (one per line, as brand: number)').fill('Brembo: P 83 024');
      await parts.getByRole('button', { name: `Save the part numbers of ${skuCode}` }).click();
      await parts.getByRole('status').waitFor(WAIT);
      const { sku } = await graph<{
        sku: {
          manufacturerPartNumber: string;
          oeNumbers: string[];
          crossReferences: unknown[];
          product: { name: string; active: boolean };
        };
      }>(
        'query ($code: String!) { sku(code: $code) { manufacturerPartNumber oeNumbers crossReferences { brand number } product { name active } } }',
        {
          code: skuCode,
        },
      );
      expect(sku).toEqual({
        manufacturerPartNumber: 'SP 1234-A',
        oeNumbers: ['04465-33471', '04465-33450'],
        crossReferences: [{ brand: 'Brembo', number: 'P 83 024' }],
        product: { name: `Spec brake pad ${RUN} (ceramic)`, active: false },
      });
    });

    it('lists products with a search', async () => {
      await show(merchandiser, '#/back-office/catalogue/products');
      await merchandiser.getByLabel('Words in the name, brand, category or SKU').fill(RUN);
      await merchandiser.getByRole('button', { name: 'Find' }).click();
      await merchandiser
        .locator('#catalogue-products')
        .getByRole('link', { name: `Spec brake pad ${RUN}` })
        .waitFor(WAIT);
      await checkScreen(merchandiser, 'products');
    });
  });

  describe('a stock clerk', () => {
    const warehouse = `SPEC-${RUN}`.slice(0, 20);
    let skuCode: string;
    let other: string;

    beforeAll(async () => {
      const { products, warehouses } = await graph<{
        products: { edges: { node: { skus: { code: string }[] } }[] };
        warehouses: { code: string }[];
      }>('{ products(first: 1) { edges { node { skus { code } } } } warehouses { code } }');
      skuCode = products.edges[0]!.node.skus[0]!.code;
      other = warehouses[0]!.code;
    });

    const form = (name: string) => clerk.getByRole('form', { name });

    it('creates a warehouse', async () => {
      await show(clerk, '#/back-office/stock/warehouses');
      const create = form('New warehouse');
      await create.getByLabel('Code').fill(warehouse);
      await create.getByLabel('Name').fill('Spec warehouse');
      await create.getByLabel('Region').fill('East');
      await create.getByRole('button', { name: 'Create the warehouse' }).click();
      await create
        .getByRole('status')
        .filter({ hasText: `Warehouse ${warehouse} created.` })
        .waitFor(WAIT);
      await clerk.locator(`#stock-warehouses tr[data-code="${warehouse}"]`).waitFor(WAIT);
      await checkScreen(clerk, 'warehouses');
      const { warehouses } = await graph<{ warehouses: { code: string; region: string; active: boolean }[] }>(
        '{ warehouses { code region active } }',
      );
      expect(warehouses.find((each) => each.code === warehouse)).toEqual({ code: warehouse, region: 'East', active: true });

      await clerk.getByRole('button', { name: `Edit ${warehouse}` }).click();
      const update = form(`Change ${warehouse}`);
      await update.getByLabel('Region').fill('East China');
      await update.getByLabel('Priority (1 is tried first)').fill('50');
      await update.getByRole('button', { name: 'Save the warehouse' }).click();
      await update
        .getByRole('status')
        .filter({ hasText: `Warehouse ${warehouse} saved.` })
        .waitFor(WAIT);
      const changed = await graph<{ warehouses: { code: string; region: string; priority: number }[] }>(
        '{ warehouses { code region priority } }',
      );
      expect(changed.warehouses.find((each) => each.code === warehouse)).toEqual({ code: warehouse, region: 'East China', priority: 50 });
      // The section speaks Simplified Chinese too.
      await clerk.getByLabel('Language').selectOption('zh-CN');
      await clerk.getByRole('heading', { level: 1, name: '库存' }).waitFor(WAIT);
      await clerk.getByRole('heading', { level: 2, name: '新建仓库' }).waitFor(WAIT);
      await screenshot(clerk, 'back-office-stock-warehouses-zh');
      await clerk.getByLabel('语言').selectOption('en');
      await clerk.getByRole('heading', { level: 1, name: 'Stock' }).waitFor(WAIT);
    });

    it('creates a purchase order and receives it: stock goes up by exactly what was received', async () => {
      const reference = `PO-${RUN}`;
      const before = await onHandAt(skuCode, warehouse);
      await show(clerk, '#/back-office/stock/purchase-orders');
      const create = form('New purchase order');
      await create.getByLabel('Supplier').selectOption({ index: 1 });
      await create.getByLabel('Warehouse').selectOption({ label: `${warehouse} · Spec warehouse` });
      await create.getByLabel('Reference (optional)').fill(reference);
      await create.getByLabel('SKU code, line 1').fill(skuCode);
      await create.getByLabel('Quantity, line 1').fill('5');
      await create.getByLabel('Unit cost (CNY), line 1').fill('10.50');
      await create.getByRole('button', { name: 'Create the purchase order' }).click();
      await create
        .getByRole('status')
        .filter({ hasText: `Purchase order ${reference} created.` })
        .waitFor(WAIT);
      await clerk.getByRole('button', { name: `Receive ${reference}` }).click();
      const receive = form(`Receive against ${reference}`);
      expect(await receive.getByLabel('Quantity, line 1').inputValue()).toBe('5');
      await checkScreen(clerk, 'purchase-orders');
      await receive.getByRole('button', { name: 'Receive' }).click();
      await receive
        .getByRole('status')
        .filter({ hasText: `Received 5 × ${skuCode}` })
        .waitFor(WAIT);
      expect(await onHandAt(skuCode, warehouse)).toBe(before + 5);
      const { purchaseOrders } = await graph<{ purchaseOrders: { edges: { node: { reference: string; status: string } }[] } }>(
        '{ purchaseOrders(first: 100) { edges { node { reference status } } } }',
      );
      expect(purchaseOrders.edges.find((edge) => edge.node.reference === reference)?.node.status).toBe('RECEIVED');
    });

    it('transfers between warehouses, and a transfer to the same warehouse is refused and moves nothing', async () => {
      const [fromBefore, toBefore] = [await onHandAt(skuCode, warehouse), await onHandAt(skuCode, other)];
      await show(clerk, '#/back-office/stock/receive');
      const transfer = form('Transfer between warehouses');
      await transfer.getByLabel('From warehouse').selectOption({ label: `${warehouse} · Spec warehouse` });
      await transfer.getByLabel('To warehouse').selectOption({ label: `${warehouse} · Spec warehouse` });
      await transfer.getByLabel('SKU code, line 1').fill(skuCode);
      await transfer.getByLabel('Quantity, line 1').fill('2');
      await transfer.getByRole('button', { name: 'Transfer' }).click();
      await transfer.getByRole('alert').filter({ hasText: 'SAME_WAREHOUSE' }).waitFor(WAIT);
      expect(await onHandAt(skuCode, warehouse)).toBe(fromBefore);
      const otherOption = await transfer
        .getByLabel('To warehouse')
        .locator('option')
        .filter({ hasText: new RegExp(`^${other} · `) })
        .textContent();
      await transfer.getByLabel('To warehouse').selectOption({ label: otherOption! });
      await transfer.getByRole('button', { name: 'Transfer' }).click();
      await transfer
        .getByRole('status')
        .filter({ hasText: `Moved 2 × ${skuCode} from ${warehouse} to ${other}.` })
        .waitFor(WAIT);
      // The old client's Receive stock: a delivery note's goods without a purchase order.
      const receive = form('Receive stock');
      await receive.getByLabel('Warehouse').selectOption({ label: `${warehouse} · Spec warehouse` });
      await receive.getByLabel('SKU code, line 1').fill(skuCode);
      await receive.getByLabel('Quantity, line 1').fill('1');
      await receive.getByRole('button', { name: 'Receive' }).click();
      await receive
        .getByRole('status')
        .filter({ hasText: `Received 1 × ${skuCode}` })
        .waitFor(WAIT);
      await checkScreen(clerk, 'receive-transfer');
      expect(await onHandAt(skuCode, warehouse)).toBe(fromBefore - 2 + 1);
      expect(await onHandAt(skuCode, other)).toBe(toBefore + 2);
    });

    it('adjusts with a reason, takes a return back, and sets a reorder point', async () => {
      const before = await onHandAt(skuCode, warehouse);
      await show(clerk, '#/back-office/stock/corrections');
      const choose = (name: string) =>
        form(name)
          .getByLabel('Warehouse')
          .selectOption({ label: `${warehouse} · Spec warehouse` });
      await choose('Adjust stock');
      await form('Adjust stock').getByLabel('SKU code').fill(skuCode);
      await form('Adjust stock').getByLabel('Change (units, negative to remove)').fill('-1');
      await form('Adjust stock').getByLabel('Reason').fill('damaged in the spec');
      await form('Adjust stock').getByRole('button', { name: 'Adjust' }).click();
      await form('Adjust stock').getByRole('status').waitFor(WAIT);
      expect(await onHandAt(skuCode, warehouse)).toBe(before - 1);

      await choose('Customer return into stock');
      await form('Customer return into stock').getByLabel('SKU code, line 1').fill(skuCode);
      await form('Customer return into stock').getByLabel('Quantity, line 1').fill('4');
      await form('Customer return into stock').getByRole('button', { name: 'Put back into stock' }).click();
      await form('Customer return into stock').getByRole('status').waitFor(WAIT);
      expect(await onHandAt(skuCode, warehouse)).toBe(before + 3);

      await choose('Reorder point');
      await form('Reorder point').getByLabel('SKU code').fill(skuCode);
      await form('Reorder point')
        .getByLabel('Reorder point (empty removes it)')
        .fill(String(before + 10));
      await form('Reorder point').getByRole('button', { name: 'Set the reorder point' }).click();
      await form('Reorder point').getByRole('status').filter({ hasText: 'low on stock now' }).waitFor(WAIT);
      await checkScreen(clerk, 'corrections');
      const level = (await levelsOf(skuCode)).find((each) => each.warehouse.code === warehouse)!;
      expect(level).toMatchObject({ onHand: before + 3, reorderPoint: before + 10, lowStock: true });
    });

    it('shows the SKU’s movements and the reconciliation report', async () => {
      await show(clerk, '#/back-office/stock/ledger');
      await clerk.locator('#stock-reconciliation').getByRole('status').waitFor(WAIT);
      const { stockReconciliation } = await graph<{ stockReconciliation: { checkedLevels: number; discrepancies: unknown[] } }>(
        '{ stockReconciliation { checkedLevels discrepancies { onHand } } }',
      );
      expect(stockReconciliation.discrepancies).toEqual([]);
      expect(await clerk.locator('#stock-reconciliation').getByRole('status').textContent()).toMatch(/^All \d+ levels equal/);
      const find = clerk.getByRole('form', { name: 'Find a SKU’s movements' });
      await find.getByLabel('SKU code').fill(skuCode);
      await find.getByLabel('Warehouse').selectOption({ label: `${warehouse} · Spec warehouse` });
      await find.getByRole('button', { name: 'Show' }).click();
      await clerk.locator('#stock-movements tbody tr').first().waitFor(WAIT);
      const kinds = await clerk
        .locator('#stock-movements tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind')));
      // Newest first: the return, the adjustment, the delivery note, the transfer out, the purchase order's receipt.
      expect(kinds).toEqual(['RETURN', 'ADJUSTMENT', 'RECEIPT', 'TRANSFER_OUT', 'RECEIPT']);
      await checkScreen(clerk, 'ledger');
    });
  });
});
