import { type DocumentNode, Kind, type OperationDefinitionNode, visit } from 'graphql';

/**
 * Which of an operation's variables a per-operation check reads
 * (operation-memo.ts): a result keyed by those alone is found again for every
 * request of the operation that differs only elsewhere (a search word, a
 * cursor), where a key of every variable would start its memory over once
 * callers sent more than a few dozen sets.
 *
 * Fragments are read wherever they are defined in the document, spread or not:
 * one more variable in the key costs only a less shared result, one fewer
 * would share a wrong one.
 */
export type VariablesRead = (document: DocumentNode, operation: OperationDefinitionNode) => ReadonlySet<string>;

/** Variables in `@skip(if:)` / `@include(if:)`: all that decides which fields an operation selects. */
export const conditionVariables: VariablesRead = (document) =>
  variablesWhere(document, (ancestors) => ancestors.some((node) => isNode(node) && node.kind === Kind.DIRECTIVE && isCondition(node)));

/** Variables given as a `first` / `last` argument: all that a page size, and with it an operation's cost, reads. */
export const pageSizeVariables: VariablesRead = (document) =>
  variablesWhere(document, (ancestors) => {
    const argument = ancestors.at(-1);
    const name = isNode(argument) && argument.kind === Kind.ARGUMENT ? argument.name?.value : undefined;
    return name === 'first' || name === 'last';
  });

type AnyNode = { kind: string; name?: { value: string } };
const isNode = (value: unknown): value is AnyNode & Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value;
const isCondition = (node: AnyNode) => node.name?.value === 'skip' || node.name?.value === 'include';

function variablesWhere(document: DocumentNode, read: (ancestors: readonly unknown[]) => boolean): ReadonlySet<string> {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    visit(definition, {
      // Declarations and defaults are not reads; a default shows in the value the request is keyed by anyway.
      VariableDefinition: () => false,
      Variable(node, _key, parent, _path, ancestors) {
        // `ancestors` leaves out the direct parent (an argument, for a variable given as one).
        if (read([...ancestors, parent])) names.add(node.name.value);
      },
    });
  }
  return names;
}
