import { expectWellBehavedQueryAnswered, rawRequest } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * `/next`, where the web client was served while it was written, redirects permanently to `/`. A redirect is a
 * classic open-redirect lever (`/next//evil.example`, a `?to=` in the query): the router's target is the fixed path
 * `/`, never taken from the request, so every attempt either lands on `/` of this origin or is refused, and a
 * write is not redirected at all.
 */
describe('the web client’s old address, /next', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  it.each(['/next?to=https://evil.example/', '/next/?next=//evil.example', '/next/?redirect=%2F%2Fevil.example'])(
    'redirects %s to / of this origin only',
    async (path) => {
      const { status, headers } = await rawRequest(system.system.routerUrl, { path });
      expect({ status, location: headers.location }).toEqual({ status: 301, location: '/' });
      await expectWellBehavedQueryAnswered(system);
    },
  );

  it.each([
    '/next//evil.example',
    '/next/%2F%2Fevil.example',
    '/next/https://evil.example',
    '/next/..',
    '/next/%2e%2e/',
    '//next',
    '/next\\evil.example',
  ])('redirects nowhere for %s', async (path) => {
    const { status, headers } = await rawRequest(system.system.routerUrl, { path });
    expect(status).toBe(404);
    expect(headers.location).toBeUndefined();
    await expectWellBehavedQueryAnswered(system);
  });

  it('answers a write to it with 405, redirecting nothing', async () => {
    const { status, headers } = await rawRequest(system.system.routerUrl, {
      path: '/next/',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect({ status, allow: headers.allow, location: headers.location }).toEqual({ status: 405, allow: 'GET, HEAD', location: undefined });
  });
});
