import type { SubgraphName } from '../../platform/config/config.ts';
import { expectWellBehavedQueryAnswered, rawRequest } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * The router forwards prefixes to subgraphs: `/callbacks/` to payments,
 * `/invoices/` to invoices and `/images/` to catalogue. A path that climbs out of its prefix once
 * reached the subgraph's private routes (`/callbacks/../metrics` answered with
 * payments' metrics, `/invoices/../graphql` reached invoices' GraphQL without
 * the router's identity checks). Every such path, plain or encoded, is now
 * refused with 404 before any routing, the subgraph never hears of it, and
 * ordinary callbacks and queries go on working.
 */
describe('paths that climb out of a forwarded prefix', () => {
  let system: TestSystem;
  const seen: Record<string, string[]> = { payments: [], invoices: [], catalogue: [] };
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
    for (const subgraph of system.system.subgraphs) {
      const name = subgraph.name as Extract<SubgraphName, 'payments' | 'invoices' | 'catalogue'>;
      subgraph.http.on('request', (req: { url?: string }) => seen[name]?.push(req.url ?? ''));
    }
  });
  afterAll(async () => {
    await system?.close();
  });
  beforeEach(() => {
    seen.payments = [];
    seen.invoices = [];
    seen.catalogue = [];
  });

  it.each([
    ['GET', '/callbacks/../metrics'],
    ['POST', '/callbacks/../graphql'],
    ['GET', '/invoices/../graphql'],
    ['GET', '/invoices/../metrics'],
    ['GET', '/callbacks/./../metrics'],
    ['GET', '/callbacks/%2e%2e/metrics'],
    ['GET', '/callbacks/%2E%2E/metrics'],
    ['GET', '/callbacks/.%2e/metrics'],
    ['GET', '/callbacks/..%2fmetrics'],
    ['GET', '/callbacks/..%2Fmetrics'],
    ['GET', '/invoices/%2e%2e%2fgraphql'],
    ['GET', '/invoices/%252e%252e/graphql'],
    ['GET', '/invoices/%252e%252e%252fgraphql'],
    ['GET', '/invoices/%25252e%25252e%25252fgraphql'],
    ['GET', '/callbacks/..\\metrics'],
    ['GET', '/callbacks/..%5cmetrics'],
    ['GET', '/callbacks/..%255cmetrics'],
    ['GET', '/callbacks/wechatpay%00'],
    ['GET', '/images/../graphql'],
    ['GET', '/images/%2e%2e%2fmetrics'],
    ['GET', '/images/%252e%252e/product-images'],
  ])('answers %s %s with 404 and forwards nothing', async (method, path) => {
    const { status, body } = await rawRequest(system.system.routerUrl, {
      path,
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: method === 'POST' ? '{"query":"{ __typename }"}' : undefined,
    });
    expect(status).toBe(404);
    expect(JSON.parse(body)).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    expect(body).not.toMatch(/# TYPE|# HELP|__typename/);
    expect(seen).toEqual({ payments: [], invoices: [], catalogue: [] });
    await expectWellBehavedQueryAnswered(system);
  });

  it('still forwards an ordinary callback to payments, as it came', async () => {
    const { status, body } = await rawRequest(system.system.routerUrl, {
      path: '/callbacks/wechatpay',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":"not-signed"}',
    });
    // Payments, not the router, answers: an unsigned callback is its refusal to make.
    expect(seen.payments).toEqual(['/callbacks/wechatpay']);
    expect(status).not.toBe(404);
    expect(body).not.toContain('NOT_FOUND');
    await expectWellBehavedQueryAnswered(system);
  });

  it('still forwards an invoice link with dots inside its query string', async () => {
    const { status } = await rawRequest(system.system.routerUrl, { path: '/invoices/pdf?id=a..b&sig=x' });
    expect(seen.invoices).toEqual(['/invoices/pdf?id=a..b&sig=x']);
    expect(status).not.toBe(200); // the link is not signed, so invoices refuses it
  });

  it('forwards a picture path to catalogue’s picture route with the hash of the path alone, whatever the query says', async () => {
    const [named, other] = ['a'.repeat(64), 'b'.repeat(64)];
    const { status, body } = await rawRequest(system.system.routerUrl, { path: `/images/${named}?hash=${other}` });
    expect(seen.catalogue).toEqual([`/product-images?hash=${named}`]);
    expect(status).toBe(404);
    expect(JSON.parse(body)).toMatchObject({ errors: [{ extensions: { code: 'IMAGE_NOT_FOUND' } }] });
  });
});
