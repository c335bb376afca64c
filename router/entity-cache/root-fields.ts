import { Kind, parse, type ValueNode, valueFromASTUntyped } from 'graphql';

/**
 * The one root field a subgraph fetch asks for, and where its arguments come
 * from: a variable of the fetch (by name) or a value written in its text.
 */
export type RootFetch = { field: string; arguments: ReadonlyMap<string, { variable: string } | { value: unknown }> };

/**
 * Which declared root field a subgraph fetch asks for, if it asks for exactly
 * one (docs/architecture.md §12, "Root fields"). The query planner writes one
 * fetch per subgraph for the root fields it resolves there: a fetch asking for
 * `products` alone can be kept whole under that field's generation, but a
 * fetch asking for two fields would hang on two generations, which a slot of
 * the store does not have, so it is not cached (it goes to the subgraph).
 */
export function rootFetchOf(query: string): RootFetch | undefined {
  const known = parsed.get(query);
  if (known !== undefined) return known ?? undefined;
  const root = singleRootField(query);
  // The planner's texts come from the caller's operations: only short ones are remembered, within a count, all
  // forgotten at once past it, so what callers send holds at most MAX_REMEMBERED_QUERIES × MAX_REMEMBERED_LENGTH characters.
  if (query.length > MAX_REMEMBERED_LENGTH) return root;
  if (parsed.size >= MAX_REMEMBERED_QUERIES) parsed.clear();
  parsed.set(query, root ?? null);
  return root;
}

/** The value a fetch passes to its root field's argument `name`, by variable or written in the text. */
export function argumentValue(root: RootFetch, name: string, variables: Record<string, unknown> | undefined): unknown {
  const source = root.arguments.get(name);
  if (!source) return undefined;
  return 'variable' in source ? variables?.[source.variable] : source.value;
}

export const MAX_REMEMBERED_QUERIES = 1_000;
export const MAX_REMEMBERED_LENGTH = 4_096;
const parsed = new Map<string, RootFetch | null>();

function singleRootField(query: string): RootFetch | undefined {
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return undefined;
  }
  if (document.definitions.length !== 1) return undefined;
  const [operation] = document.definitions;
  if (operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return undefined;
  const fields: RootFetch[] = [];
  for (const selection of operation.selectionSet.selections) {
    // A fragment at the root could hide other fields: not cached.
    if (selection.kind !== Kind.FIELD) return undefined;
    if (selection.name.value === '__typename') continue;
    const args = new Map<string, { variable: string } | { value: unknown }>();
    for (const argument of selection.arguments ?? []) args.set(argument.name.value, sourceOf(argument.value));
    fields.push({ field: selection.name.value, arguments: args });
  }
  return fields.length === 1 ? fields[0] : undefined;
}

function sourceOf(value: ValueNode): { variable: string } | { value: unknown } {
  return value.kind === Kind.VARIABLE ? { variable: value.name.value } : { value: valueFromASTUntyped(value) };
}
