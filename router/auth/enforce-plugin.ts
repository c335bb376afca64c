import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { RequirementMap } from '../../platform/auth/requirements.ts';
import { assertAllowed } from '../../platform/auth/schema-auth.ts';
import { selectedFieldCoordinates } from '../../platform/auth/selected-fields.ts';
import type { RouterContext } from '../context.ts';
import { perOperation } from '../operation-memo.ts';
import { conditionVariables } from '../operation-variables.ts';

/**
 * The HTTP answer to a refused operation. No data is produced, so it is a
 * request error with a 4xx status (GraphQL over HTTP); a 401 names the scheme
 * that would help, as RFC 9110 §11.6.1 asks.
 */
const HTTP_BY_CODE: Record<string, () => { status: number; headers?: HeaderMap }> = {
  UNAUTHENTICATED: () => ({ status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) }),
  FORBIDDEN: () => ({ status: 403 }),
};

/**
 * Authorization at the edge (docs/architecture.md §4): once the operation is parsed,
 * validated and chosen, every field it selects is checked against the
 * supergraph's `@authenticated` and `@requiresScopes`, and the whole operation
 * is refused if any is not allowed. This runs before execution, so a refused
 * operation never reaches a subgraph; the owning subgraph checks again anyway.
 *
 * The first field refused, in document order, names the rule and what the
 * caller holds (see `assertAllowed`).
 */
export function authEnforcementPlugin(
  /** The rules, or per API schema the rules of its supergraph (a hot reload keeps a request on the graph it was validated against). */
  requirements: RequirementMap | ((schema: GraphQLSchema) => RequirementMap),
): ApolloServerPlugin<RouterContext> {
  const rulesOf = typeof requirements === 'function' ? requirements : () => requirements;
  // The fields depend only on the operation and the variables of its @skip/@include, not on the caller: walked once per their values.
  const fieldsOf = perOperation(selectedFieldCoordinates, conditionVariables);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // No operation chosen (an unknown operationName): nothing will execute, and execution reports why.
          if (!operation) return;
          const rules = rulesOf(schema);
          for (const coordinate of fieldsOf(schema, document, operation, request.variables ?? {})) {
            const requirement = rules.get(coordinate);
            if (requirement) refuseUnlessAllowed(contextValue.identity, requirement, coordinate);
          }
        },
      };
    },
  };
}

function refuseUnlessAllowed(identity: Identity, requirement: Parameters<typeof assertAllowed>[1], coordinate: string): void {
  try {
    assertAllowed(identity, requirement, coordinate);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const http = HTTP_BY_CODE[String(error.extensions.code)]?.();
    // Apollo Server takes `extensions.http` as the response's status and headers, and removes it from the error the client sees.
    throw new GraphQLError(error.message, { extensions: { ...error.extensions, ...(http ? { http } : {}) } });
  }
}
