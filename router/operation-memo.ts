import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { BoundedMap } from '../platform/runtime/bounded-map.ts';
import { declaredVariablesJson, hashKey } from './merge-keys.ts';

/** Variable sets remembered per operation; past that its memory starts over (ids and search words vary without end). */
const MAX_VARIABLE_SETS = 64;

type Computation<T> = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
) => T;

/**
 * Remembers a result computed from one parsed operation, its schema and the
 * request's variables, for the checks every request makes before it is
 * planned (the fields it selects, its size and cost). Apollo Server keeps one
 * parsed document per query text, so the same page asked again finds its
 * operation object here and skips walking the document. Keys are weak: a
 * document or schema dropped (an evicted document, a hot reload) takes its
 * results with it. The results are shared between requests and must not be
 * changed by their users.
 */
export function perOperation<T>(compute: Computation<T>): Computation<T> {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, BoundedMap<string, T>>>();
  return (schema, document, operation, variables) => {
    let byOperation = bySchema.get(schema);
    if (!byOperation) {
      byOperation = new WeakMap();
      bySchema.set(schema, byOperation);
    }
    let byVariables = byOperation.get(operation);
    if (!byVariables) {
      byVariables = new BoundedMap(MAX_VARIABLE_SETS);
      byOperation.set(operation, byVariables);
    }
    const key = hashKey(declaredVariablesJson(operation, variables));
    const known = byVariables.get(key);
    if (known !== undefined) return known;
    const result = compute(schema, document, operation, variables);
    byVariables.set(key, result);
    return result;
  };
}
