import { createHash } from 'node:crypto';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * HTTP caching of public GET answers and the development cacheStatus
 * extension (docs/architecture.md §12): an anonymous GET of a query whose
 * every fetch the entity cache may keep for everyone is `public, max-age=N`;
 * anything else (a signed-in caller, POST, errors, a mutation, a fetch of
 * something undeclared) is `private, no-store`.
 */
const LIST = 'query HttpList($first: Int) { products(first: $first) { totalCount edges { node { id name } } } }';
const MAX_AGE = 7;

describe('Cache-Control of GraphQL answers with the entity cache on', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', ENTITY_CACHE_HTTP_MAX_AGE_SECONDS: String(MAX_AGE), NODE_ENV: 'development' },
    );
  });
  afterAll(async () => {
    await system?.close();
  });

  const get = async (params: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const url = new URL(system.system.routerUrl);
    for (const [name, value] of Object.entries(params))
      url.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true', ...headers } });
    return { status: response.status, cacheControl: response.headers.get('cache-control'), body: await response.json() };
  };
  const post = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await fetch(system.system.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, cacheControl: response.headers.get('cache-control'), body: await response.json() };
  };

  it('makes an anonymous GET of declared public root fields public, and says what the cache found (development)', async () => {
    const first = await get({ query: LIST, variables: { first: 2 } });
    expect(first.status).toBe(200);
    expect(first.cacheControl).toBe(`public, max-age=${MAX_AGE}`);
    expect(first.body.extensions.cacheStatus).toEqual({ entityHits: 0, entityMisses: 0, rootFieldHits: 0, rootFieldMisses: 1 });
    const second = await get({ query: LIST, variables: { first: 2 } });
    expect(second.cacheControl).toBe(`public, max-age=${MAX_AGE}`);
    expect(second.body.extensions.cacheStatus).toEqual({ entityHits: 0, entityMisses: 0, rootFieldHits: 1, rootFieldMisses: 0 });
    expect(second.body.data).toEqual(first.body.data);
  });

  it('makes a persisted query by GET public too', async () => {
    const query = 'query HttpPersisted { products(first: 1) { totalCount } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const registered = await post({ query, extensions });
    expect(registered.body.errors).toBeUndefined();
    const byHash = await get({ extensions });
    expect(byHash.body.data).toEqual(registered.body.data);
    expect(byHash.cacheControl).toBe(`public, max-age=${MAX_AGE}`);
  });

  it('keeps everything else private and unstored: a signed-in caller, POST, errors, undeclared fetches, mutations', async () => {
    const staff = await system.staffToken(['catalogue:read']);
    const signedIn = await get({ query: LIST, variables: { first: 2 } }, { authorization: `Bearer ${staff}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.cacheControl).toBe('private, no-store');
    expect((await post({ query: LIST, variables: { first: 2 } })).cacheControl).toBe('private, no-store');
    // sku(code:) is not declared: its fetch could not be kept, so neither can the answer.
    const undeclared = await get({ query: '{ sku(code: "BP-TOY-COR-F") { name } }' });
    expect(undeclared.body.errors).toBeUndefined();
    expect(undeclared.cacheControl).toBe('private, no-store');
    // A declared list asked beside an undeclared root field (stock's warehouses) is not public either.
    const mixed = await get({ query: '{ products(first: 1) { edges { node { id } } } warehouses { code } }' });
    expect(mixed.body.errors).toBeUndefined();
    expect(mixed.cacheControl).toBe('private, no-store');
    const failing = await get({ query: '{ products(first: 1) { nope } }' });
    expect(failing.body.errors?.length).toBeGreaterThan(0);
    expect(failing.cacheControl).toBe('private, no-store');
    const mutation = await post({ query: 'mutation { createBrand(input: { name: "x" }) { brand { id } } }' });
    expect(mutation.cacheControl).toBe('private, no-store');
  });
});
