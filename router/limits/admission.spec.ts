import { loadSecrets } from '../../platform/auth/secrets.ts';
import { createLogger } from '../../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../../platform/testing/databases.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { createRouter, type Router } from '../server.ts';
import { composeTestSupergraph } from '../testing/harness.ts';
import { heldSubgraph } from '../testing/held-subgraph.ts';
import { admission } from './admission.ts';

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { echo: Echo }
  type Echo { query: String caller: String }
`;

describe('admission', () => {
  it('admits up to its limit, then refuses until a place is given back; 0 admits everything', () => {
    const door = admission(2);
    expect([door.tryEnter(), door.tryEnter(), door.tryEnter()]).toEqual([true, true, false]);
    expect(door.inFlight).toBe(2);
    door.leave();
    expect(door.tryEnter()).toBe(true);
    const open = admission(0);
    expect(Array.from({ length: 10_000 }, () => open.tryEnter()).every(Boolean)).toBe(true);
  });
});

describe('a router at its limit of requests in flight', () => {
  let env: TestEnvironment;
  let router: Router;
  let routerUrl: string;
  let subgraph: ReturnType<typeof heldSubgraph>;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined }, { MAX_REQUESTS_IN_FLIGHT: '2' });
    const secrets = loadSecrets(env.config);
    subgraph = heldSubgraph(secrets.internalAuthSecret);
    router = await createRouter(env.config, {
      secrets,
      supergraphSdl: composeTestSupergraph(SDL),
      subgraphUrls: { catalogue: await subgraph.start() },
      log: createLogger('router', { write: () => undefined }),
    });
    routerUrl = await router.listen(0);
  });
  afterAll(async () => {
    subgraph?.answerAll();
    await router?.close();
    await subgraph?.stop();
    await env?.cleanup();
  });

  const send = (alias: string) =>
    fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${alias}: echo { query } }` }),
    });

  it('refuses the next request at once with 503 OVERLOADED and Retry-After, and admits again once one finishes', async () => {
    const working = [send('a'), send('b')];
    await eventually(() => subgraph.held.length === 2, 'both requests reached the subgraph');

    const refused = await send('c');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(body.errors[0]!.extensions).toEqual({ code: 'OVERLOADED', retryAfterSeconds: 1 });
    // Refused at the door: it never reached the subgraph.
    expect(subgraph.held).toHaveLength(2);

    subgraph.answerAll();
    expect((await Promise.all(working)).map((answer) => answer.status)).toEqual([200, 200]);

    const later = send('d');
    await eventually(() => subgraph.held.length === 1, 'the next request was admitted');
    subgraph.answerAll();
    expect((await later).status).toBe(200);
  });

  it('refuses a picture or invoice download at the limit too, before it reaches a subgraph', async () => {
    const working = [send('e'), send('f')];
    await eventually(() => subgraph.held.length === 2, 'both requests reached the subgraph');
    for (const path of [`/images/${'a'.repeat(64)}`, '/invoices/some-invoice.pdf?expires=1&signature=x']) {
      const refused = await fetch(new URL(path, routerUrl));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('OVERLOADED');
    }
    expect(subgraph.held).toHaveLength(2);
    subgraph.answerAll();
    await Promise.all(working);
    // Once there is room the download is forwarded again (this test supergraph has no invoices subgraph: 404).
    expect((await fetch(new URL('/invoices/some-invoice.pdf', routerUrl))).status).toBe(404);
  });
});
