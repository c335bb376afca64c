import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationLimitSettings } from '../config.ts';
import type { RouterContext } from '../context.ts';
import { perOperation } from '../operation-memo.ts';
import { pageSizeVariables } from '../operation-variables.ts';
import { measureOperation } from './operation-cost.ts';
import { limitsFor, type OperationMeasure, operationLimitRefusal } from './operation-limits.ts';

/**
 * An operation's size depends on its text and the variables of its page sizes, not on the caller (whose limits differ):
 * measured once per their values, and shared with what else needs it (a partner key's usage counts its cost).
 */
export const rememberedMeasure = (settings: OperationLimitSettings): OperationMeasure =>
  perOperation(
    (schema, document, operation, variables) => measureOperation(schema, document, operation, variables, settings),
    pageSizeVariables,
  );

/**
 * Depth, alias, page-size and cost limits (operation-limits.ts) on every
 * operation the router serves over HTTP, checked once the operation is parsed,
 * validated and chosen, before it is planned: a refused one never reaches a
 * subgraph. It runs on every request, also when Apollo Server reuses a
 * document it validated before, since the limits depend on the caller and the
 * variables, not only on the text. (Validation itself stays cheap for large
 * documents: graphql-js compares repeated fields in linear time.)
 */
export function operationLimitsPlugin(
  settings: OperationLimitSettings,
  measure: OperationMeasure = rememberedMeasure(settings),
): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const limits = limitsFor(settings, contextValue.identity);
          const refusal = operationLimitRefusal(schema, document, [operation], request.variables ?? {}, limits, measure);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
