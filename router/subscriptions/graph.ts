import type { ServiceMap } from '@apollo/gateway';
import type { RequirementMap } from '../auth/requirements.ts';
import { eventCompleter } from './complete-event.ts';
import { createSubscriptionPlanner, type SubscriptionPlanner } from './plan.ts';

/**
 * Everything subscriptions need from one supergraph: the planner (and its API
 * schema, which validates), the authorization rules and the completer with its
 * data sources. A subscription keeps the graph it was planned on for its whole
 * life, so a hot reload (router/hot-reload.ts) changes only subscriptions that
 * start after it.
 */
export type SubscriptionGraph = {
  /** Tells graphs apart: subscriptions share an upstream only within one graph. */
  readonly id: string;
  readonly planner: SubscriptionPlanner;
  readonly requirements: RequirementMap;
  readonly complete: ReturnType<typeof eventCompleter>;
};

/** `gatewaySdl` is the SDL the gateway loads (gateway-sdl.ts), so subscriptions and queries plan over the same graph. */
export function buildSubscriptionGraph(
  id: string,
  gatewaySdl: string,
  requirements: RequirementMap,
  dataSources: ServiceMap,
): SubscriptionGraph {
  const planner = createSubscriptionPlanner(gatewaySdl);
  return { id, planner, requirements, complete: eventCompleter(planner, dataSources) };
}
