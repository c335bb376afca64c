import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS, type Identity } from '../platform/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity, verifyIdentity } from '../platform/auth/identity-header.ts';
import { READ_PRIMARY_HEADER } from '../platform/graphql/replication-position.ts';
import { CLIENT_ADDRESS_HEADER, REQUEST_ID_HEADER } from '../platform/runtime/request-scope.ts';
import { eventually } from '../platform/testing/eventually.ts';
import type { RouterContext } from './context.ts';
import type { EntityCache } from './entity-cache/entity-cache.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { subgraphHttp } from './subgraph-http.ts';
import { heldSubgraph } from './testing/held-subgraph.ts';

const secret = 'a-test-secret-of-at-least-32-characters';
const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: ['stock:read'] };

/**
 * What a real subgraph receives from the data source. The signer is the
 * public `sign` option, counting its calls and signing afresh every time, so
 * a reused header can only come from the data source itself.
 */
describe('SignedDataSource', () => {
  const subgraph = heldSubgraph(secret);
  const http = subgraphHttp();
  let signatures = 0;
  let source: SignedDataSource;
  let subgraphUrl: string;
  beforeAll(async () => {
    const url = await subgraph.start();
    subgraphUrl = url;
    source = new SignedDataSource({
      url,
      secret,
      subgraph: 'stock',
      http,
      sign: (identity) => {
        signatures++;
        return signIdentity(identity, secret);
      },
    });
  });
  afterAll(async () => {
    await http.close();
    await subgraph.stop();
  });

  /** One fetch as the gateway hands it to the data source for a client's operation. */
  const fetchFor = (context: RouterContext, query: string) =>
    source.process({
      kind: 'incoming operation',
      request: { query },
      incomingRequestContext: {},
      context,
    } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);

  /** Runs `fetches`, waits until the subgraph holds `count` requests, answers them, and returns the headers it received. */
  const received = async (count: number, fetches: () => Promise<unknown>[]) => {
    const pending = fetches();
    await eventually(() => subgraph.held.length >= count, `the subgraph holds ${count} requests`);
    const headers = subgraph.held.map(({ req }) => req.headers);
    subgraph.answerAll();
    await Promise.all(pending);
    return headers;
  };

  it('sends the caller’s identity, signed, with the request’s id and the client’s address', async () => {
    const context: RouterContext = { requestId: 'r1', identity: staff, clientAddress: '203.0.113.7' };
    const [headers] = await received(1, () => [fetchFor(context, 'query Q { echo }')]);
    expect(verifyIdentity(headers![IDENTITY_HEADER] as string, secret)).toEqual({ ok: true, identity: staff });
    expect(headers![REQUEST_ID_HEADER]).toBe('r1');
    expect(headers![CLIENT_ADDRESS_HEADER]).toBe('203.0.113.7');
  });

  it('signs once per request and sends that header with each of the request’s fetches', async () => {
    const member: Identity = { kind: 'member', subject: 'member-1', scopes: [] };
    const context: RouterContext = { requestId: 'r2', identity: member };
    const before = signatures;
    const headers = await received(2, () => [fetchFor(context, 'query A { echo }'), fetchFor(context, 'query B { echo }')]);
    expect(signatures - before).toBe(1);
    expect(verifyIdentity(headers[0]![IDENTITY_HEADER] as string, secret)).toEqual({ ok: true, identity: member });
    expect(headers[1]![IDENTITY_HEADER]).toBe(headers[0]![IDENTITY_HEADER]);
    // Another request of the same caller is signed for itself.
    const again = signatures;
    await received(1, () => [fetchFor({ requestId: 'r3', identity: member }, 'query A { echo }')]);
    expect(signatures - again).toBe(1);
  });

  it('sends the gateway’s own fetches (health checks) with no privilege at all', async () => {
    const [headers] = await received(1, () => [
      source.process({
        kind: 'health check',
        request: { query: 'query Q { echo }' },
        context: {},
      } as unknown as GraphQLDataSourceProcessOptions<RouterContext>),
    ]);
    expect(verifyIdentity(headers![IDENTITY_HEADER] as string, secret)).toEqual({ ok: true, identity: ANONYMOUS });
    expect(headers![REQUEST_ID_HEADER]).toBeUndefined();
  });

  it('asks the subgraph to read its primary for an answer the entity cache will keep, and for nothing else', async () => {
    // An entity cache that keeps what it is sent for the first fetch and passes the second through.
    let calls = 0;
    const entityCache = {
      serve: (fetch: { variables?: Record<string, unknown> }, send: (variables: unknown, keeping?: boolean) => Promise<unknown>) =>
        send(fetch.variables, ++calls === 1),
    } as unknown as EntityCache;
    const keeping = new SignedDataSource({ url: subgraphUrl, secret, subgraph: 'stock', http, entityCache });
    const query = (request: Record<string, unknown>) =>
      keeping.process({
        kind: 'incoming operation',
        request,
        incomingRequestContext: { operation: { operation: 'query' } },
        context: { requestId: 'r4', identity: staff },
      } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);
    const headers = await received(2, () => [query({ query: 'query A { echo }' }), query({ query: 'query B { echo }' })]);
    expect(headers.map((received) => received![READ_PRIMARY_HEADER]).sort()).toEqual(['1', undefined]);
  });
});
