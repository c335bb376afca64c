import { parse } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import { ANONYMOUS } from '../../platform/auth/identity.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import { readSupergraph } from '../supergraph.ts';
import { cacheDeclarations, invalidatingEventTypes } from './declarations.ts';
import { type EntityCache, entityCache, type FetchAnswer } from './entity-cache.ts';
import { type EntityStore, entityStore } from './store.ts';

/** Root fields in the entity cache (docs/architecture.md §12, "Root fields"), over the memory store. */
const SUPERGRAPH = readSupergraph();
const declarations = cacheDeclarations(parse(SUPERGRAPH));
const LIST = 'query($search:String,$first:Int){products(filter:{search:$search},first:$first){totalCount edges{node{id name}}}}';
const DETAIL = 'query($id:ID!){product(id:$id){id name}}';
const alice: Identity = { kind: 'member', subject: 'alice', scopes: [] };
const bob: Identity = { kind: 'member', subject: 'bob', scopes: [] };
const event = (type: string, data: unknown = {}): DomainEvent => ({ id: type, type, source: 'test', key: null, occurredAt: '', data });

/** Catalogue standing in: each answer names the call that made it, so a kept answer is told from a fetched one. */
function catalogue(answer: (call: number, variables: Record<string, unknown> | undefined) => FetchAnswer = (call) => ({ data: { call } })) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    send: async (variables: Record<string, unknown> | undefined) => answer(++calls, variables),
  };
}

describe('root fields in the entity cache', () => {
  let store: EntityStore;
  let cache: EntityCache;
  beforeEach(() => {
    store = entityStore({ maxBytes: 1_000_000, ttlMs: 60_000 });
    cache = entityCache(declarations, store);
  });
  const read = (
    send: ReturnType<typeof catalogue>['send'],
    query: string,
    variables?: Record<string, unknown>,
    caller: Identity = ANONYMOUS,
  ) => cache.serve({ subgraph: 'catalogue', query, variables, caller }, send);

  it('reads the root fields catalogue declares, each dropped by whole event types', () => {
    const products = declarations.get('catalogue')!.get('Query.products')!;
    expect(products).toMatchObject({ rootField: 'products', private: false });
    expect([...products.invalidatedBy.keys()].sort()).toEqual(['BrandChanged', 'CategoryTreeChanged', 'ProductChanged']);
    expect(declarations.get('catalogue')!.get('Query.product')).toMatchObject({ rootField: 'product' });
    // Undeclared root fields are never cached.
    expect(declarations.get('catalogue')!.has('Query.sku')).toBe(false);
    expect(invalidatingEventTypes(declarations)).toEqual(expect.arrayContaining(['BrandChanged', 'ProductChanged']));
  });

  it('refuses a root declaration it cannot honour: a keyed event entry, or a subgraph that does not resolve the field', () => {
    const problems: string[] = [];
    const keyed = SUPERGRAPH.replace(
      'products(filter: ProductFilter, sort: ProductSort = NAME, first: Int, after: String): ProductConnection! @join__field(graph: CATALOGUE) @entityCache(subgraph: "catalogue", invalidatedBy: ["ProductChanged",',
      'products(filter: ProductFilter, sort: ProductSort = NAME, first: Int, after: String): ProductConnection! @join__field(graph: CATALOGUE) @entityCache(subgraph: "catalogue", invalidatedBy: ["ProductChanged:productId",',
    );
    const elsewhere = keyed.replace(
      'product(id: ID!): Product @join__field(graph: CATALOGUE) @entityCache(subgraph: "catalogue"',
      'product(id: ID!): Product @join__field(graph: CATALOGUE) @entityCache(subgraph: "stock"',
    );
    expect(elsewhere).not.toBe(keyed);
    const read = cacheDeclarations(parse(elsewhere), (problem) => problems.push(problem));
    expect(read.get('catalogue')!.has('Query.products')).toBe(false);
    expect(read.get('catalogue')!.has('Query.product')).toBe(false);
    expect(problems).toEqual([
      expect.stringContaining('Query.products ignored: a root field'),
      expect.stringContaining('Query.product for "stock" ignored'),
    ]);
  });

  it('answers a repeated fetch from the cache, keyed by the arguments and the selection', async () => {
    const subgraph = catalogue();
    expect(await read(subgraph.send, LIST, { search: 'pad', first: 2 })).toEqual({ data: { call: 1 } });
    // The same arguments in another order of keys are the same arguments.
    expect(await read(subgraph.send, LIST, { first: 2, search: 'pad' })).toEqual({ data: { call: 1 } });
    expect(await read(subgraph.send, LIST, { search: 'pad', first: 3 })).toEqual({ data: { call: 2 } });
    expect(await read(subgraph.send, LIST.replace('name', 'n:name'), { search: 'pad', first: 2 })).toEqual({ data: { call: 3 } });
    expect(cache.counts).toMatchObject({ rootHits: 1, rootMisses: 3, hits: 0, misses: 0 });
  });

  it('drops every answer of a field on an event it names, and nothing of fields or entities it does not', async () => {
    const subgraph = catalogue();
    await read(subgraph.send, LIST, { search: 'pad' });
    await read(subgraph.send, LIST, { search: 'disc' });
    await read(subgraph.send, DETAIL, { id: 'p1' });
    await cache.invalidate(event('SupplierChanged', { supplierId: 's' }));
    expect(await read(subgraph.send, LIST, { search: 'pad' })).toEqual({ data: { call: 1 } });
    await cache.invalidate(event('PriceChangedSomewhereElse'));
    expect(await cache.invalidate(event('ProductChanged', { productId: 'p9', skuCodes: [] }))).toBeGreaterThanOrEqual(3);
    expect(await read(subgraph.send, LIST, { search: 'pad' })).toEqual({ data: { call: 4 } });
    expect(await read(subgraph.send, LIST, { search: 'disc' })).toEqual({ data: { call: 5 } });
    expect(await read(subgraph.send, DETAIL, { id: 'p1' })).toEqual({ data: { call: 6 } });
  });

  it('does not keep an answer whose fetch an event overtook', async () => {
    let release: () => void = () => undefined;
    const slow = catalogue((call) => ({ data: { call } }));
    const raced = read(async (variables) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return slow.send(variables);
    }, LIST);
    await new Promise((resolve) => setImmediate(resolve));
    await cache.invalidate(event('ProductChanged', { productId: 'p1', skuCodes: [] }));
    release();
    expect(await raced).toEqual({ data: { call: 1 } });
    expect(await read(slow.send, LIST)).toEqual({ data: { call: 2 } });
  });

  it('shows a writer their write: answers fetched before it are not theirs', async () => {
    const subgraph = catalogue();
    await read(subgraph.send, LIST, {}, alice);
    await cache.wrote(alice);
    expect(await read(subgraph.send, LIST, {}, alice)).toEqual({ data: { call: 2 } });
    expect(await read(subgraph.send, LIST, {}, bob)).toEqual({ data: { call: 2 } });
  });

  it('keeps nothing that came with errors, nor a fetch of two root fields or of an undeclared one', async () => {
    const failing = catalogue((call) => ({ data: { call }, errors: [{ path: ['products'] }] }));
    await read(failing.send, LIST);
    await read(failing.send, LIST);
    expect(failing.calls).toBe(2);
    const subgraph = catalogue();
    const both = '{products(first:1){totalCount} product(id:"p1"){id}}';
    await read(subgraph.send, both);
    await read(subgraph.send, both);
    await read(subgraph.send, '{sku(code:"A"){name}}');
    await read(subgraph.send, '{sku(code:"A"){name}}');
    await read(subgraph.send, '{...on Query{products{totalCount}}}');
    await read(subgraph.send, '{...on Query{products{totalCount}}}');
    expect(subgraph.calls).toBe(6);
  });

  it('shares a public root answer only among callers of the same kind and scopes', async () => {
    const staffReader: Identity = { kind: 'staff', subject: 's1', scopes: ['catalogue:read'] };
    const otherStaff: Identity = { kind: 'staff', subject: 's2', scopes: ['catalogue:read'] };
    const subgraph = catalogue();
    expect(await read(subgraph.send, LIST, { search: 'x' }, staffReader)).toEqual({ data: { call: 1 } });
    expect(await read(subgraph.send, LIST, { search: 'x' }, otherStaff)).toEqual({ data: { call: 1 } });
    expect(await read(subgraph.send, LIST, { search: 'x' })).toEqual({ data: { call: 2 } });
    expect(await read(subgraph.send, LIST, { search: 'x' }, alice)).toEqual({ data: { call: 3 } });
    expect(await read(subgraph.send, LIST, { search: 'x' }, bob)).toEqual({ data: { call: 3 } });
  });

  it('keeps a private root field per caller, never for an anonymous one', async () => {
    const privately = cacheDeclarations(
      parse(
        SUPERGRAPH.replace(
          'product(id: ID!): Product @join__field(graph: CATALOGUE) @entityCache(subgraph: "catalogue",',
          'product(id: ID!): Product @join__field(graph: CATALOGUE) @entityCache(subgraph: "catalogue", private: true,',
        ),
      ),
    );
    expect(privately.get('catalogue')!.get('Query.product')).toMatchObject({ private: true });
    cache = entityCache(privately, store);
    const subgraph = catalogue((call, variables) => ({ data: { call, id: variables?.id } }));
    const [a, b] = await Promise.all([read(subgraph.send, DETAIL, { id: 'p1' }, alice), read(subgraph.send, DETAIL, { id: 'p1' }, bob)]);
    expect(new Set([a.data!.call, b.data!.call])).toEqual(new Set([1, 2]));
    expect(await read(subgraph.send, DETAIL, { id: 'p1' }, alice)).toEqual(a);
    expect(await read(subgraph.send, DETAIL, { id: 'p1' }, bob)).toEqual(b);
    await read(subgraph.send, DETAIL, { id: 'p1' });
    expect(await read(subgraph.send, DETAIL, { id: 'p1' })).toEqual({ data: { call: 4, id: 'p1' } });
  });

  it('keys a lookup by its one argument: an event naming that value drops its answers, and no other', async () => {
    const order = declarations.get('orders')!.get('Query.order')!;
    expect(order).toMatchObject({ rootField: 'order', keyArgument: 'id', private: true });
    expect(order.invalidatedBy.get('OrderPaid')).toEqual({ field: 'orderId' });
    const ORDER = 'query($id:ID!){order(id:$id){id status}}';
    let calls = 0;
    const orders = async (variables: Record<string, unknown> | undefined) => ({ data: { call: ++calls, id: variables?.id } });
    const readOrder = (query: string, variables: Record<string, unknown> | undefined, caller: Identity) =>
      cache.serve({ subgraph: 'orders', query, variables, caller }, orders);
    await readOrder(ORDER, { id: 'o1' }, alice);
    await readOrder(ORDER, { id: 'o2' }, alice);
    // The argument written in the fetch's text is the same key as one passed by variable.
    await readOrder('{order(id:"o1"){id status}}', undefined, alice);
    expect(calls).toBe(3);
    expect(await readOrder(ORDER, { id: 'o1' }, alice)).toEqual({ data: { call: 1, id: 'o1' } });
    // Another event type, or the same one naming another order, leaves o1's answers alone.
    await cache.invalidate(event('OrderPaid', { orderId: 'o9' }));
    await cache.invalidate(event('ProductChanged', { productId: 'o1', skuCodes: [] }));
    expect(await readOrder(ORDER, { id: 'o1' }, alice)).toEqual({ data: { call: 1, id: 'o1' } });
    await cache.invalidate(event('OrderPaid', { orderId: 'o1' }));
    expect(await readOrder(ORDER, { id: 'o1' }, alice)).toEqual({ data: { call: 4, id: 'o1' } });
    expect((await readOrder('{order(id:"o1"){id status}}', undefined, alice)).data).toMatchObject({ call: 5 });
    expect(await readOrder(ORDER, { id: 'o2' }, alice)).toEqual({ data: { call: 2, id: 'o2' } });
    // Private: another member's read is their own fetch; an anonymous one is never kept; a missing key is never kept.
    expect(await readOrder(ORDER, { id: 'o2' }, bob)).toEqual({ data: { call: 6, id: 'o2' } });
    await readOrder(ORDER, { id: 'o2' }, ANONYMOUS);
    await readOrder(ORDER, { id: 'o2' }, ANONYMOUS);
    await readOrder(ORDER, {}, alice);
    await readOrder(ORDER, {}, alice);
    expect(calls).toBe(10);
  });
});
