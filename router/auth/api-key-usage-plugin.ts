import type { ApolloServerPlugin } from '@apollo/server';
import type { RouterContext } from '../context.ts';
import type { OperationMeasure } from '../limits/operation-limits.ts';

export type UsageOutcomes = { recordOutcome(id: string, outcome: { failed: boolean; cost: number }): void };

/**
 * A partner key's usage beyond its request count (api-keys.ts reports it):
 * whether each operation it sends over HTTP is answered with errors (refused
 * by a limit, invalid, or failing in part), and the cost of those it executes,
 * measured as the cost limit measures it (one shared, remembered measure: no
 * second walk of the document). A refused operation costs nothing. An answer
 * shared from an identical request in flight (request-merging.ts) never reaches
 * Apollo Server, so it counts as a request but not here.
 */
export function apiKeyUsagePlugin(usage: UsageOutcomes, measure: OperationMeasure): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ contextValue }) {
      const { identity } = contextValue;
      if (identity.kind !== 'partner' || !identity.subject) return;
      const keyId = identity.subject;
      let cost = 0;
      return {
        async executionDidStart({ schema, document, operation, request }) {
          cost = measure(schema, document, operation, request.variables ?? {}).cost;
        },
        async willSendResponse({ response }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          usage.recordOutcome(keyId, { failed: (result.errors?.length ?? 0) > 0, cost: Number.isFinite(cost) ? cost : 0 });
        },
      };
    },
  };
}
