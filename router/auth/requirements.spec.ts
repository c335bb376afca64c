import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { allOf, buildRequirementMap } from '../../platform/auth/requirements.ts';
import { parseSupergraph } from '../supergraph.ts';

function requirementsOf(subgraphSdl: string, imports = '"@key", "@authenticated", "@requiresScopes"') {
  const typeDefs = parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${imports}])\n${subgraphSdl}`);
  const result = composeServices([{ name: 'catalogue', url: 'http://catalogue.invalid/graphql', typeDefs }]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('; '));
  return buildRequirementMap(parseSupergraph(result.supergraphSdl));
}

describe('buildRequirementMap', () => {
  it('reads @requiresScopes and @authenticated on fields, keyed by coordinate', () => {
    const map = requirementsOf(`
      type Query { price: Int @requiresScopes(scopes: [["catalogue:read"], ["stock:read", "orders:read"]]) me: String @authenticated open: String }
    `);
    expect(map.get('Query.price')).toEqual({ authenticated: false, scopes: [['catalogue:read'], ['stock:read', 'orders:read']] });
    expect(map.get('Query.me')).toEqual({ authenticated: true, scopes: null });
  });

  it('leaves out fields that need nothing', () => {
    const map = requirementsOf('type Query { open: String other: Product } type Product { id: ID! }');
    expect([...map.keys()]).toEqual([]);
  });

  it('applies a type-level directive to every field of the type and to every field returning it', () => {
    const map = requirementsOf(`
      type Query { supplier: Supplier }
      type Supplier @requiresScopes(scopes: [["catalogue:read"]]) { id: ID! name: String }
    `);
    const readable = { authenticated: false, scopes: [['catalogue:read']] };
    expect(map.get('Query.supplier')).toEqual(readable);
    expect(map.get('Supplier.id')).toEqual(readable);
    expect(map.get('Supplier.name')).toEqual(readable);
  });

  it('applies a directive on a scalar or an enum to the fields returning it', () => {
    const map = requirementsOf(`
      scalar Cost @requiresScopes(scopes: [["stock:read"]])
      enum Margin @authenticated { LOW HIGH }
      type Query { product: Product }
      type Product { cost: Cost margin: [Margin!]! name: String }
    `);
    expect(map.get('Product.cost')).toEqual({ authenticated: false, scopes: [['stock:read']] });
    expect(map.get('Product.margin')).toEqual({ authenticated: true, scopes: null });
    expect(map.has('Product.name')).toBe(false);
  });

  it('requires both a field’s and its type’s scopes when both carry them', () => {
    const map = requirementsOf(`
      type Query { order: Order }
      type Order @requiresScopes(scopes: [["orders:read"]]) { id: ID! contact: String @requiresScopes(scopes: [["members:pii"]]) @authenticated }
    `);
    expect(map.get('Order.contact')).toEqual({ authenticated: true, scopes: [['members:pii', 'orders:read']] });
  });

  it('reads a directive that the subgraph imported under another name', () => {
    const map = requirementsOf('type Query { me: String @signedIn }', '"@key", { name: "@authenticated", as: "@signedIn" }');
    expect(map.get('Query.me')).toEqual({ authenticated: true, scopes: null });
  });

  it('carries an implementation’s requirement to its interface, as composition does', () => {
    const map = requirementsOf(`
      type Query { items: [Item!]! }
      interface Item { id: ID! }
      type OpenItem implements Item { id: ID! }
      type HiddenItem implements Item @authenticated { id: ID! }
    `);
    expect(map.get('Query.items')).toEqual({ authenticated: true, scopes: null });
    expect(map.get('Item.id')).toEqual({ authenticated: true, scopes: null });
    expect(map.has('OpenItem.id')).toBe(false);
  });
});

describe('allOf', () => {
  it('joins every alternative of one requirement with every alternative of the other', () => {
    expect(
      allOf([
        { authenticated: false, scopes: [['a'], ['b']] },
        { authenticated: false, scopes: [['c'], ['d']] },
      ]),
    ).toEqual({
      authenticated: false,
      scopes: [
        ['a', 'c'],
        ['a', 'd'],
        ['b', 'c'],
        ['b', 'd'],
      ],
    });
  });

  it('drops an alternative that contains another, and repeated scopes', () => {
    expect(
      allOf([
        { authenticated: false, scopes: [['a', 'b'], ['a']] },
        { authenticated: true, scopes: [['a']] },
      ]),
    ).toEqual({ authenticated: true, scopes: [['a']] });
  });

  it('is null when nothing is required', () => {
    expect(allOf([null, null])).toBeNull();
  });
});
