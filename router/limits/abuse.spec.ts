import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestSystem, type TestSystem } from '../../test/support/system.ts';

/**
 * Abusive requests against the whole system as `npm start` runs it: each is
 * refused with its own code and a 4xx before any subgraph works on it, and
 * the router goes on serving everybody else. Routing is the same on either
 * database, so this runs on SQLite only.
 */
const NORMAL = '{ categories { id name } }';
const DEPTH_BOMB = `{ categories ${'{ children '.repeat(40)}{ id }${' }'.repeat(40)} }`;
const ALIAS_BOMB = `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: categories { id }`).join(' ')} }`;
const HUGE_PAGE = '{ products(first: 10000) { edges { node { id } } } }';
// Lists of lists, within the depth limit: 10 categories, each with 10 children, ... ten times over.
const COST_BOMB = `{ categories ${'{ children '.repeat(8)}{ id }${' }'.repeat(8)} }`;

describe('the router under abusive requests', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  const post = async (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const response = await fetch(system.system.routerUrl, { method: 'POST', headers, body });
    const text = await response.text();
    return {
      status: response.status,
      body: JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] },
    };
  };
  const query = (document: string) => post(JSON.stringify({ query: document }));
  const codeOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.[0]?.extensions?.code;
  const normalSucceeds = async () => {
    const { status, body } = await query(NORMAL);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ categories: expect.any(Array) });
  };

  it.each([
    ['a depth bomb', 'QUERY_TOO_DEEP', DEPTH_BOMB, /at most 12 deep; this one is 42 deep/],
    ['an alias bomb', 'TOO_MANY_ALIASES', ALIAS_BOMB, /at most 30 aliases; this one uses 5000/],
    ['a 10,000-item first', 'PAGE_SIZE_TOO_LARGE', HUGE_PAGE, /at most 1000 items; Query.products asks for 10000/],
    ['nested lists', 'QUERY_TOO_COSTLY', COST_BOMB, /may cost at most 50000; this one costs \d+/],
  ])('refuses %s with 400 %s, and serves the next request', async (_name, code, document, message) => {
    const { status, body } = await query(document);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(codeOf(body)).toBe(code);
    expect(body.errors?.[0]?.message).toMatch(message);
    await normalSucceeds();
  });

  it('refuses a 5 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const padding = 'x'.repeat(5 * 1024 * 1024);
    const { status, body } = await post(JSON.stringify({ query: NORMAL, variables: { padding } }));
    expect(status).toBe(413);
    expect(codeOf(body)).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors?.[0]?.message).toBe('request body exceeds 1048576 bytes');
    await normalSucceeds();
  });

  it('refuses a batch of 1,000 operations with 400 BATCH_TOO_LARGE, and answers a batch of 2', async () => {
    const { status, body } = await post(JSON.stringify(Array.from({ length: 1000 }, () => ({ query: NORMAL }))));
    expect(status).toBe(400);
    expect(codeOf(body)).toBe('BATCH_TOO_LARGE');
    expect(body.errors?.[0]?.message).toBe('a batch holds at most 20 operations; received 1000');

    const batch = await post(JSON.stringify([{ query: NORMAL }, { query: '{ brands { id } }' }]));
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual([{ data: { categories: expect.any(Array) } }, { data: { brands: expect.any(Array) } }]);
  });

  it('refuses the bomb in a batch and answers the rest', async () => {
    const { body } = await post(JSON.stringify([{ query: NORMAL }, { query: DEPTH_BOMB }]));
    expect(body).toEqual([
      { data: { categories: expect.any(Array) } },
      {
        errors: [{ message: expect.stringContaining('at most 12 deep'), extensions: expect.objectContaining({ code: 'QUERY_TOO_DEEP' }) }],
      },
    ]);
  });

  it('keeps serving another client while bombs arrive at the same time', async () => {
    const bombs = [DEPTH_BOMB, ALIAS_BOMB, HUGE_PAGE, COST_BOMB].flatMap((document) => [query(document), query(document)]);
    const normals = Array.from({ length: 8 }, () => query(NORMAL));
    const [refused, served] = await Promise.all([Promise.all(bombs), Promise.all(normals)]);
    expect(refused.map((answer) => answer.status)).toEqual(Array(8).fill(400));
    expect(served.map((answer) => [answer.status, answer.body.errors])).toEqual(Array(8).fill([200, undefined]));
  });

  it('refuses requests a browser could send cross-site without asking: 400 CSRF_REFUSED', async () => {
    const form = await post(JSON.stringify({ query: NORMAL }), { 'content-type': 'text/plain' });
    expect(form.status).toBe(400);
    expect(codeOf(form.body)).toBe('CSRF_REFUSED');

    const url = new URL(system.system.routerUrl);
    url.searchParams.set('query', NORMAL);
    const plainGet = await fetch(url);
    expect(plainGet.status).toBe(400);
    expect(codeOf(await plainGet.json())).toBe('CSRF_REFUSED');
    const preflightedGet = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflightedGet.status).toBe(200);
    expect(await preflightedGet.json()).toEqual({ data: { categories: expect.any(Array) } });
  });

  it('holds subscriptions to the same limits', async () => {
    const client = createClient({ url: system.system.routerUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const deep = `subscription { stockChanged { sku ${'{ product { skus '.repeat(8)}{ code }${' } }'.repeat(8)} } }`;
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: deep }, { next: () => resolve('an event'), error: resolve, complete: () => resolve('completed') });
      });
      expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_DEEP' }) })]);
    } finally {
      await client.dispose();
    }
  });
});
