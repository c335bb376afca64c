import { createPrivateKey } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { loadSecrets } from '../../subgraphs/kit/auth/secrets.ts';
import { expectWellBehavedQueryAnswered, rawRequest } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Requests at the router's edge that once got through: paths that climb out
 * of a forwarded prefix reached subgraph routes never meant to be public
 * (`/callbacks/../metrics` answered with payments' metrics), and a correctly
 * signed token without `exp` was accepted. Each is refused now, and the
 * router goes on serving a well-behaved caller.
 */
describe('requests at the router’s edge', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  it.each([
    '/callbacks/../metrics',
    '/invoices/../graphql',
    '/callbacks/%2e%2e/metrics',
    '/callbacks/..%2fmetrics',
    '/invoices/%252e%252e/graphql',
    '/callbacks/..\\metrics',
  ])('answers 404 to %s and forwards nothing', async (path) => {
    const { status, body } = await rawRequest(system.system.routerUrl, { path });
    expect(status).toBe(404);
    expect(body).not.toMatch(/# TYPE|# HELP/);
    await expectWellBehavedQueryAnswered(system);
  });

  it('refuses a correctly signed token without exp with 401', async () => {
    const secrets = loadSecrets(system.config);
    const kid = decodeProtectedHeader(await system.staffToken([])).kid;
    const forever = await new SignJWT({ kind: 'staff', scope: 'members:pii members:read' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject('staff-forever')
      .setIssuer(system.config.jwtIssuer)
      .setAudience(system.config.jwtAudience)
      .setIssuedAt()
      .sign(createPrivateKey(secrets.jwtPrivateKey!));
    const { status, body } = await system.graphql('{ categories { id } }', {}, forever);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/exp/);
    await expectWellBehavedQueryAnswered(system);
  });
});
