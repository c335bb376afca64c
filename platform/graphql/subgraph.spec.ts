import { parse } from 'graphql';
import { loadSecrets } from '../auth/secrets.ts';
import { PortInUseError } from '../http/listen.ts';
import { databaseTargets, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../testing/subgraph-client.ts';
import type { SubgraphDefinition } from './subgraph.ts';
import { createSubgraphServer } from './subgraph.ts';

const probe: SubgraphDefinition<Record<string, never>> = {
  name: 'catalogue',
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@requiresScopes"])
    type Query { whoami: String!  secret: String! @requiresScopes(scopes: [["members:pii"]]) }`),
  resolvers: {
    Query: {
      whoami: (_: unknown, __: unknown, ctx: { identity: { kind: string; subject: string | null } }) =>
        `${ctx.identity.kind}:${ctx.identity.subject}`,
      secret: () => 'pii',
    },
  },
  entities: [ProbeEntity],
  migrations: [],
  createLoaders: () => ({}),
};

describe.each(databaseTargets())('a subgraph server on $label', (target) => {
  let env: TestEnvironment;
  let subgraph: TestSubgraph;

  beforeAll(async () => {
    env = testEnvironment(target);
    subgraph = await startTestSubgraph(probe, env.config);
  });
  afterAll(async () => {
    await subgraph?.close();
    await env?.cleanup();
  });

  it('answers /health once its database answers', async () => {
    const response = await fetch(subgraph.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'catalogue' });
  });

  it('sees the identity the router signed', async () => {
    expect((await subgraph.request('{ whoami }', {}, staff('catalogue:read'))).data).toEqual({ whoami: 'staff:staff-test' });
  });

  it('refuses a request that does not come through the router', async () => {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ whoami }"}',
    });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('checks @requiresScopes again on its own fields', async () => {
    const result = await subgraph.request('{ secret }', {}, staff('catalogue:read'));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await subgraph.request('{ secret }', {}, staff('members:pii'))).data).toEqual({ secret: 'pii' });
  });

  it('answers malformed JSON with a 400 instead of failing', async () => {
    const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('names the port and the variable when its port is taken', async () => {
    const port = Number(new URL(subgraph.url).port);
    const second = await createSubgraphServer(probe, env.config, { secrets: loadSecrets(env.config) });
    try {
      await expect(second.listen(port)).rejects.toThrow(PortInUseError);
      await expect(second.listen(port)).rejects.toThrow(new RegExp(`${port}: the port is already in use.*CATALOGUE_PORT`));
    } finally {
      await second.close();
    }
  });
});
