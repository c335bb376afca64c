import { databaseTargets, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../server.ts';
import { type Basics, createBasics, createProduct, productInput, writer } from './fixtures.ts';

/**
 * The search index follows every catalogue write in the write's own
 * transaction: a renamed product is found by its new name and no longer by the
 * old one, and concurrent writes (on MySQL, where deletes lock index gaps and
 * deadlocked; a rename racing new part numbers of the same product once left
 * the old name indexed, and a retried rename was once lost) all land with
 * exactly their own tokens.
 */
const SEARCH = `query ($query: String!) { productSearch(query: $query, first: 100) { totalCount edges { node { id name } } } }`;
const UPDATE = `mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } userErrors { code } } }`;
const SET_PARTS = `mutation ($input: SetSkuPartNumbersInput!) { setSkuPartNumbers(input: $input) { sku { code } userErrors { code } } }`;

describe.each(databaseTargets())('the search index on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;
  let basics: Basics;
  const ids: string[] = [];

  const found = async (query: string) => {
    const result = await catalogue.request<{ productSearch: { edges: { node: { id: string; name: string } }[] } }>(SEARCH, { query });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.productSearch.edges.map((edge) => edge.node.id);
  };
  const tokensOf = async (productId: string) => {
    const rows = await catalogue.server.db.execute<{ token: string }>(
      catalogue.server.db.fork(),
      'select token from product_search_token where product_id = ? order by token',
      [productId],
    );
    return rows.map((row) => row.token);
  };

  beforeAll(async () => {
    env = testEnvironment(target);
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    basics = await createBasics(catalogue);
    for (let i = 0; i < 12; i++) {
      const sku = [{ code: `IDX-${i}`, name: 'x', price: { amount: '10.00', currencyCode: 'CNY' } }];
      ids.push((await createProduct(catalogue, productInput(basics, { name: `Gasket kit ${i}`, skus: sku }))).id);
    }
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  it('finds a renamed product by its new name only', async () => {
    expect(await found('gasket')).toContain(ids[0]);
    const result = await catalogue.request(UPDATE, { input: { id: ids[0], name: 'Thermostat housing' } }, writer);
    expect(result.errors).toBeUndefined();
    expect(await found('thermostat')).toEqual([ids[0]]);
    expect(await found('gasket')).not.toContain(ids[0]);
  });

  it('lands concurrent renames and part numbers of different products, each with only its own tokens', async () => {
    const results = await Promise.all(
      ids
        .slice(1)
        .flatMap((id, i) => [
          catalogue.request(UPDATE, { input: { id, name: `Radiator hose ${i}` } }, writer),
          catalogue.request(SET_PARTS, { input: { skuCode: `IDX-${i + 1}`, oeNumbers: [`OE-77-${i}`] } }, writer),
        ]),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    expect((await found('radiator hose')).sort()).toEqual(ids.slice(1).sort());
    for (const [i, id] of ids.slice(1).entries()) {
      expect((await found(`oe 77 ${i}`))[0]).toBe(id);
      const tokens = await tokensOf(id);
      expect(tokens).toContain(`#oe77${i}`);
      expect(tokens).toContain('radiator');
      expect(tokens).not.toContain('gasket');
    }
  });
});
