import {
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  GraphQLError,
  GraphQLIncludeDirective,
  type GraphQLOutputType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { RequirementMap } from '../../platform/auth/requirements.ts';
import { assertAllowed } from '../../platform/auth/schema-auth.ts';

/** Turns the event as the router completed it into what one subscriber may receive. */
export type FieldFilter = (result: ExecutionResult) => ExecutionResult;

/** What a subscriber must not receive at one response key, and what it selects below it. */
type Refusals = Map<string, { refusal: GraphQLError | null; type: GraphQLOutputType; below: Refusals }>;

export type FieldFilterInput = {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Coerced, as execution saw them (for `@skip`/`@include`). */
  variables: Readonly<Record<string, unknown>>;
  requirements: RequirementMap;
  identity: Identity;
};

/**
 * Per subscriber of a shared stream: every field of the event whose
 * `@requiresScopes`/`@authenticated` (the requirement map, by the field's
 * coordinate) the subscriber does not meet becomes null, with the error the
 * HTTP path would give (FORBIDDEN or UNAUTHENTICATED) at that field's `path`.
 * A refused non-null field nulls its parent, as execution would. A subscriber
 * who may see everything gets the event as it is, not a copy.
 *
 * The event is filtered once per identity shape (kind and scopes: all the
 * decision and its messages depend on), not once per subscriber: subscribers
 * of one group receive the same result object, and its filtered copies are
 * remembered by it for as long as it lives.
 *
 * Under an abstract type the runtime type is not known here, so a field
 * refused on any type it is selected on is refused: never more is shown.
 */
export function fieldFilterFor(input: FieldFilterInput): FieldFilter {
  const operationType = input.schema.getRootType(input.operation.operation);
  if (!operationType) return passThrough;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of input.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const refusals = refusalsOf(input, fragments, input.operation.selectionSet, operationType.name);
  if (refusals.size === 0) return passThrough;
  const shape = `${input.identity.kind}:${[...input.identity.scopes].sort().join(' ')}`;
  return (result) => {
    if (!result.data) return result;
    let byShape = filtered.get(result);
    if (!byShape) {
      byShape = new Map();
      filtered.set(result, byShape);
    }
    const known = byShape.get(shape);
    if (known) return known;
    const errors: GraphQLError[] = [];
    const data = withoutRefused(result.data, refusals, [], errors);
    const filteredResult: ExecutionResult = { ...result, data, errors: [...(result.errors ?? []), ...errors] };
    byShape.set(shape, filteredResult);
    return filteredResult;
  };
}

const passThrough: FieldFilter = (result) => result;
/** Each event's copies per identity shape; forgotten with the event. */
const filtered = new WeakMap<ExecutionResult, Map<string, ExecutionResult>>();

function refusalsOf(
  input: FieldFilterInput,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  parentTypeName: string,
  into: Refusals = new Map(),
  spread: ReadonlySet<string> = new Set(),
): Refusals {
  const parentType = input.schema.getType(parentTypeName);
  for (const selection of selectionSet.selections) {
    if (!isIncluded(selection, input.variables)) continue;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const typeName = selection.typeCondition?.name.value ?? parentTypeName;
      refusalsOf(input, fragments, selection.selectionSet, typeName, into, spread);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value);
      // Validation refuses cycles; the guard keeps a bad document from looping here anyway.
      if (!fragment || spread.has(fragment.name.value)) continue;
      const next = new Set([...spread, fragment.name.value]);
      refusalsOf(input, fragments, fragment.selectionSet, fragment.typeCondition.name.value, into, next);
      continue;
    }
    const name = selection.name.value;
    if (name.startsWith('__') || !(isObjectType(parentType) || isInterfaceType(parentType))) continue;
    const field = parentType.getFields()[name];
    if (!field) continue;
    const key = selection.alias?.value ?? name;
    const coordinate = `${parentType.name}.${name}`;
    const entry = into.get(key) ?? { refusal: null, type: field.type, below: new Map() };
    entry.refusal ??= refusalOf(input.requirements, input.identity, coordinate);
    const named = getNamedType(field.type);
    if (selection.selectionSet && isCompositeType(named)) {
      refusalsOf(input, fragments, selection.selectionSet, named.name, entry.below, spread);
    }
    if (entry.refusal || entry.below.size > 0) into.set(key, entry);
  }
  return into;
}

function refusalOf(requirements: RequirementMap, identity: Identity, coordinate: string): GraphQLError | null {
  const requirement = requirements.get(coordinate);
  if (!requirement) return null;
  try {
    assertAllowed(identity, requirement, coordinate);
    return null;
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}

type Path = readonly (string | number)[];

/** The object without what `refusals` names, or null when a refused field (or one nulled below) may not be null. */
function withoutRefused(
  object: Record<string, unknown>,
  refusals: Refusals,
  path: Path,
  errors: GraphQLError[],
): Record<string, unknown> | null {
  const copy = { ...object };
  for (const [key, { refusal, type, below }] of refusals) {
    if (!(key in object) || object[key] === null) continue;
    const at = [...path, key];
    let value: unknown;
    if (refusal) {
      errors.push(new GraphQLError(refusal.message, { path: at, extensions: refusal.extensions }));
      value = null;
    } else {
      value = filterValue(object[key], getNullableType(type), below, at, errors);
    }
    if (value === null && isNonNullType(type)) return null;
    copy[key] = value;
  }
  return copy;
}

function filterValue(value: unknown, type: GraphQLOutputType, below: Refusals, path: Path, errors: GraphQLError[]): unknown {
  if (value === null || value === undefined) return value;
  if (isListType(type) && Array.isArray(value)) {
    const itemType = type.ofType as GraphQLOutputType;
    const items = value.map((item, index) => filterValue(item, getNullableType(itemType), below, [...path, index], errors));
    const lostNonNull = items.some((item, index) => item === null && value[index] !== null && isNonNullType(itemType));
    return lostNonNull ? null : items;
  }
  if (typeof value === 'object') return withoutRefused(value as Record<string, unknown>, below, path, errors);
  return value;
}

function isIncluded(node: Parameters<typeof getDirectiveValues>[1], variables: Readonly<Record<string, unknown>>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}
