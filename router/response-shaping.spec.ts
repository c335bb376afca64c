import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  type Operation,
  operationFromDocument,
  type Schema,
  type SelectionSet,
  Supergraph,
  type Type,
} from '@apollo/federation-internals';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { mulberry32 } from '../bench/random.ts';
import { supergraphForGateway } from './auth/gateway-sdl.ts';
import { gatewayShaping } from './gateway-internals.ts';
import { shapeResponse } from './response-shaping.ts';
import { parseSupergraph, readSupergraph } from './supergraph.ts';

/**
 * The router's result shaping against @apollo/gateway's, which it replaces:
 * the same operation and the same subgraph data must give the same data (key
 * order included: it is the order a client reads) and the same errors. The
 * operations are every trusted document of the web client and every contract
 * operation, plus a few written for what those do not use (@skip/@include,
 * one response name selected twice, fragments). The data is generated from
 * each operation, seeded, and deliberately wrong in places: nulls where the
 * schema forbids them, values of the wrong kind, unknown `__typename`s,
 * missing keys.
 */
const root = join(import.meta.dirname, '..');
const apiSchema = Supergraph.build(supergraphForGateway(parseSupergraph(readSupergraph()))).apiSchema();

type Named = { name: string; text: string };

function documentsToCompare(): Named[] {
  const trusted = JSON.parse(readFileSync(join(root, 'schema', 'trusted-documents', 'web.json'), 'utf8')) as Record<string, string>;
  const contract = readdirSync(join(root, 'test', 'contract'))
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => readFileSync(join(root, 'test', 'contract', file), 'utf8'));
  const named: Named[] = [];
  for (const text of [...Object.values(trusted), ...contract, ...WRITTEN]) {
    for (const definition of parse(text).definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.operation !== 'subscription') {
        named.push({ name: (definition as OperationDefinitionNode).name?.value ?? 'anonymous', text });
      }
    }
  }
  return named;
}

const WRITTEN = [
  `query Conditional($withBrand: Boolean!, $skipSkus: Boolean = false) {
     products(first: 3) {
       edges { node { id brand @include(if: $withBrand) { id name } skus @skip(if: $skipSkus) { code } } }
     }
   }`,
  `query TwiceSelected {
     products(first: 2) {
       totalCount
       edges { node { id label: name brand { id } ... on Product { label: name brand { name } } ... { id skus { code } } } }
     }
   }`,
  `query Aliased { first: products(first: 1) { totalCount } again: products(first: 2) { totalCount pageInfo { hasNextPage } } }`,
  // Response names a plain object already has: the output must still hold them as keys.
  `query InheritedNames { constructor: products(first: 1) { toString: totalCount } __proto__: products(first: 2) { valueOf: totalCount } }`,
];

function operationOf(document: Named): Operation {
  return operationFromDocument(apiSchema, parse(document.text), {
    operationName: document.name === 'anonymous' ? undefined : document.name,
  });
}

/** Data shaped like what the subgraphs would send for `selectionSet`, wrong in about one value in twelve. */
function generator(seed: number) {
  const random = mulberry32(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  const leaf = (type: Type): unknown => {
    if (chance(0.04)) return pick([1.5, 'text', true, 7, 1e21, {}]);
    if (isCustomScalarType(type)) return pick(['2026-12-05T00:00:00Z', 12, { any: 'value' }]);
    if (isEnumType(type)) return chance(0.1) ? 'NOT_A_VALUE' : pick(type.values).name;
    switch (type.toString()) {
      case 'Int':
        return Math.floor(random() * 1000);
      case 'Float':
        return random() * 100;
      case 'Boolean':
        return chance(0.5);
      case 'ID':
        return chance(0.2) ? Math.floor(random() * 100) : `id-${Math.floor(random() * 100)}`;
      default:
        return `s${Math.floor(random() * 100)}`;
    }
  };

  const value = (type: Type, selectionSet: SelectionSet | undefined, depth: number): unknown => {
    if (isNonNullType(type)) return chance(0.03) ? null : value(type.ofType, selectionSet, depth);
    if (chance(0.08)) return null;
    if (isListType(type)) {
      const length = Math.floor(random() * (depth > 3 ? 2 : 4));
      return Array.from({ length }, () => value(type.ofType, selectionSet, depth + 1));
    }
    if (isCompositeType(type)) return object(type.name, selectionSet!, depth);
    return leaf(type);
  };

  const object = (typename: string, selectionSet: SelectionSet, depth: number): Record<string, unknown> => {
    const data: Record<string, unknown> = {};
    if (chance(0.9)) data.__typename = chance(0.03) ? pick(['NotAType', 'Query', 7]) : typename;
    fill(data, selectionSet, depth);
    return data;
  };

  const fill = (data: Record<string, unknown>, selectionSet: SelectionSet, depth: number) => {
    for (const selection of selectionSet.selections()) {
      if (selection.kind === 'FragmentSelection') {
        fill(data, selection.selectionSet, depth);
        continue;
      }
      const field = selection.element;
      const name = field.responseName();
      if (field.name === '__typename' || chance(0.03)) continue;
      const generated = value(field.definition.type!, selection.selectionSet, depth + 1);
      // A response name selected twice is one value in the subgraphs' data: the first one generated stays.
      if (!Object.hasOwn(data, name))
        Object.defineProperty(data, name, { value: generated, enumerable: true, writable: true, configurable: true });
    }
  };

  return { random, object };
}

function compare(schema: Schema, operation: Operation, input: Record<string, unknown>, variables: Record<string, unknown>) {
  const introspectionHandling = () => ({ introspected: true });
  // Data the gateway refuses (a __typename that is not a string) must be refused by both: the executor turns the throw into an error.
  const shape = (fn: (input: never) => unknown) => {
    let shaped: { data: unknown; errors: { message: string; extensions?: unknown; path?: unknown }[] };
    try {
      shaped = fn({ operation, variables, input: structuredClone(input), introspectionHandling } as never) as typeof shaped;
    } catch {
      return { threw: true };
    }
    const errors = shaped.errors.map((error) => ({ message: error.message, path: error.path, extensions: error.extensions }));
    return { data: JSON.stringify(shaped.data), errors };
  };
  expect(schema).toBe(operation.schema());
  return { ours: shape(shapeResponse as never), gateway: shape(gatewayShaping) };
}

describe("the router's result shaping", () => {
  const documents = documentsToCompare();

  it('has many operations to compare with', () => {
    expect(documents.length).toBeGreaterThan(60);
  });

  it.each(documents.map((document, index) => [document.name, index] as const))('gives what the gateway gives for %s', (_name, index) => {
    const operation = operationOf(documents[index]!);
    const rootType = apiSchema.schemaDefinition.rootType(operation.rootKind)!;
    const { random, object } = generator(20261205 + index);
    let withErrors = 0;
    for (let round = 0; round < 40; round++) {
      const input = object(rootType.name, operation.selectionSet, 0);
      const variables = { withBrand: random() < 0.5, skipSkus: random() < 0.5 };
      const { ours, gateway } = compare(apiSchema, operation, input, variables);
      expect(ours).toEqual(gateway);
      if (gateway.errors?.length) withErrors += 1;
    }
    // The generated data does reach the error paths (non-null violations, invalid values or typenames).
    expect(withErrors).toBeGreaterThan(0);
  });

  it('gives what the gateway gives for no data', () => {
    const operation = operationOf(documents[0]!);
    for (const input of [null, undefined]) {
      const args = { operation, variables: {}, input, introspectionHandling: () => null };
      expect(shapeResponse(args)).toEqual(gatewayShaping(args as never));
    }
  });
});
