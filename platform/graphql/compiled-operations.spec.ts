import { buildSubgraphSchema } from '@apollo/subgraph';
import { getOperationAST, parse } from 'graphql';
import { compiledOperations, variableInScalarLiteral } from './compiled-operations.ts';

const schema = buildSubgraphSchema([
  {
    typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { page(first: Int!): Page! }
    type Page { total: Int!  items: [Item!]! }
    type Item @key(fields: "id") { id: ID! }
    type Mutation { touch: Int! }`),
    resolvers: {
      Query: { page: (_: unknown, args: { first: number }) => ({ total: async () => args.first, items: [{ id: 'a' }] }) },
      Mutation: { touch: () => 1 },
    } as never,
  },
]);

describe('compiled operations', () => {
  const compiled = compiledOperations(schema);
  const compile = (text: string, name?: string) => {
    const document = parse(text);
    return { document, operation: getOperationAST(document, name)! };
  };

  it('compiles a query, an entity fetch and a mutation once each, and runs the compiled query', async () => {
    const { document, operation } = compile('query P($n: Int!) { page(first: $n) { total items { id } } }');
    const query = compiled(document, operation);
    expect(query).not.toBeNull();
    expect(compiled(document, operation)).toBe(query);
    expect(await query!.query(undefined, {}, { n: 4 })).toEqual({ data: { page: { total: 4, items: [{ id: 'a' }] } } });
    const entities = compile('query E($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id } } }');
    expect(compiled(entities.document, entities.operation)).not.toBeNull();
    const mutation = compile('mutation { touch }');
    expect(await compiled(mutation.document, mutation.operation)!.query(undefined, {}, {})).toEqual({ data: { touch: 1 } });
  });

  it.each([
    [
      'an object a scalar receives',
      'query E($id: ID!) { _entities(representations: [{ __typename: "Item", id: $id }]) { __typename } }',
      true,
    ],
    [
      'a list a scalar receives',
      'query E($id: ID!) { _entities(representations: [{ __typename: "Item", ids: [$id] }]) { __typename } }',
      true,
    ],
    ['an input object', 'query P($n: Int!) { page(first: $n) { total } }', false],
    ['no literal', 'query E($r: [_Any!]!) { _entities(representations: $r) { __typename } }', false],
    ['a literal with no variable', '{ _entities(representations: [{ __typename: "Item", id: "1" }]) { __typename } }', false],
  ])('finds a variable inside %s: %s', (_label, text, inside) => {
    const document = parse(text);
    expect(variableInScalarLiteral(schema, document)).toBe(inside);
    expect(compiled(document, getOperationAST(document)!) === null).toBe(inside);
  });

  it('compiles each operation of a document by its own name', () => {
    const document = parse('query A { page(first: 1) { total } } query B { page(first: 2) { items { id } } }');
    const [a, b] = ['A', 'B'].map((name) => compiled(document, getOperationAST(document, name)!));
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(a).not.toBe(b);
  });

  it('answers variables that do not coerce with errors and no data, as graphql-js does (the direct path then leaves them to Apollo)', async () => {
    const { document, operation } = compile('query P($n: Int!) { page(first: $n) { total } }');
    const result = await compiled(document, operation)!.query(undefined, {}, { n: 'many' });
    expect(result).not.toHaveProperty('data');
    expect(result.errors?.[0]?.message).toMatch(/\$n/);
  });
});
