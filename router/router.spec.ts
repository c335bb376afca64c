import { type Harness, startHarness } from './testing/harness.ts';
import { HELLO, WHOAMI } from './testing/operations.ts';

describe('the router', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('passes a public query through to the subgraph for an anonymous caller', async () => {
    const { status, body } = await harness.graphql(HELLO);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { hello: 'hello from the test subgraph' } });
  });

  it('answers a query sent with GET', async () => {
    const url = new URL(harness.routerUrl);
    url.searchParams.set('query', HELLO);
    // A non-simple header satisfies Apollo's CSRF prevention for GET.
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { hello: 'hello from the test subgraph' } });
  });

  it('tells the subgraph who is calling, as the bearer token says', async () => {
    const token = await harness.token({ subject: 'staff-42', scopes: ['catalogue:write', 'stock:read'] });
    const { status, body } = await harness.graphql(WHOAMI, { token });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { whoami: { kind: 'staff', subject: 'staff-42', scopes: ['catalogue:write', 'stock:read'] } } });
  });

  it('allows introspection of the public schema', async () => {
    const { body } = await harness.graphql('{ __schema { queryType { name } } __type(name: "Caller") { fields { name } } }');
    expect(body.data).toEqual({
      __schema: { queryType: { name: 'Query' } },
      __type: { fields: [{ name: 'kind' }, { name: 'subject' }, { name: 'scopes' }] },
    });
  });

  it('does not expose the federation internals of the supergraph', async () => {
    const { body } = await harness.graphql('{ __type(name: "join__Graph") { name } }');
    expect(body.data).toEqual({ __type: null });
  });

  it('serves the web client page at /', async () => {
    const response = await fetch(new URL('/', harness.routerUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('<title>Commerce supergraph</title>');
    expect(page).toContain('href="/graphql"');
  });

  it('answers an unknown path with 404 NOT_FOUND naming the GraphQL path', async () => {
    const response = await fetch(new URL('/nowhere', harness.routerUrl));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      errors: [{ message: 'no route /nowhere; GraphQL is served at /graphql', extensions: { code: 'NOT_FOUND' } }],
    });
  });
});
