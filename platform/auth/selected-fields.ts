import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getDirectiveValues,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

type Directed = Parameters<typeof getDirectiveValues>[1];

/**
 * The coordinates (`Type.field`) of every field an operation selects, in
 * document order and without repeats: fragments are followed where they are
 * spread, and a selection that `@skip`/`@include` leaves out with the
 * request's variables is left out here too, since it will not be resolved.
 * Meta fields (`__typename`, introspection) and what they select are not listed.
 */
export function selectedFieldCoordinates(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Coerced as execution will coerce them, so a variable's default counts; if they do not
  // coerce, execution will refuse them anyway, and the raw values are the best guess meanwhile.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const conditions = coerced.coerced ?? variables;
  const coordinates = new Set<string>();
  const walked = new Set<string>();

  // Each fragment is walked once, with a TypeInfo that starts at its type condition.
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) => {
    const typeInfo = new TypeInfo(schema);
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          // Introspection (`__schema`, `__type`) and `__typename` describe the public schema: nothing to check inside.
          if (field.name.value.startsWith('__') || !isIncluded(field, conditions)) return false;
          const parent = typeInfo.getParentType();
          if (parent) coordinates.add(`${parent.name}.${field.name.value}`);
          return undefined;
        },
        InlineFragment(fragment) {
          return isIncluded(fragment, conditions) ? undefined : false;
        },
        FragmentSpread(spread) {
          if (!isIncluded(spread, conditions)) return false;
          const fragment = fragments.get(spread.name.value);
          if (fragment && !walked.has(fragment.name.value)) {
            walked.add(fragment.name.value);
            walk(fragment);
          }
          return undefined;
        },
      }),
    );
  };
  walk(operation);
  return [...coordinates];
}

function isIncluded(node: Directed, variables: Readonly<Record<string, unknown>>): boolean {
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  } catch {
    // Variables are validated later, at execution: until then, a condition
    // that cannot be read counts as included, so its fields are still checked.
    return true;
  }
}
