import type { DomainEvent } from '../../../platform/events/event.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../server.ts';
import { type Basics, createBasics, createProduct, productInput, SET_SKU_PRICE, type UserError, writer } from './fixtures.ts';

/**
 * Every catalogue write that changes an entity others may keep announces it
 * through the outbox (events.ts), naming the keys of what changed: the
 * router's entity cache drops exactly those (docs/architecture.md §12).
 */
describe.each(databaseTargets())('the events of catalogue writes on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;
  let basics: Basics;
  const heard: DomainEvent[] = [];

  /** The events a write published, once the relay has sent everything committed. */
  const eventsOf = async (write: () => Promise<unknown>) => {
    await catalogue.server.relay.drain();
    heard.length = 0;
    await write();
    await catalogue.server.relay.drain();
    return heard.map((event) => ({ type: event.type, key: event.key, data: event.data }));
  };
  const mutate = async (document: string, input: Record<string, unknown>) => {
    const result = await catalogue.request<Record<string, { userErrors: UserError[] } & Record<string, { id: string } | null>>>(
      document,
      { input },
      writer,
    );
    expect(result.errors).toBeUndefined();
    return Object.values(result.data!)[0]!;
  };

  beforeAll(async () => {
    env = testEnvironment(target);
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    catalogue.server.bus.subscribe('*', (event) => {
      heard.push(event);
    });
    basics = await createBasics(catalogue);
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  it('names a product and all its SKUs when it is created, updated, or a SKU’s price is set', async () => {
    const skus = [
      { code: 'EV-ONE', name: 'One', price: { amount: '10.00', currencyCode: 'CNY' } },
      { code: 'EV-TWO', name: 'Two', price: { amount: '12.00', currencyCode: 'CNY' } },
    ];
    let productId = '';
    const created = await eventsOf(async () => {
      productId = (await createProduct(catalogue, productInput(basics, { skus }))).id;
    });
    const changed = { type: 'ProductChanged', key: productId, data: { productId, skuCodes: ['EV-ONE', 'EV-TWO'] } };
    expect(created).toEqual([changed]);
    expect(
      await eventsOf(() =>
        mutate(
          'mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } userErrors { code field message } } }',
          { id: productId, name: 'Renamed' },
        ),
      ),
    ).toEqual([changed]);
    expect(
      await eventsOf(() =>
        catalogue.request(SET_SKU_PRICE, { input: { code: 'EV-TWO', price: { amount: '13.00', currencyCode: 'CNY' } } }, writer),
      ),
    ).toEqual([changed]);
  });

  it('names a new brand, category (with its parent) and supplier', async () => {
    let brandId = '';
    expect(
      await eventsOf(async () => {
        brandId = (
          await mutate(
            'mutation ($input: CreateBrandInput!) { createBrand(input: $input) { brand { id } userErrors { code field message } } }',
            { name: 'Evented' },
          )
        ).brand!.id;
      }),
    ).toEqual([{ type: 'BrandChanged', key: brandId, data: { brandId } }]);
    let categoryId = '';
    expect(
      await eventsOf(async () => {
        categoryId = (
          await mutate(
            'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } userErrors { code field message } } }',
            {
              name: 'Evented pads',
              parentId: basics.rootCategoryId,
            },
          )
        ).category!.id;
      }),
    ).toEqual([{ type: 'CategoryTreeChanged', key: categoryId, data: { categoryId, parentId: basics.rootCategoryId } }]);
    let supplierId = '';
    expect(
      await eventsOf(async () => {
        supplierId = (
          await mutate(
            'mutation ($input: CreateSupplierInput!) { createSupplier(input: $input) { supplier { id } userErrors { code field message } } }',
            { name: 'Evented supplier' },
          )
        ).supplier!.id;
      }),
    ).toEqual([{ type: 'SupplierChanged', key: supplierId, data: { supplierId } }]);
  });

  it('publishes nothing for a refused write', async () => {
    expect(
      await eventsOf(() =>
        catalogue.request(SET_SKU_PRICE, { input: { code: 'NO-SUCH-SKU', price: { amount: '1.00', currencyCode: 'CNY' } } }, writer),
      ),
    ).toEqual([]);
    expect(
      await eventsOf(() =>
        mutate(
          'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } userErrors { code field message } } }',
          { name: 'Brakes' },
        ),
      ),
    ).toEqual([]);
  });
});

reportSkippedMysql();
