import { buildSchema, Kind, type OperationDefinitionNode, parse } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { measureOperation } from './operation-cost.ts';
import { limitsFor } from './operation-limits.ts';

const schema = buildSchema(`
  type Query { products(first: Int, last: Int): ProductConnection! categories: [Category!]! hello: String }
  type ProductConnection { edges: [ProductEdge!]! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! }
  type ProductEdge { node: Product! }
  type Product { id: ID! skus: [Sku!]! }
  type Sku { code: String! }
  type Category { id: ID! children: [Category!]! }
`);

const measure = (text: string, variables: Record<string, unknown> = {}) => {
  const document = parse(text);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return measureOperation(schema, document, operation, variables, { defaultListSize: 10 });
};

describe('the size of an operation', () => {
  it('counts depth and aliases, with fragments spread where they are used', () => {
    expect(measure('{ hello }')).toMatchObject({ depth: 1, aliases: 0, cost: 1 });
    expect(measure('{ a: hello b: hello ...F } fragment F on Query { c: hello categories { id } }')).toMatchObject({
      depth: 2,
      aliases: 3,
    });
  });

  it('multiplies a paged field by its first (a literal, a variable or its default) and not again for its edges', () => {
    // products 1 + 20 × (edges 1 + node 1 + id 1 + skus (1 + 10 × code 1)) = 1 + 20 × 14
    const query = 'query ($n: Int = 20) { products(first: $n) { edges { node { id skus { code } } } } }';
    expect(measure(query).cost).toBe(1 + 20 * 14);
    expect(measure(query, { n: 5 }).cost).toBe(1 + 5 * 14);
    expect(measure(query, { n: 5 }).largestPage).toEqual({ field: 'Query.products', size: 5 });
    // Without first, the default list size.
    expect(measure('{ products { edges { node { id } } } }').cost).toBe(1 + 10 * 3);
  });

  it('multiplies nested lists, and ignores introspection', () => {
    expect(measure('{ categories { children { id } } }').cost).toBe(1 + 10 * (1 + 10 * 1));
    expect(measure('{ __schema { types { fields { name } } } __typename }')).toMatchObject({ depth: 0, cost: 0 });
  });

  it('measures each fragment once, so fragments of fragments cannot make the walk explode', () => {
    const levels = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const started = Date.now();
    const size = measure(`{ ...F0 }\n${levels}\nfragment F30 on Query { hello }`);
    expect(size.cost).toBe(2 ** 30);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('the limits of a caller', () => {
  const settings = loadConfig({ MAX_QUERY_COST: '1000', PARTNER_QUERY_COST_LIMITS: 'key-big=90000' }).operationLimits;
  const partner = (id: string): Identity => ({ kind: 'partner', subject: id, scopes: [] });

  it('gives a partner key listed in PARTNER_QUERY_COST_LIMITS its own cost limit, and everybody else the default', () => {
    expect(limitsFor(settings, partner('key-big')).maxCost).toBe(90000);
    expect(limitsFor(settings, partner('key-other')).maxCost).toBe(1000);
    expect(limitsFor(settings, { kind: 'member', subject: 'key-big', scopes: [] }).maxCost).toBe(1000);
    expect(limitsFor(settings, partner('key-big'))).toMatchObject({ maxDepth: 12, maxAliases: 30, maxPageSize: 1000, defaultListSize: 10 });
  });

  it('puts the limit stored with the key before its PARTNER_QUERY_COST_LIMITS entry and MAX_QUERY_COST', () => {
    expect(limitsFor(settings, { ...partner('key-big'), keyLimits: { maxQueryCost: 7 } }).maxCost).toBe(7);
    expect(limitsFor(settings, { ...partner('key-other'), keyLimits: { maxQueryCost: 200_000 } }).maxCost).toBe(200_000);
    // A key with other limits of its own keeps the cost limit it had.
    expect(limitsFor(settings, { ...partner('key-big'), keyLimits: { requestsPerMinute: 5 } }).maxCost).toBe(90000);
    // Only partners have key limits; on anybody else they mean nothing.
    expect(limitsFor(settings, { kind: 'member', subject: 'm-1', scopes: [], keyLimits: { maxQueryCost: 7 } }).maxCost).toBe(1000);
  });
});
