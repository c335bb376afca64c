import { createPrivateKey } from 'node:crypto';
import { request } from 'node:http';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { loadSecrets } from '../../subgraphs/kit/auth/secrets.ts';
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

  /** A GET with the path sent exactly as written (fetch and URL would normalize `..` away before sending). */
  const rawGet = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { hostname, port } = new URL(system.system.routerUrl);
      const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const wellBehavedQuery = async () => {
    const { status, body } = await system.graphql('{ categories { id } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  };

  it.each([
    '/callbacks/../metrics',
    '/invoices/../graphql',
    '/callbacks/%2e%2e/metrics',
    '/callbacks/..%2fmetrics',
    '/invoices/%252e%252e/graphql',
    '/callbacks/..\\metrics',
  ])('answers 404 to %s and forwards nothing', async (path) => {
    const { status, body } = await rawGet(path);
    expect(status).toBe(404);
    expect(body).not.toMatch(/# TYPE|# HELP/);
    await wellBehavedQuery();
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
    await wellBehavedQuery();
  });
});
