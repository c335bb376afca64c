import { type Harness, startHarness } from '../testing/harness.ts';
import { ITEMS, SET_PRICE, WHOAMI } from '../testing/operations.ts';

const variables = { sku: 'SKU-1', amount: 12990 };

describe('authorization at the edge', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  describe('@requiresScopes', () => {
    it('refuses a mutation that requires catalogue:write from an anonymous caller with FORBIDDEN', async () => {
      const before = harness.subgraphRequests();
      const { status, body } = await harness.graphql(SET_PRICE, { variables });
      expect(harness.subgraphRequests()).toBe(before);
      expect(status).toBe(403);
      expect(body).toEqual({
        errors: [
          {
            message: 'Mutation.setPrice requires the scope catalogue:write; the request carries no credentials',
            extensions: { code: 'FORBIDDEN' },
          },
        ],
      });
    });

    it('refuses a mutation that requires catalogue:write from a caller without it, naming the scopes they hold', async () => {
      const token = await harness.token({ scopes: ['catalogue:read', 'stock:write'] });
      const { status, body } = await harness.graphql(SET_PRICE, { variables, token });
      expect(status).toBe(403);
      expect(body.errors).toEqual([
        {
          message: 'Mutation.setPrice requires the scope catalogue:write; the caller holds [catalogue:read, stock:write]',
          extensions: { code: 'FORBIDDEN' },
        },
      ]);
      expect(body.data).toBeUndefined();
    });

    it('accepts a mutation that requires catalogue:write from a caller holding it', async () => {
      const token = await harness.token({ subject: 'staff-7', scopes: ['catalogue:write'] });
      const { status, body } = await harness.graphql(SET_PRICE, { variables, token });
      expect(status).toBe(200);
      expect(body).toEqual({ data: { setPrice: { sku: 'SKU-1', amount: 12990, changedBy: 'staff-7' } } });
    });

    it('refuses the whole operation, public fields included, before any subgraph is called', async () => {
      const token = await harness.token({ scopes: ['stock:read'] });
      const before = harness.subgraphRequests();
      const { status, body } = await harness.graphql('query Mixed { hello whoami { subject } items { id } }', { token });
      expect(status).toBe(403);
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(harness.subgraphRequests()).toBe(before);
    });

    it('refuses a restricted field selected through a fragment', async () => {
      const query =
        'mutation M($sku: ID!, $amount: Int!) { ...Change } fragment Change on Mutation { setPrice(sku: $sku, amount: $amount) { sku } }';
      const { status, body } = await harness.graphql(query, { variables });
      expect(status).toBe(403);
      expect(body.errors?.[0]?.message).toBe('Mutation.setPrice requires the scope catalogue:write; the request carries no credentials');
    });

    it('refuses an interface when one of its implementations requires a scope the caller lacks', async () => {
      const token = await harness.token({ scopes: ['stock:read'] });
      const { status, body } = await harness.graphql(ITEMS, { token });
      expect(status).toBe(403);
      // Composition copies ArchivedItem's requirement onto Item, so the field returning Item is refused.
      expect(body.errors?.[0]?.message).toBe('Query.items requires the scope catalogue:read; the caller holds [stock:read]');
    });

    it('serves fields of an interface to a caller who meets every implementation’s requirement', async () => {
      const token = await harness.token({ scopes: ['catalogue:read'] });
      const { status, body } = await harness.graphql(ITEMS, { token });
      expect(status).toBe(200);
      expect(body).toEqual({ data: { items: [{ id: 'item-1' }, { id: 'item-2' }] } });
    });

    it('does not check a restricted field that @include leaves out', async () => {
      const query = 'query Q($withSelf: Boolean!) { hello whoami @include(if: $withSelf) { subject } }';
      const { status, body } = await harness.graphql(query, { variables: { withSelf: false } });
      expect(status).toBe(200);
      expect(body).toEqual({ data: { hello: 'hello from the test subgraph' } });
    });
  });

  describe('@authenticated', () => {
    it('refuses a field that requires a signed-in caller from an anonymous one with UNAUTHENTICATED', async () => {
      const before = harness.subgraphRequests();
      const { status, headers, body } = await harness.graphql(WHOAMI);
      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toBe('Bearer');
      expect(body).toEqual({ errors: [{ message: 'Query.whoami requires a signed-in caller', extensions: { code: 'UNAUTHENTICATED' } }] });
      expect(harness.subgraphRequests()).toBe(before);
    });

    it('serves a field that requires a signed-in caller to any signed-in caller, whatever their scopes', async () => {
      const token = await harness.token({ kind: 'member', subject: 'member-1', scopes: [] });
      const { status, body } = await harness.graphql(WHOAMI, { token });
      expect(status).toBe(200);
      expect(body).toEqual({ data: { whoami: { kind: 'member', subject: 'member-1', scopes: [] } } });
    });
  });
});
