import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTokenMinter } from '../../platform/auth/jwt.ts';
import { loadSecrets } from '../../platform/auth/secrets.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { subscribeOverSse } from '../../router/subscriptions/testing/router-event-stream.ts';
import { contractExamples, contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * An open subscription ends when the credential it was opened with ends, as
 * an HTTP request would be refused from that moment: a revoked API key's
 * socket is closed with 4403 within the key cache's window, an expired
 * token's with 4401 at its expiry. Before, both kept receiving events. A
 * Server-Sent Events stream ends the same way, with a last event carrying
 * FORBIDDEN or UNAUTHENTICATED.
 */
const LIVE_STOCK = contractOperation('stock.graphql', 'LiveStock');
const CREATE_API_KEY = contractOperation('members.graphql', 'CreateApiKey');
const REVOKE_API_KEY = contractOperation('members.graphql', 'RevokeApiKey');

describe('a subscriber whose access ends', () => {
  let system: TestSystem;
  beforeAll(async () => {
    // The router trusts a key lookup for 1 s here, so a revocation shows within about 2 s.
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { API_KEY_CACHE_SECONDS: '1' });
  });
  afterAll(async () => {
    await system?.close();
  });

  /** Subscribes to LiveStock with the given connection params; resolves with the close code once the router closes the socket. */
  const subscribeUntilClosed = (connectionParams: Record<string, string>) => {
    let subscribed!: () => void;
    const started = new Promise<void>((resolve) => {
      subscribed = resolve;
    });
    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: system.system.routerUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: false,
        on: {
          connected: () => subscribed(),
          closed: (event) => {
            resolve((event as { code: number }).code);
            void client.dispose();
          },
        },
      });
      client.subscribe(
        { query: LIVE_STOCK, variables: contractExamples().LiveStock! },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
    });
    return { started, closed };
  };

  it('closes a revoked API key’s socket with 4403 within the key cache window', async () => {
    const admin = await system.staffToken(['members:write']);
    const created = await system.graphql<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
      CREATE_API_KEY,
      { input: { name: 'Dashboard partner', scopes: ['stock:read', 'catalogue:read'] } },
      admin,
    );
    const { apiKey, secret } = created.body.data!.createApiKey;
    const { started, closed } = subscribeUntilClosed({ 'x-api-key': secret });
    await started;
    await system.graphql(REVOKE_API_KEY, { input: { id: apiKey.id } }, admin);
    const revokedAt = Date.now();
    expect(await closed).toBe(4403);
    // The key cache (1 s) plus the recheck interval (1 s), with room for a busy machine.
    expect(Date.now() - revokedAt).toBeLessThan(10_000);
  });

  it('closes an expired token’s socket with 4401, not before its expiry', async () => {
    const secrets = loadSecrets(system.config);
    const mint = await createTokenMinter(secrets.jwtPrivateKey!, { issuer: system.config.jwtIssuer, audience: system.config.jwtAudience });
    const token = await mint({ subject: 'staff-short-lived', kind: 'staff', scopes: ['stock:read', 'catalogue:read'], ttlSeconds: 2 });
    const expiresAt = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
    const { started, closed } = subscribeUntilClosed({ authorization: `Bearer ${token}` });
    await started;
    expect(await closed).toBe(4401);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
  });

  /** Opens LiveStock over Server-Sent Events with the given headers; resolves once the router counts it open. */
  const streamUntilEnded = async (headers: Record<string, string>) => {
    const stream = subscribeOverSse({
      routerUrl: system.system.routerUrl,
      headers,
      query: LIVE_STOCK,
      variables: contractExamples().LiveStock!,
      field: 'stockChanged',
    });
    await eventually(
      async () => /^graphql_subscriptions_open 1$/m.test(await (await fetch(system.system.routerMetricsUrl)).text()),
      'the stream is open',
      { timeoutMs: 10_000 },
    );
    return stream;
  };

  it('ends a revoked API key’s event stream with a FORBIDDEN event within the key cache window', async () => {
    const admin = await system.staffToken(['members:write']);
    const created = await system.graphql<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
      CREATE_API_KEY,
      { input: { name: 'SSE dashboard partner', scopes: ['stock:read', 'catalogue:read'] } },
      admin,
    );
    const { apiKey, secret } = created.body.data!.createApiKey;
    const stream = await streamUntilEnded({ 'x-api-key': secret });
    await system.graphql(REVOKE_API_KEY, { input: { id: apiKey.id } }, admin);
    expect(await stream.ended).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })] });
  });

  it('ends an expired token’s event stream with an UNAUTHENTICATED event, not before its expiry', async () => {
    const secrets = loadSecrets(system.config);
    const mint = await createTokenMinter(secrets.jwtPrivateKey!, { issuer: system.config.jwtIssuer, audience: system.config.jwtAudience });
    const token = await mint({ subject: 'staff-short-lived-sse', kind: 'staff', scopes: ['stock:read', 'catalogue:read'], ttlSeconds: 2 });
    const expiresAt = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
    const stream = await streamUntilEnded({ authorization: `Bearer ${token}` });
    expect(await stream.ended).toEqual({
      errors: [expect.objectContaining({ message: expect.stringContaining('expired'), extensions: { code: 'UNAUTHENTICATED' } })],
    });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
  });
});
