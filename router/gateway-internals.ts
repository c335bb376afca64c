/**
 * Every use of @apollo/gateway beyond its documented API, in one place.
 * Checked against @apollo/gateway 2.14.4 (CHECKED_GATEWAY_VERSION);
 * gateway-internals.spec.ts fails on any other installed version, so an
 * upgrade means reading the gateway's source for what is listed here, then
 * updating the version.
 *
 * Everything else the router does with the gateway is its public surface:
 * `buildService` with RemoteGraphQLDataSource's `fetcher`, `willSendRequest`
 * and `errorFromResponse` (signed-data-source.ts), the `supergraphSdl` hook
 * (hot-reload.ts), and Apollo Server's `gateway` interface for query merging
 * (operation-merging.ts).
 *
 * What is relied on here, and why: the gateway refuses to execute
 * subscriptions, so the router plans them itself (subscriptions/plan.ts) and
 * completes each event with the gateway's own plan executor
 * (subscriptions/complete-event.ts). Both functions below are exported by the
 * package but not documented, and the executor is handed a request context
 * holding only what it reads from one: the request's variables and operation
 * name, the context passed on to the data sources, `metrics` (where it
 * records error paths) and the operation; a missing `logger` falls back to
 * the console.
 *
 * The gateway's result shaping (`computeResponse` in dist/resultShaping.js,
 * which its executor calls through that module's exports at each query) is
 * replaced by the router's own (response-shaping.ts says why); the spec
 * compares the two on the same operations and data.
 */

import { createRequire } from 'node:module';
import type { Schema } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { RouterContext } from './context.ts';
import { shapeResponse } from './response-shaping.ts';

export const CHECKED_GATEWAY_VERSION = '2.14.4';

/** An operation validated against the API schema, with its fragments: what the plan executor shapes results by. */
export type OperationContext = ReturnType<typeof buildOperationContext>;

export function operationContextOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): OperationContext {
  return buildOperationContext({ schema, operationDocument: document, operationName });
}

/** One execution of a query plan, outside a client request the gateway received. */
export type PlanExecution = {
  plan: QueryPlan;
  services: ServiceMap;
  operationContext: OperationContext;
  context: RouterContext;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
};

/** Runs `plan` through the gateway's own executor: fetches through `services`, results shaped as a query's would be. */
export function executePlan(execution: PlanExecution): ReturnType<typeof executeQueryPlan> {
  const { operationContext } = execution;
  const requestContext = {
    request: { variables: execution.variables, operationName: execution.operationName },
    context: execution.context,
    // executeQueryPlan records error paths here; nothing reads them afterwards.
    metrics: {},
    operationName: execution.operationName ?? null,
    operation: operationContext.operation,
  } as unknown as Parameters<typeof executeQueryPlan>[2];
  return executeQueryPlan(
    execution.plan,
    execution.services,
    requestContext,
    operationContext,
    execution.supergraphSchema,
    execution.apiSchema,
  );
}

type ShapingModule = { computeResponse: (input: never) => unknown };
const shapingModule = createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as ShapingModule;
/** The gateway's own result shaping, kept for the spec that compares it with ours. */
export const gatewayShaping = shapingModule.computeResponse;

/** Makes every gateway in this process shape results with shapeResponse. Idempotent. */
export function useOwnResponseShaping(): void {
  if (typeof gatewayShaping !== 'function') throw new Error('@apollo/gateway no longer exports computeResponse from dist/resultShaping.js');
  shapingModule.computeResponse = shapeResponse as ShapingModule['computeResponse'];
}
