import { createPrivateKey } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import WebSocket from 'ws';
import { loadSecrets } from '../../platform/auth/secrets.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * A token correctly signed with the real signing key but without `exp` was
 * accepted, so once leaked it would have been good forever. It is refused
 * with 401 on HTTP and 4401 on the subscription socket, like any token that
 * does not check out, while the same claims with an expiry are accepted and
 * the router keeps serving a well-behaved caller.
 */
describe('a correctly signed token without exp', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  /** Staff claims signed with this system's development key (the key `npm run token` uses), with or without an expiry. */
  async function staffToken(withExpiry: boolean): Promise<string> {
    const secrets = loadSecrets(system.config);
    const kid = decodeProtectedHeader(await system.staffToken([])).kid;
    const token = new SignJWT({ kind: 'staff', scope: 'members:pii members:read stock:read' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
      .setSubject('staff-forever')
      .setIssuer(system.config.jwtIssuer)
      .setAudience(system.config.jwtAudience)
      .setIssuedAt();
    if (withExpiry) token.setExpirationTime('10m');
    return token.sign(createPrivateKey(secrets.jwtPrivateKey!));
  }

  it('is refused with 401 on /graphql, while the same claims with exp are accepted', async () => {
    const withExpiry = await system.graphql('{ categories { id } }', {}, await staffToken(true));
    expect(withExpiry.status).toBe(200);
    expect(withExpiry.body.errors).toBeUndefined();

    const forever = await system.graphql('{ categories { id } }', {}, await staffToken(false));
    expect(forever.status).toBe(401);
    expect(forever.body.data).toBeUndefined();
    expect(forever.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(forever.body.errors?.[0]?.message).toMatch(/"exp" claim/);
    await expectWellBehavedQueryAnswered(system);
  });

  it('is refused with 4401 on the subscription socket', async () => {
    const token = await staffToken(false);
    // graphql-ws's protocol by hand: the credential goes in connection_init, and the answer is the socket's close code.
    const socket = new WebSocket(system.system.routerUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closeCode = await new Promise<number>((resolve, reject) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      socket.on('message', (data) => reject(new Error(`the router answered ${String(data)} instead of closing`)));
      socket.on('close', (code) => resolve(code));
      socket.on('error', reject);
    });
    expect(closeCode).toBe(4401);
    await expectWellBehavedQueryAnswered(system);
  });
});
