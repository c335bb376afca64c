import { Kind, parse } from 'graphql';

/**
 * Which declared root field a subgraph fetch asks for, if it asks for exactly
 * one (docs/architecture.md §12, "Root fields"). The query planner writes one
 * fetch per subgraph for the root fields it resolves there: a fetch asking for
 * `products` alone can be kept whole under that field's generation, but a
 * fetch asking for two fields would hang on two generations, which a slot of
 * the store does not have, so it is not cached (it goes to the subgraph).
 */
export function rootFieldOf(query: string): string | undefined {
  const known = parsed.get(query);
  if (known !== undefined) return known || undefined;
  const field = singleRootField(query);
  // The planner's texts come from the caller's operations: only short ones are remembered, within a count, all
  // forgotten at once past it, so what callers send holds at most MAX_REMEMBERED_QUERIES × MAX_REMEMBERED_LENGTH characters.
  if (query.length > MAX_REMEMBERED_LENGTH) return field;
  if (parsed.size >= MAX_REMEMBERED_QUERIES) parsed.clear();
  parsed.set(query, field ?? '');
  return field;
}

export const MAX_REMEMBERED_QUERIES = 1_000;
export const MAX_REMEMBERED_LENGTH = 4_096;
const parsed = new Map<string, string>();

function singleRootField(query: string): string | undefined {
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return undefined;
  }
  if (document.definitions.length !== 1) return undefined;
  const [operation] = document.definitions;
  if (operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return undefined;
  const fields: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    // A fragment at the root could hide other fields: not cached.
    if (selection.kind !== Kind.FIELD) return undefined;
    if (selection.name.value !== '__typename') fields.push(selection.name.value);
  }
  return fields.length === 1 ? fields[0] : undefined;
}
