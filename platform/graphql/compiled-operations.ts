import {
  BREAK,
  type DocumentNode,
  defaultFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
  getNullableType,
  isLeafType,
  isObjectType,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/**
 * Each operation of a subgraph's direct path (direct-execution.ts) compiled
 * once into a JavaScript function by graphql-jit, then run for every request
 * that sends the same document. graphql-js walks the document and the schema
 * afresh for each request; on the light catalogue page that walk was about a
 * sixth of the subgraphs' CPU, and with the compiled function the page costs
 * them about a tenth less CPU in all (bench/results/2026-12-05-compiled-execution.md).
 *
 * graphql-jit reads a field that has no resolver as a plain property: it
 * would neither call a function kept there nor wait for a promise, where
 * graphql-js does both (our connections' `totalCount` is such a function, so
 * its count runs only when asked for). So every field without a resolver is
 * given graphql-js's own default resolver first, which changes nothing for
 * graphql-js (it runs that same resolver for such fields) and makes both
 * executors answer alike.
 *
 * graphql-jit also leaves out a variable written inside a literal that a
 * scalar receives: in `_entities(representations: [{ __typename: "Member",
 * id: $id }])` the representation (`_Any` is a scalar) reaches the resolver
 * without its `id`. Routers send representations as one variable; a document
 * with such a literal is left to graphql-js, as is any operation graphql-jit
 * cannot compile (both remembered as null). Entries are keyed by the
 * operation's node, so they go when the document cache drops the document.
 */
export type CompiledOperations = (document: DocumentNode, operation: OperationDefinitionNode) => CompiledQuery | null;

export function compiledOperations(schema: GraphQLSchema): CompiledOperations {
  resolveEveryField(schema);
  const compiled = new WeakMap<OperationDefinitionNode, CompiledQuery | null>();
  return (document, operation) => {
    let query = compiled.get(operation);
    if (query === undefined) {
      const result = variableInScalarLiteral(schema, document) ? null : compileQuery(schema, document, operation.name?.value);
      query = result && isCompiledQuery(result) ? result : null;
      compiled.set(operation, query);
    }
    return query;
  };
}

function resolveEveryField(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) field.resolve ??= defaultFieldResolver;
  }
}

/** Whether a variable stands inside a list or object literal that a scalar receives (directly or further in). */
export function variableInScalarLiteral(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  const scalarReceives = (type: GraphQLInputType | null | undefined) => !type || isLeafType(getNullableType(type));
  const open: boolean[] = []; // for each literal being read: whether it is (inside) a scalar's
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      // Entering a list, TypeInfo already holds its items' type; the list's own type is the one before.
      ListValue: {
        enter: () => void open.push(open.at(-1) === true || scalarReceives(typeInfo.getParentInputType())),
        leave: () => void open.pop(),
      },
      ObjectValue: {
        enter: () => void open.push(open.at(-1) === true || scalarReceives(typeInfo.getInputType())),
        leave: () => void open.pop(),
      },
      Variable: () => {
        if (open.at(-1) !== true) return undefined;
        found = true;
        return BREAK;
      },
    }),
  );
  return found;
}
