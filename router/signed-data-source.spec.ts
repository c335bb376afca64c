import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER, verifyIdentity } from '../platform/auth/identity-header.ts';
import type { RouterContext } from './context.ts';
import { SignedDataSource } from './signed-data-source.ts';

const secret = 'a-test-secret-of-at-least-32-characters';

/** The options the gateway passes for one fetch of a client's operation. */
function fetchFor(context: RouterContext): GraphQLDataSourceProcessOptions<RouterContext> {
  return {
    kind: 'incoming operation',
    request: { query: '{ hello }', http: { method: 'POST', url: 'http://127.0.0.1/graphql', headers: new Headers() } },
    incomingRequestContext: {},
    context,
  } as unknown as GraphQLDataSourceProcessOptions<RouterContext>;
}

describe('SignedDataSource', () => {
  const source = new SignedDataSource({ url: 'http://127.0.0.1/graphql', secret });

  it('signs the caller’s identity into the header subgraphs verify', () => {
    const options = fetchFor({ requestId: 'r1', identity: { kind: 'staff', subject: 'staff-1', scopes: ['stock:read'] } });
    source.willSendRequest(options);
    const header = options.request.http?.headers.get(IDENTITY_HEADER) ?? undefined;
    expect(verifyIdentity(header, secret)).toEqual({ ok: true, identity: { kind: 'staff', subject: 'staff-1', scopes: ['stock:read'] } });
  });

  it('signs once per request and reuses the header for the request’s other fetches', () => {
    const context: RouterContext = { requestId: 'r2', identity: { kind: 'member', subject: 'member-1', scopes: [] } };
    const first = fetchFor(context);
    const second = fetchFor(context);
    source.willSendRequest(first);
    const cached = context.signedIdentity;
    source.willSendRequest(second);
    expect(cached).toBeDefined();
    expect(second.request.http?.headers.get(IDENTITY_HEADER)).toBe(cached);
    expect(context.signedIdentity).toBe(cached);
  });
});
