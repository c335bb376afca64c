import {
  type CompositeType,
  type EnumType,
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
  typenameFieldName,
  Variable,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/**
 * The last step of a query: the subgraphs' merged data (`input`) cut down to
 * what the client's operation selected, in its order and under its aliases,
 * with each value checked against its type and nulls propagated as GraphQL
 * requires. It gives what @apollo/gateway's `computeResponse`
 * (dist/resultShaping.js) gives, data and errors alike, and stands in for it
 * (gateway-internals.ts) because that one was the router's largest allocator:
 * about 38% of all bytes allocated on the light catalogue page (a sampling
 * heap profile under the long-tail benchmark), from an argument object and a
 * result object per value and re-reading the operation's directives, types
 * and selections at every object of every list.
 *
 * Here the operation is compiled first, once per request (its size, not the
 * data's): @skip and @include decided with the request's variables, each
 * field's type unwrapped into plain steps, fragments' type conditions kept
 * with a small answer cache. The data is then walked with no allocation but
 * the output itself; a value's validity comes back in `flags`.
 */
export type ShapingInput = {
  operation: Operation;
  variables: Record<string, unknown> | undefined;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: never) => unknown;
};

type Leaf = 'custom' | 'boolean' | 'int' | 'id' | 'float' | 'string' | 'enum';
/** A field's type as steps: non-null and list wrappers outside in, then a leaf or a composite type. */
type Shape =
  | { kind: 'nonNull'; of: Shape; type: Type }
  | { kind: 'list'; of: Shape; type: Type }
  | { kind: 'composite'; type: CompositeType }
  | { kind: 'leaf'; leaf: Leaf; type: NamedType };
type Step =
  | { kind: 'field'; name: string; shape: Shape; selections: Step[] | null }
  | { kind: 'typename'; name: string }
  | { kind: 'introspection'; name: string; selection: unknown }
  | { kind: 'fragment'; condition: CompositeType | null; applies: Map<string, boolean>; selections: Step[] };

type Walk = { schema: Schema; errors: GraphQLError[]; path: (string | number)[]; flags: number; plainObjects: boolean };
const INVALID = 1;
const HAS_ERRORS = 2;

export function shapeResponse({ operation, variables, input, introspectionHandling }: ShapingInput): {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
} {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const values = { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>;
  const steps = compileSelections(schema, operation.selectionSet, values, introspectionHandling);
  const walk: Walk = { schema, errors: [], path: [], flags: 0, plainObjects: !someName(steps, (name) => name in Object.prototype) };
  const data = newObject(walk);
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
  const bubbled = applySteps(walk, steps, input, data, rootType);
  return { data: bubbled ? null : data, errors: walk.errors };
}

function compileSelections(
  schema: Schema,
  selectionSet: SelectionSet,
  variables: Record<string, unknown>,
  introspectionHandling: ShapingInput['introspectionHandling'],
): Step[] {
  const steps: Step[] = [];
  for (const selection of selectionSet.selections()) {
    if (skipped(schema, selection.element, variables)) continue;
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const name = field.responseName();
      if (field.definition.isSchemaIntrospectionField()) {
        steps.push({ kind: 'introspection', name, selection: introspectionHandling(selection as never) });
      } else if (field.name === typenameFieldName) {
        steps.push({ kind: 'typename', name });
      } else {
        const sub = selection.selectionSet ? compileSelections(schema, selection.selectionSet, variables, introspectionHandling) : null;
        steps.push({ kind: 'field', name, shape: shapeOf(schema, field.definition.type!), selections: sub });
      }
    } else {
      const condition = selection.element.typeCondition ?? null;
      const selections = compileSelections(schema, selection.selectionSet, variables, introspectionHandling);
      steps.push({ kind: 'fragment', condition, applies: new Map(), selections });
    }
  }
  return steps;
}

type Directed = { appliedDirectivesOf(definition: unknown): { arguments(): { if?: unknown } }[] };

function skipped(schema: Schema, element: Directed, variables: Record<string, unknown>): boolean {
  const skip = element.appliedDirectivesOf(schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(schema.includeDirective())[0];
  return Boolean((skip && conditionValue(skip, variables)) || (include && !conditionValue(include, variables)));
}

function conditionValue(directive: { arguments(): { if?: unknown } }, variables: Record<string, unknown>): boolean {
  const condition = directive.arguments().if;
  if (!(condition instanceof Variable)) return condition as boolean;
  const value = variables[condition.name];
  if (typeof value !== 'boolean') throw new Error(`Unexpected value ${value} for variable ${condition} of ${directive}`);
  return value;
}

function shapeOf(schema: Schema, type: Type): Shape {
  if (isNonNullType(type)) return { kind: 'nonNull', of: shapeOf(schema, type.ofType), type };
  if (isListType(type)) return { kind: 'list', of: shapeOf(schema, type.ofType), type };
  if (isCompositeType(type)) return { kind: 'composite', type };
  const named = type as NamedType;
  return { kind: 'leaf', leaf: leafOf(schema, named), type: named };
}

function leafOf(schema: Schema, type: NamedType): Leaf {
  if (isCustomScalarType(type)) return 'custom';
  if (isEnumType(type)) return 'enum';
  if (type === schema.booleanType()) return 'boolean';
  if (type === schema.intType()) return 'int';
  if (type === schema.idType()) return 'id';
  if (type === schema.floatType()) return 'float';
  return 'string';
}

/** The gateway's isValidLeafValue, decided by a precomputed kind (an integer is what prints without a dot or exponent). */
function validLeaf(leaf: Leaf, type: NamedType, value: unknown): boolean {
  switch (leaf) {
    case 'custom':
      return true;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return isPrintedInteger(value);
    case 'id':
      return typeof value === 'string' || isPrintedInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'enum':
      return typeof value === 'string' && (type as EnumType).value(value) !== undefined;
    default:
      return typeof value === 'string';
  }
}

const isPrintedInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e21;

/** Fills `output` from `input` by `steps`; true when a non-null violation must null the enclosing object. */
function applySteps(
  walk: Walk,
  steps: Step[],
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  parentType: CompositeType,
): boolean {
  for (const step of steps) {
    if (step.kind === 'fragment') {
      if (fragmentApplies(walk.schema, step, input[typenameFieldName], parentType)) {
        if (applySteps(walk, step.selections, input, output, step.condition ?? parentType)) return true;
      }
      continue;
    }
    const previous = output[step.name];
    if (step.kind === 'introspection') {
      if (previous === undefined) output[step.name] = step.selection;
      continue;
    }
    let value = Object.hasOwn(input, step.name) ? (input[step.name] ?? null) : null;
    if (step.kind === 'typename') {
      if (previous !== undefined) continue;
      if (value === null && step.name !== typenameFieldName) value = input[typenameFieldName] ?? null;
      const type = typeof value === 'string' ? (walk.schema.type(value) ?? parentType) : parentType;
      if (!isObjectType(type)) return true;
      output[step.name] = type.name;
      continue;
    }
    walk.path.push(step.name);
    output[step.name] = shapeValue(walk, previous, step.shape, value, step.selections, parentType);
    walk.path.pop();
    if (walk.flags & INVALID) return true;
  }
  return false;
}

function fragmentApplies(schema: Schema, step: Extract<Step, { kind: 'fragment' }>, typename: unknown, parentType: CompositeType): boolean {
  if (!step.condition) return true;
  if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${typename}`);
  const key = typename ? `t:${typename}` : `p:${parentType.name}`;
  let applies = step.applies.get(key);
  if (applies === undefined) {
    const type = typename ? schema.type(typename as string) : parentType;
    applies = Boolean(type) && isSubtype(step.condition, type as NamedType);
    step.applies.set(key, applies);
  }
  return applies;
}

/** One value by its shape; sets walk.flags to INVALID and/or HAS_ERRORS as the gateway's result fields. */
function shapeValue(
  walk: Walk,
  previous: unknown,
  shape: Shape,
  value: unknown,
  selections: Step[] | null,
  parentType: CompositeType,
): unknown {
  walk.flags = 0;
  if (previous === null || (previous !== undefined && !selections)) return previous;
  if (shape.kind === 'nonNull') {
    const shaped = shapeValue(walk, previous, shape.of, value, selections, parentType);
    if (shaped !== null) {
      walk.flags = 0;
      return shaped;
    }
    if (!(walk.flags & HAS_ERRORS)) {
      walk.errors.push(invalid(`Cannot return null for non-nullable ${describeLast(walk.path, shape.of.type, parentType)}.`, walk.path));
    }
    walk.flags = INVALID | HAS_ERRORS;
    return null;
  }
  if (value === null) return null;
  if (shape.kind === 'list') return shapeList(walk, previous, shape.of, value, selections, parentType);
  if (shape.kind === 'composite') return shapeObject(walk, previous, shape.type, value, selections, parentType);
  if (previous !== undefined) throw new Error(`Excepted output to be undefined but got ${shape.type} for type ${shape.type}`);
  if (validLeaf(shape.leaf, shape.type, value)) return value;
  walk.errors.push(invalid(`Invalid value found for ${describeLast(walk.path, shape.type, parentType)}.`, walk.path));
  walk.flags = HAS_ERRORS;
  return null;
}

function shapeList(
  walk: Walk,
  previous: unknown,
  of: Shape,
  value: unknown,
  selections: Step[] | null,
  parentType: CompositeType,
): unknown {
  if (!Array.isArray(value)) throw new Error(`Invalid non-list value ${value} returned by subgraph for list type ${of.type}`);
  if (previous !== undefined && (!Array.isArray(previous) || previous.length !== value.length)) {
    throw new Error(`a list's merged value and its subgraph value differ in length at ${walk.path.join('.')}`);
  }
  const shaped = new Array<unknown>(value.length);
  let nullify = false;
  let hasErrors = false;
  for (let index = 0; index < value.length; index++) {
    walk.path.push(index);
    shaped[index] = shapeValue(
      walk,
      previous === undefined ? undefined : (previous as unknown[])[index],
      of,
      value[index],
      selections,
      parentType,
    );
    walk.path.pop();
    if (walk.flags & INVALID) nullify = true;
    if (walk.flags & HAS_ERRORS) hasErrors = true;
  }
  walk.flags = hasErrors ? HAS_ERRORS : 0;
  return nullify ? null : shaped;
}

function shapeObject(
  walk: Walk,
  previous: unknown,
  type: CompositeType,
  value: unknown,
  selections: Step[] | null,
  parentType: CompositeType,
): unknown {
  if (!selections) throw new Error(`Invalid empty selection set for composite type ${type}`);
  if (typeof value !== 'object') throw new Error(`Invalid non-object value ${value} returned by subgraph for composite type ${type}`);
  const object = value as Record<string, unknown>;
  const typename = object[typenameFieldName];
  if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${typename} for __typename`);
  let objectType = type;
  if (typename) {
    const named = walk.schema.type(typename);
    if (!named || !isCompositeType(named)) {
      walk.errors.push(invalid(`Invalid __typename found for object at ${describeLast(walk.path, type, parentType)}.`, walk.path));
      walk.flags = HAS_ERRORS;
      return null;
    }
    objectType = named;
  }
  const output = previous === undefined ? newObject(walk) : (previous as Record<string, unknown>);
  const bubbled = applySteps(walk, selections, object, output, objectType);
  walk.flags = bubbled ? HAS_ERRORS : 0;
  return bubbled ? null : output;
}

/**
 * An object of the output. V8 keeps an object made by `Object.create(null)` as
 * a hash table: slower to fill, larger to keep, and serialized by
 * JSON.stringify's slow path, which was about an eighth of the router's CPU on
 * the heavy workload (bench/results/2026-12-05-plain-objects.md). So the
 * output is made of plain objects, unless the operation has a response name
 * that Object.prototype already has (an alias may be `constructor` or
 * `__proto__`): reading it would find the inherited value, and assigning
 * `__proto__` would set the prototype rather than a key.
 */
function newObject(walk: Walk): Record<string, unknown> {
  return walk.plainObjects ? {} : (Object.create(null) as Record<string, unknown>);
}

function someName(steps: Step[], test: (name: string) => boolean): boolean {
  return steps.some((step) =>
    step.kind === 'fragment'
      ? someName(step.selections, test)
      : test(step.name) || (step.kind === 'field' && step.selections !== null && someName(step.selections, test)),
  );
}

function describeLast(path: readonly (string | number)[], type: Type, parentType: CompositeType): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `field ${parentType}.${last}` : `array element of type ${type} at index ${last}`;
}

const invalid = (message: string, path: readonly (string | number)[]) => ERRORS.INVALID_GRAPHQL.err(message, { path: [...path] });
