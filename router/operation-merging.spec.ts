import { ApolloServer, type ApolloServerOptionsWithGateway } from '@apollo/server';
import { parse } from 'graphql';
import type { Identity } from '../platform/auth/identity.ts';
import { createLogger } from '../platform/observability/log.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { apolloLogger } from './apollo-logger.ts';
import { supergraphForGateway } from './auth/gateway-sdl.ts';
import type { RouterContext } from './context.ts';
import { createGateway } from './gateway.ts';
import { mergeIdenticalQueries } from './operation-merging.ts';
import { parseSupergraph } from './supergraph.ts';
import { composeTestSupergraph } from './testing/harness.ts';
import { HELLO } from './testing/operations.ts';

type Gateway = ApolloServerOptionsWithGateway<RouterContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type RequestContext = Parameters<Executor>[0];

const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: ['orders:read'] };
const otherStaff: Identity = { kind: 'staff', subject: 'staff-2', scopes: ['orders:read'] };
const fewerScopes: Identity = { kind: 'staff', subject: 'staff-1', scopes: [] };

/** A request as Apollo Server hands it to the gateway's executor (only what merging reads). */
function requestFor(source: string, identity: Identity, variables: Record<string, unknown> = {}): RequestContext {
  const document = parse(source);
  const operation = document.definitions[0];
  return {
    source,
    document,
    operation,
    operationName: null,
    queryHash: `hash of ${source}`,
    request: { query: source, variables },
    context: { requestId: 'r', identity } satisfies RouterContext,
  } as unknown as RequestContext;
}

/** An executor that runs until released, counting how often it ran. */
function heldExecutor() {
  const releases: (() => void)[] = [];
  let runs = 0;
  const execute: Executor = async (requestContext) => {
    runs++;
    const run = runs;
    await new Promise<void>((resolve) => releases.push(resolve));
    return { data: { run, variables: requestContext.request.variables } };
  };
  return {
    execute,
    runs: () => runs,
    releaseAll: () => {
      for (const release of releases.splice(0)) release();
    },
  };
}

/** The merging in front of a gateway that executes with `execute`, and the executor Apollo Server gets from it. */
async function mergingOver(execute: Executor) {
  const gateway: Gateway = {
    load: async () => ({ executor: execute }),
    onSchemaLoadOrUpdate: () => () => undefined,
    stop: async () => undefined,
  };
  const merging = mergeIdenticalQueries(gateway);
  const loaded = await merging.gateway.load({ apollo: {} });
  return { merged: () => merging.merged, executor: loaded.executor! };
}

describe('merging identical queries in flight', () => {
  it('runs identical queries of one caller once and gives every request that result', async () => {
    const held = heldExecutor();
    const merging = await mergingOver(held.execute);
    const answers = [1, 2, 3].map(() => merging.executor(requestFor('query Q($first: Int) { a }', staff, { first: 10 })));
    held.releaseAll();
    expect(await Promise.all(answers)).toEqual([1, 2, 3].map(() => ({ data: { run: 1, variables: { first: 10 } } })));
    expect(held.runs()).toBe(1);
    expect(merging.merged()).toBe(2);
  });

  it('runs a query on its own when the caller, its scopes, the variables or the text differ, and always runs mutations', async () => {
    const held = heldExecutor();
    const merging = await mergingOver(held.execute);
    const answers = [
      merging.executor(requestFor('query Q($first: Int) { a }', staff, { first: 10 })),
      merging.executor(requestFor('query Q($first: Int) { a }', otherStaff, { first: 10 })),
      merging.executor(requestFor('query Q($first: Int) { a }', fewerScopes, { first: 10 })),
      merging.executor(requestFor('query Q($first: Int) { a }', staff, { first: 20 })),
      merging.executor(requestFor('query R { a }', staff, { first: 10 })),
      merging.executor(requestFor('mutation M { a }', staff)),
      merging.executor(requestFor('mutation M { a }', staff)),
    ];
    held.releaseAll();
    await Promise.all(answers);
    expect(held.runs()).toBe(7);
    expect(merging.merged()).toBe(0);
  });

  it('merges queries that differ only in variables the operation does not declare (execution ignores them)', async () => {
    const held = heldExecutor();
    const merging = await mergingOver(held.execute);
    const answers = [
      merging.executor(requestFor('query Q($first: Int) { a }', staff, { first: 10 })),
      merging.executor(requestFor('query Q($first: Int) { a }', staff, { first: 10, padding: 'x'.repeat(10_000) })),
      merging.executor(requestFor('query Q($first: Int) { a }', staff, { padding: 1, first: 10 })),
    ];
    held.releaseAll();
    await Promise.all(answers);
    expect(held.runs()).toBe(1);
    expect(merging.merged()).toBe(2);
  });

  it('runs a query again once the identical one has finished, and shares a failure only with requests that waited for it', async () => {
    let runs = 0;
    const merging = await mergingOver(async () => {
      runs++;
      if (runs === 1) throw new Error('the first run failed');
      return { data: { run: runs } };
    });
    const [first, second] = [merging.executor(requestFor('query Q { a }', staff)), merging.executor(requestFor('query Q { a }', staff))];
    await expect(first).rejects.toThrow('the first run failed');
    await expect(second).rejects.toThrow('the first run failed');
    expect(await merging.executor(requestFor('query Q { a }', staff))).toEqual({ data: { run: 2 } });
  });
});

describe('merging in front of the real gateway', () => {
  it('reaches Apollo Server through the gateway interface: identical queries run once, and the server starts and stops', async () => {
    // A subgraph that answers only when told, counting the fetches the gateway makes.
    let fetches = 0;
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const quiet = apolloLogger(createLogger('router', { write: () => undefined }));
    const gateway = createGateway({
      supergraphSdl: supergraphForGateway(parseSupergraph(composeTestSupergraph())),
      logger: quiet,
      buildService: () => ({
        process: async () => {
          fetches++;
          await answered;
          return { data: { hello: 'hi' } };
        },
      }),
    });
    const merging = mergeIdenticalQueries(gateway);
    const server = new ApolloServer<RouterContext>({ gateway: merging.gateway, logger: quiet });
    await server.start();
    const context = { contextValue: { requestId: 'r', identity: staff } };
    const answers = [server.executeOperation({ query: HELLO }, context), server.executeOperation({ query: HELLO }, context)];
    await eventually(() => merging.merged === 1, 'the second query merged into the first');
    answer();
    for (const { body } of await Promise.all(answers)) {
      expect(body).toMatchObject({ kind: 'single', singleResult: { data: { hello: 'hi' } } });
    }
    expect(fetches).toBe(1);
    await server.stop();
  });
});
