import { randomUUID } from 'node:crypto';
import type { ServiceMap } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { RouterContext } from '../context.ts';
import { executePlan } from '../gateway-internals.ts';
import type { SubscriptionPlan, SubscriptionPlanner } from './plan.ts';

/** Everything an event's completion needs besides the event: whom its fetches run as (the subscriber; a shared stream's, the router), with which variables. */
export type CompletionRequest = {
  plan: SubscriptionPlan;
  identity: Identity;
  variables: Record<string, unknown>;
  operationName: string | undefined;
};

/**
 * Completes one upstream event into the response the client asked for: the
 * plan `Sequence[primary, rest]` runs through the gateway's own plan
 * executor (gateway-internals.ts), with `primary` answered from the event
 * (it is what the owning subgraph just sent) and `rest` fetched through the
 * normal data sources, signed with the subscriber's identity like any query's fetches.
 * An event whose `rest` fails still arrives, with the errors beside the data
 * the owner sent, as a query's partial result would.
 */
export function eventCompleter(planner: SubscriptionPlanner, serviceMap: ServiceMap) {
  return async (request: CompletionRequest, event: FormattedExecutionResult): Promise<ExecutionResult> => {
    const { plan } = request;
    const owner = serviceMap[plan.primary.serviceName];
    if (!owner) throw new Error(`no data source for subgraph ${plan.primary.serviceName}`);
    const services: ServiceMap = {
      ...serviceMap,
      [plan.primary.serviceName]: {
        process: (options) =>
          // The owner may also be asked for entity fields in `rest`: only the primary fetch is answered from the event.
          options.request.query === plan.primary.operation
            ? Promise.resolve({ data: event.data ?? null, ...(event.errors ? { errors: event.errors } : {}) })
            : owner.process(options),
      },
    };
    const queryPlan: QueryPlan = {
      kind: 'QueryPlan',
      node: plan.rest ? { kind: 'Sequence', nodes: [plan.primary, plan.rest] } : plan.primary,
    };
    // A fresh context per event: the identity header is signed anew, so a long subscription never sends an expired one.
    const context: RouterContext = { requestId: randomUUID(), identity: request.identity };
    const result = await executePlan({
      plan: queryPlan,
      services,
      operationContext: plan.operationContext,
      context,
      variables: request.variables,
      operationName: request.operationName,
      supergraphSchema: planner.supergraphSchema,
      apiSchema: planner.apiSchema,
    });
    return { data: result.data ?? null, ...(result.errors?.length ? { errors: result.errors } : {}) };
  };
}
