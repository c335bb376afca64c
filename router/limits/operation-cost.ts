import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** How big an operation is, as the router's limits see it (operation-limits.ts). */
export type OperationSize = {
  /** Nesting of fields: `{ a }` is 1, `{ a { b } }` is 2. */
  depth: number;
  /** Fields given an alias, counted each time a fragment is spread. */
  aliases: number;
  /**
   * Every field costs 1, and a list multiplies what it selects: by its
   * `first`/`last` argument, or by the default list size when it has none.
   * The list directly under a paged field (a connection's `edges`, `nodes`)
   * is that page and does not multiply again.
   */
  cost: number;
  /** The largest `first`/`last` the operation asks for, and where. */
  largestPage: { field: string; size: number } | null;
};

export type CostOptions = {
  /** What a list without `first`/`last` counts as. */
  defaultListSize: number;
};

const NOTHING: OperationSize = { depth: 0, aliases: 0, cost: 0, largestPage: null };
const PAGE_ARGUMENTS = new Set(['first', 'last']);

/**
 * Measures one operation of a document. It runs before validation (the
 * validator itself is quadratic in repeated fields, so a bomb must be refused
 * before it), so it tolerates what validation would refuse: unknown fields
 * count 1, unknown fragments and fragment cycles count nothing. Each fragment
 * is measured once, so fragments spread inside fragments cannot make the walk
 * itself exponential. Introspection (`__schema`, `__type`) counts nothing
 * here: it never reaches a subgraph and graphql-js limits its depth itself.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  options: CostOptions,
): OperationSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const pageSizeOf = (value: ValueNode): number | null => {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind !== Kind.VARIABLE) return null;
    const given = variables[value.name.value];
    if (typeof given === 'number') return given;
    const fallback = given === undefined ? defaults.get(value.name.value) : undefined;
    return fallback?.kind === Kind.INT ? Number(fallback.value) : null;
  };

  const memo = new Map<string, OperationSize>();
  const inProgress = new Set<string>();

  const measureSet = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, underPage: boolean): OperationSize => {
    let size = NOTHING;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        size = sum(size, measureField(selection, parent, underPage));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        size = sum(size, measureSet(selection.selectionSet, type ?? undefined, underPage));
      } else {
        size = sum(size, measureFragment(selection.name.value, underPage));
      }
    }
    return size;
  };

  const measureFragment = (name: string, underPage: boolean): OperationSize => {
    const key = `${name}:${underPage}`;
    const known = memo.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return NOTHING;
    inProgress.add(name);
    const size = measureSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, underPage);
    inProgress.delete(name);
    memo.set(key, size);
    return size;
  };

  const measureField = (field: FieldNode, parent: GraphQLNamedType | undefined, underPage: boolean): OperationSize => {
    const name = field.name.value;
    const aliases = field.alias ? 1 : 0;
    if (name === '__schema' || name === '__type' || name === '__typename') return { ...NOTHING, aliases };
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    let page: number | null = null;
    for (const argument of field.arguments ?? []) {
      if (PAGE_ARGUMENTS.has(argument.name.value)) page = Math.max(page ?? 0, pageSizeOf(argument.value) ?? 0);
    }
    const paged = page !== null || (definition?.args.some((argument) => PAGE_ARGUMENTS.has(argument.name)) ?? false);
    const isList = definition ? isListType(getNullableType(definition.type)) : false;
    let multiplier = 1;
    if (paged) multiplier = page ?? options.defaultListSize;
    else if (isList && !underPage) multiplier = options.defaultListSize;
    const inner = field.selectionSet
      ? measureSet(field.selectionSet, definition ? getNamedType(definition.type) : undefined, paged)
      : NOTHING;
    const here = page !== null ? { field: `${parent?.name ?? '?'}.${name}`, size: page } : null;
    return {
      depth: 1 + inner.depth,
      aliases: aliases + inner.aliases,
      cost: 1 + multiplier * inner.cost,
      largestPage: larger(here, inner.largestPage),
    };
  };

  const root = schema.getRootType(operation.operation) ?? undefined;
  return measureSet(operation.selectionSet, root, false);
}

function sum(a: OperationSize, b: OperationSize): OperationSize {
  return {
    depth: Math.max(a.depth, b.depth),
    aliases: a.aliases + b.aliases,
    cost: a.cost + b.cost,
    largestPage: larger(a.largestPage, b.largestPage),
  };
}

function larger(a: OperationSize['largestPage'], b: OperationSize['largestPage']): OperationSize['largestPage'] {
  if (!a) return b;
  if (!b) return a;
  return b.size > a.size ? b : a;
}
