import { ANONYMOUS } from '../platform/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../platform/auth/identity-header.ts';
import { type Harness, startHarness } from './testing/harness.ts';
import { HELLO, WHOAMI } from './testing/operations.ts';

/** docs/architecture.md §4: a subgraph reached around the router is useless. */
describe('a request that goes around the router', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('is refused by the subgraph with 401 when it carries no signed identity header', async () => {
    const { status, body } = await harness.graphql(HELLO, { url: harness.subgraphUrl });
    expect(status).toBe(401);
    expect(body).toEqual({
      errors: [
        {
          message: `catalogue accepts requests only through the router: the ${IDENTITY_HEADER} header is missing`,
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  });

  it('is refused by the subgraph with 401 when its identity header is signed with the wrong secret', async () => {
    const forged = signIdentity(
      { kind: 'staff', subject: 'intruder', scopes: ['catalogue:write'] },
      'a-guessed-secret-that-is-long-enough-0000',
    );
    const { status, body } = await harness.graphql(WHOAMI, { url: harness.subgraphUrl, headers: { [IDENTITY_HEADER]: forged } });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe(
      `catalogue accepts requests only through the router: the ${IDENTITY_HEADER} signature is invalid`,
    );
  });

  it('gains nothing by sending its own identity header to the router: the caller stays anonymous', async () => {
    // Only the bearer token establishes who calls; the router signs the subgraphs' header itself.
    const forged = signIdentity({ kind: 'staff', subject: 'intruder', scopes: [] }, 'a-guessed-secret-that-is-long-enough-0000');
    const { status, body } = await harness.graphql(WHOAMI, { headers: { [IDENTITY_HEADER]: forged } });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('is answered by the subgraph when the header is signed with the shared secret, as the router does', async () => {
    const signed = signIdentity(ANONYMOUS, harness.secrets.internalAuthSecret);
    const { status, body } = await harness.graphql(HELLO, { url: harness.subgraphUrl, headers: { [IDENTITY_HEADER]: signed } });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { hello: 'hello from the test subgraph' } });
  });
});
