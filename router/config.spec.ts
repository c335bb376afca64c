import { loadConfig } from '../platform/config/config.ts';

// The router's own settings, loaded as its process loads them.
const router = (env: Record<string, string>) => loadConfig(env, 'router');

describe("the router's settings", () => {
  it('resolves SUPERGRAPH_PATH against the working directory, and leaves it unset by default', () => {
    expect(router({}).supergraphPath).toBeUndefined();
    expect(router({ SUPERGRAPH_PATH: '/etc/commerce/supergraph.graphql' }).supergraphPath).toBe('/etc/commerce/supergraph.graphql');
    expect(router({ SUPERGRAPH_PATH: 'graphs/next.graphql' }).supergraphPath).toBe(`${process.cwd()}/graphs/next.graphql`);
  });

  it('reads the operation limits, and names each partner cost limit that is not keyId=cost', () => {
    expect(router({}).operationLimits).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxCost: 50_000,
      maxPageSize: 1000,
      defaultListSize: 10,
      partnerCostLimits: {},
    });
    expect(router({ MAX_QUERY_DEPTH: '20', PARTNER_QUERY_COST_LIMITS: 'key-1=500, key-2 = 900' }).operationLimits).toMatchObject({
      maxDepth: 20,
      partnerCostLimits: { 'key-1': 500, 'key-2': 900 },
    });
    expect(() => router({ PARTNER_QUERY_COST_LIMITS: 'key-1=500,key-2=0,key-3' })).toThrow(/received "key-2=0"[\s\S]*received "key-3"/);
  });

  it('reads the multipart heartbeat, 5 s unless set, and refuses one outside its bounds', () => {
    expect(router({}).multipartHeartbeatMs).toBe(5000);
    expect(router({ MULTIPART_HEARTBEAT_MS: '1000' }).multipartHeartbeatMs).toBe(1000);
    expect(() => router({ MULTIPART_HEARTBEAT_MS: '10' })).toThrow(/MULTIPART_HEARTBEAT_MS/);
  });

  it('keeps entity answers at most ten minutes: a kept invoice answer’s signed PDF link lasts fifteen', () => {
    expect(router({}).entityCacheTtlSeconds).toBe(300);
    expect(router({ ENTITY_CACHE_TTL_SECONDS: '600' }).entityCacheTtlSeconds).toBe(600);
    expect(() => router({ ENTITY_CACHE_TTL_SECONDS: '601' })).toThrow(/ENTITY_CACHE_TTL_SECONDS/);
  });

  it('turns introspection and GraphiQL off in production unless asked for', () => {
    const production = {
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
    };
    expect(router({})).toMatchObject({ introspection: true, graphiql: true });
    expect(router(production)).toMatchObject({ introspection: false, graphiql: false });
    expect(router({ ...production, GRAPHIQL: 'true' })).toMatchObject({ introspection: false, graphiql: true });
  });
});
