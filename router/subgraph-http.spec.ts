import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Identity } from '../platform/auth/identity.ts';
import { verifyIdentity } from '../platform/auth/identity-header.ts';
import { eventually } from '../platform/testing/eventually.ts';
import type { RouterContext } from './context.ts';
import { identitySigner } from './identity-signing.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { subgraphHttp } from './subgraph-http.ts';
import { heldSubgraph } from './testing/held-subgraph.ts';

const secret = 'a-test-secret-of-at-least-32-characters';
const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: ['stock:read'] };
const member: Identity = { kind: 'member', subject: 'member-1', scopes: [] };

describe('fetches to subgraphs', () => {
  const subgraph = heldSubgraph(secret);
  const http = subgraphHttp();
  let source: SignedDataSource;
  let url: string;
  beforeAll(async () => {
    url = await subgraph.start();
    source = new SignedDataSource({ url, secret, subgraph: 'stock', http });
  });
  afterAll(async () => {
    await http.close();
    await subgraph.stop();
  });

  let requestCount = 0;
  /** One fetch as the gateway makes it for a client's operation. */
  const fetchAs = (identity: Identity, query: string) => {
    const options = {
      kind: 'incoming operation',
      request: { query, variables: { first: 10 }, http: { method: 'POST', url, headers: new Headers() } },
      incomingRequestContext: {},
      context: { requestId: `request-${++requestCount}`, identity } satisfies RouterContext,
    } as unknown as GraphQLDataSourceProcessOptions<RouterContext>;
    return source.process(options);
  };

  it('sends identical reads of one caller in flight together once, and gives each its own copy of the answer', async () => {
    const mergedBefore = http.shared;
    const fetches = [fetchAs(staff, 'query Q { echo }'), fetchAs(staff, 'query Q { echo }'), fetchAs(staff, 'query Q { echo }')];
    await eventually(() => subgraph.held.length >= 1, 'the subgraph holds a fetch');
    // Give the other two every chance to arrive separately if they were sent.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(subgraph.held).toHaveLength(1);
    subgraph.answerAll();
    const answers = await Promise.all(fetches);
    expect(http.shared - mergedBefore).toBe(2);
    for (const answer of answers) expect(answer.data).toEqual({ echo: { query: 'query Q { echo }', caller: 'staff-1' } });
    // The gateway merges into the objects it gets: one request's change must not show in another's.
    const [changed, other] = answers.map((answer) => answer.data as { echo: { caller: string } });
    changed!.echo.caller = 'changed';
    expect(other!.echo.caller).toBe('staff-1');
  });

  it('never merges fetches of different callers, different operations or mutations', async () => {
    const fetches = [
      fetchAs(staff, 'query Q { echo }'),
      fetchAs(member, 'query Q { echo }'),
      fetchAs(staff, 'query R { echo }'),
      fetchAs(staff, 'mutation M { echo }'),
      fetchAs(staff, 'mutation M { echo }'),
    ];
    await eventually(() => subgraph.held.length >= 5, 'the subgraph holds five fetches');
    subgraph.answerAll();
    const answers = await Promise.all(fetches);
    expect(answers.map((answer) => (answer.data as { echo: { caller: string } }).echo.caller)).toEqual([
      'staff-1',
      'member-1',
      'staff-1',
      'staff-1',
      'staff-1',
    ]);
  });

  it('sends a read again once the identical one in flight has been answered', async () => {
    const first = fetchAs(staff, 'query Q { echo }');
    await eventually(() => subgraph.held.length >= 1, 'the subgraph holds a fetch');
    subgraph.answerAll();
    await first;
    const second = fetchAs(staff, 'query Q { echo }');
    await eventually(() => subgraph.held.length >= 1, 'the subgraph holds a fetch');
    subgraph.answerAll();
    expect((await second).data).toEqual({ echo: { query: 'query Q { echo }', caller: 'staff-1' } });
  });
});

describe('the identity signer', () => {
  it('reuses a caller’s signed header for 20 s, then signs a fresh one; other callers get their own', () => {
    let now = 1_000_000;
    const sign = identitySigner(secret, () => now);
    const first = sign(staff);
    now += 19_999;
    expect(sign(staff)).toBe(first);
    expect(sign(member)).not.toBe(first);
    expect(verifyIdentity(sign(member), secret, now)).toEqual({ ok: true, identity: member });
    now += 1;
    const fresh = sign(staff);
    expect(fresh).not.toBe(first);
    // A reused header always has most of its life left when it is sent.
    expect(verifyIdentity(first, secret, now + 39_000)).toMatchObject({ ok: true });
    expect(verifyIdentity(fresh, secret, now + 59_000)).toEqual({ ok: true, identity: staff });
  });
});
