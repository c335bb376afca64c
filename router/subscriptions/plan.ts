import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { type FetchNode, type PlanNode, QueryPlanner } from '@apollo/query-planner';
import { type DocumentNode, type GraphQLSchema, print } from 'graphql';
import { type OperationContext, operationContextOf } from '../gateway-internals.ts';

/** One subscription operation, planned: what to open upstream and what to fetch for each of its events. */
export type SubscriptionPlan = {
  /** The subscription to open on the subgraph that owns the root field. */
  primary: FetchNode;
  /** Fetches to other subgraphs that complete each event (absent when the owner answers everything). */
  rest: PlanNode | undefined;
  operationContext: OperationContext;
};

export type SubscriptionPlanner = {
  /** The API schema clients see (validation, authorization). */
  readonly schema: GraphQLSchema;
  /** The supergraph schema and API schema the gateway's plan executor needs (gateway-internals.ts). */
  readonly supergraphSchema: GraphQLSchema;
  readonly apiSchema: Schema;
  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan;
};

/** Bounds the plan cache: a flood of distinct documents must not grow memory without end. */
const MAX_PLANS = 500;

/**
 * Plans subscriptions the way @apollo/gateway plans queries (the same
 * `Supergraph.build`, API schema and `QueryPlanner`), since the gateway
 * itself refuses to execute them ("Execution of subscriptions not supported by
 * gateway"). A subscription's
 * plan is a `Subscription` node: `primary`, the fetch to the owning subgraph,
 * and `rest`, the fetches that complete each event with other subgraphs' fields.
 *
 * `supergraphSdl` is the SDL the gateway loads (gateway-sdl.ts), so both plan
 * over the same graph.
 */
export function createSubscriptionPlanner(supergraphSdl: string): SubscriptionPlanner {
  const supergraph = Supergraph.build(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const schema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const cache = new Map<string, SubscriptionPlan>();

  return {
    schema,
    supergraphSchema,
    apiSchema,
    plan(document, operationName) {
      const operationContext = operationContextOf(schema, document, operationName);
      const key = `${operationName ?? ''}\n${print(document)}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const node = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName })).node;
      if (node?.kind !== 'Subscription') throw new Error(`expected a subscription plan; the planner made ${node?.kind ?? 'none'}`);
      const plan: SubscriptionPlan = { primary: node.primary, rest: node.rest, operationContext };
      if (cache.size >= MAX_PLANS) cache.delete(cache.keys().next().value!);
      cache.set(key, plan);
      return plan;
    },
  };
}
