import type { ServiceMap } from '@apollo/gateway';
import { parse } from 'graphql';
import type { RequirementMap } from '../../platform/auth/requirements.ts';
import { eventCompleter } from './complete-event.ts';
import { createSubscriptionPlanner, type SubscriptionPlanner } from './plan.ts';
import { sharedStreamFields } from './shared-stream.ts';

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
  /** Subscription fields declared `@sharedStream` (shared-stream.ts): one upstream for all their callers. */
  readonly sharedStreams: ReadonlySet<string>;
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
  // The gateway's SDL keeps `@sharedStream`: only the security features are taken out of it (gateway-sdl.ts).
  const sharedStreams = sharedStreamFields(parse(gatewaySdl));
  return { id, planner, requirements, sharedStreams, complete: eventCompleter(planner, dataSources) };
}
