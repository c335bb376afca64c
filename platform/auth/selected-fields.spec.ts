import { buildSchema, type OperationDefinitionNode, parse } from 'graphql';
import { selectedFieldCoordinates } from './selected-fields.ts';

const schema = buildSchema(`
  type Query { product(id: ID!): Product search: [Result!]! }
  type Product { id: ID! name: String cost: Int supplier: Supplier }
  type Supplier { name: String email: String }
  type Brand { name: String }
  union Result = Product | Brand
`);

function coordinates(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition') as OperationDefinitionNode;
  return selectedFieldCoordinates(schema, document, operation, variables);
}

describe('selectedFieldCoordinates', () => {
  it('lists every selected field as Type.field, nested ones included, once each', () => {
    expect(coordinates('{ product(id: "1") { id name supplier { name } } again: product(id: "2") { id } }')).toEqual([
      'Query.product',
      'Product.id',
      'Product.name',
      'Product.supplier',
      'Supplier.name',
    ]);
  });

  it('follows fragment spreads, nested ones too, on the fragment’s own type', () => {
    const source = `
      query { product(id: "1") { ...Card } }
      fragment Card on Product { name supplier { ...Contact } }
      fragment Contact on Supplier { email }
    `;
    expect(coordinates(source)).toEqual(['Query.product', 'Product.name', 'Product.supplier', 'Supplier.email']);
  });

  it('follows inline fragments on the members of a union', () => {
    expect(coordinates('{ search { __typename ... on Product { cost } ... on Brand { name } } }')).toEqual([
      'Query.search',
      'Product.cost',
      'Brand.name',
    ]);
  });

  it('leaves out what @skip or @include leaves out with the request’s variables', () => {
    const source = `query ($full: Boolean!) {
      product(id: "1") { id cost @include(if: $full) ... on Product @skip(if: $full) { name } ...S @include(if: $full) }
    }
    fragment S on Product { supplier { email } }`;
    expect(coordinates(source, { full: false })).toEqual(['Query.product', 'Product.id', 'Product.name']);
    expect(coordinates(source, { full: true })).toEqual([
      'Query.product',
      'Product.id',
      'Product.cost',
      'Product.supplier',
      'Supplier.email',
    ]);
  });

  it('reads a condition from the default value of its variable', () => {
    expect(coordinates('query ($full: Boolean = false) { product(id: "1") { cost @include(if: $full) } }')).toEqual(['Query.product']);
  });

  it('keeps a conditional field whose condition cannot be read yet, so it is still checked', () => {
    expect(coordinates('query ($full: Boolean!) { product(id: "1") { cost @include(if: $full) } }')).toEqual([
      'Query.product',
      'Product.cost',
    ]);
  });

  it('leaves out meta fields', () => {
    expect(coordinates('{ __typename __schema { queryType { name } } }')).toEqual([]);
  });
});
