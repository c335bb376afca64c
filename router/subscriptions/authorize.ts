import { type DocumentNode, GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { RequirementMap } from '../../platform/auth/requirements.ts';
import { assertAllowed } from '../../platform/auth/schema-auth.ts';
import { selectedFieldCoordinates } from '../../platform/auth/selected-fields.ts';

/**
 * The same check the HTTP path makes before execution (enforce-plugin.ts):
 * every field the subscription selects against the supergraph's
 * `@authenticated` and `@requiresScopes`. Returns the refusal (FORBIDDEN or
 * UNAUTHENTICATED, naming the first field refused in document order), or null.
 * It runs at subscribe time, so a refused subscription never reaches a subgraph.
 * `checked` narrows it to some of the selected fields: a shared stream's
 * subscribe-time check is its root field only, the rest is refused per event
 * (field-filter.ts).
 */
export function subscriptionRefusal(
  requirements: RequirementMap,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  identity: Identity,
  checked: (coordinate: string) => boolean = () => true,
): GraphQLError | null {
  for (const coordinate of selectedFieldCoordinates(schema, document, operation, variables)) {
    if (!checked(coordinate)) continue;
    const requirement = requirements.get(coordinate);
    if (!requirement) continue;
    try {
      assertAllowed(identity, requirement, coordinate);
    } catch (error) {
      if (error instanceof GraphQLError) return error;
      throw error;
    }
  }
  return null;
}
