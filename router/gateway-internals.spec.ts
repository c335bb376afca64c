import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import type { GraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import { GraphQLError, parse } from 'graphql';
import type { Identity } from '../platform/auth/identity.ts';
import { supergraphForGateway } from './auth/gateway-sdl.ts';
import type { RouterContext } from './context.ts';
import { CHECKED_GATEWAY_VERSION, executePlan, operationContextOf } from './gateway-internals.ts';
import { parseSupergraph } from './supergraph.ts';
import { composeTestSupergraph } from './testing/harness.ts';

const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: [] };

describe('the @apollo/gateway internals the router relies on', () => {
  it('were checked against the installed version (an upgrade is checked against gateway-internals.ts first)', () => {
    const manifest = join(import.meta.dirname, '..', 'node_modules', '@apollo', 'gateway', 'package.json');
    const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    expect(installed).toBe(CHECKED_GATEWAY_VERSION);
  });

  // A query planned over the test supergraph, run with only the request context the router hands the executor.
  const supergraph = Supergraph.build(supergraphForGateway(parseSupergraph(composeTestSupergraph())));
  const apiSchema = supergraph.apiSchema();
  const schema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const run = (query: string, catalogue: GraphQLDataSource, context: RouterContext) => {
    const document = parse(query);
    return executePlan({
      plan: planner.buildQueryPlan(operationFromDocument(apiSchema, document)),
      services: { catalogue },
      operationContext: operationContextOf(schema, document, undefined),
      context,
      variables: {},
      operationName: undefined,
      supergraphSchema,
      apiSchema,
    });
  };

  it('executes a plan with that request context, handing its context to the data sources', async () => {
    const context: RouterContext = { requestId: 'r1', identity: staff };
    const contexts: unknown[] = [];
    const result = await run(
      'query Hello { hello }',
      {
        process: async (options) => {
          contexts.push(options.context);
          return { data: { hello: 'hi' } };
        },
      },
      context,
    );
    expect(result).toEqual({ data: { hello: 'hi' } });
    expect(contexts).toEqual([context]);
  });

  it('reports a failed fetch as an error beside the result, as for a query', async () => {
    const result = await run(
      'query Hello { hello }',
      {
        process: async () => {
          throw new GraphQLError('the catalogue subgraph did not answer in time', { extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
        },
      },
      { requestId: 'r2', identity: staff },
    );
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      message: 'the catalogue subgraph did not answer in time',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
    });
  });
});
