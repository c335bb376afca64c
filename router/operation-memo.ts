import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { BoundedMap } from '../platform/runtime/bounded-map.ts';
import { declaredVariablesJson, hashKey } from './merge-keys.ts';
import type { VariablesRead } from './operation-variables.ts';

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
 *
 * `reads`, when given, names the variables the computation reads
 * (operation-variables.ts): only those are keyed, so one operation asked with
 * many variable sets (a catalogue search) computes once per value of those.
 */
export function perOperation<T>(compute: Computation<T>, reads?: VariablesRead): Computation<T> {
  const readBy = new WeakMap<OperationDefinitionNode, ReadonlySet<string>>();
  const keyOf = (document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>) => {
    if (!reads) return hashKey(declaredVariablesJson(operation, variables));
    let names = readBy.get(operation);
    if (!names) {
      names = reads(document, operation);
      readBy.set(operation, names);
    }
    if (names.size === 0) return '';
    const values = [...names].map((name) => (Object.hasOwn(variables, name) ? [name, variables[name]] : [name]));
    return hashKey(JSON.stringify(values));
  };
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
    const key = keyOf(document, operation, variables);
    const known = byVariables.get(key);
    if (known !== undefined) return known;
    const result = compute(schema, document, operation, variables);
    byVariables.set(key, result);
    return result;
  };
}
