import { parse } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import { ANONYMOUS } from '../../platform/auth/identity.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import { readSupergraph } from '../supergraph.ts';
import { cacheDeclarations, invalidatingEventTypes } from './declarations.ts';
import { type EntityCache, entityCache, type FetchAnswer } from './entity-cache.ts';
import { ENTRY_OVERHEAD_BYTES, type EntityStore, entityStore } from './store.ts';

const declarations = cacheDeclarations(parse(readSupergraph()));
const SKU_QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Sku{name price{amount}}}}';
const MEMBER_QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Member{orders{totalCount}}}}';
const alice: Identity = { kind: 'member', subject: 'alice', scopes: [] };
const bob: Identity = { kind: 'member', subject: 'bob', scopes: [] };

const sku = (code: string) => ({ __typename: 'Sku', code });
const event = (type: string, data: unknown): DomainEvent => ({ id: type, type, source: 'test', key: null, occurredAt: '', data });

/** A subgraph standing in for catalogue or orders: answers each representation with what `answer` says, and records what it was asked. */
function subgraph(answer: (representation: Record<string, unknown>) => unknown = (r) => ({ name: `name of ${String(r.code ?? r.id)}` })) {
  const asked: unknown[][] = [];
  return {
    asked,
    send: async (variables: Record<string, unknown> | undefined): Promise<FetchAnswer> => {
      const representations = variables?.representations as Record<string, unknown>[];
      asked.push(representations);
      return { data: { _entities: representations.map(answer) } };
    },
  };
}

describe('the entity cache', () => {
  let store: EntityStore;
  let cache: EntityCache;
  let clock: number;
  beforeEach(() => {
    clock = 0;
    store = entityStore({ maxBytes: 1_000_000, ttlMs: 60_000, now: () => clock });
    cache = entityCache(declarations, store);
  });
  const read = (send: ReturnType<typeof subgraph>['send'], representations: unknown[], caller: Identity = ANONYMOUS, query = SKU_QUERY) =>
    cache.serve({ subgraph: 'catalogue', query, variables: { representations }, caller }, send);

  it('reads the declarations composition carries: catalogue entities public, orders’ Member, payments’ and invoices’ Order private, stock’s part of Sku public', () => {
    expect([...declarations.get('catalogue')!.keys()].sort()).toEqual([
      'Brand',
      'Category',
      'Product',
      'Query.product',
      'Query.products',
      'Sku',
    ]);
    expect(declarations.get('catalogue')!.get('Sku')).toMatchObject({ keyField: 'code', private: false });
    expect(declarations.get('orders')!.get('Member')).toMatchObject({ keyField: 'id', private: true });
    expect([...declarations.get('stock')!.keys()]).toEqual(['Sku']);
    expect(declarations.get('stock')!.get('Sku')).toMatchObject({ keyField: 'code', private: false });
    // Payments' and invoices' part of an Order, each per caller; members declares nothing.
    expect([...declarations.get('payments')!.keys()]).toEqual(['Order']);
    expect(declarations.get('payments')!.get('Order')).toMatchObject({ keyField: 'id', private: true });
    expect([...declarations.get('invoices')!.keys()]).toEqual(['Order']);
    expect(declarations.get('invoices')!.get('Order')).toMatchObject({ keyField: 'id', private: true });
    expect(declarations.get('members')).toBeUndefined();
    expect(invalidatingEventTypes(declarations)).toEqual(
      expect.arrayContaining([
        'ProductChanged',
        'CategoryTreeChanged',
        'OrderPlaced',
        'PaymentCreated',
        'RefundRequested',
        'InvoiceRequested',
      ]),
    );
  });

  it('fetches only the representations it does not hold, and answers in the order asked', async () => {
    const catalogue = subgraph();
    await read(catalogue.send, [sku('A'), sku('C')]);
    const answer = await read(catalogue.send, [sku('A'), sku('B'), sku('C'), sku('D')]);
    expect(catalogue.asked).toEqual([
      [sku('A'), sku('C')],
      [sku('B'), sku('D')],
    ]);
    expect(answer.data!._entities).toEqual(['A', 'B', 'C', 'D'].map((code) => ({ name: `name of ${code}` })));
    const again = await read(catalogue.send, [sku('D'), sku('A')]);
    expect(catalogue.asked).toHaveLength(2);
    expect(again.data!._entities).toEqual([{ name: 'name of D' }, { name: 'name of A' }]);
    expect(cache.counts).toMatchObject({ hits: 4, misses: 4 });
  });

  it('asks for the primary only for answers it will keep: a replica behind an event would refill the old data', async () => {
    const keeping: (boolean | undefined)[] = [];
    const catalogue = subgraph();
    const send = (variables: Record<string, unknown> | undefined, keep?: boolean) => {
      keeping.push(keep);
      return catalogue.send(variables);
    };
    await read(send, [sku('A')]);
    await read(send, [sku('A')]);
    // Not a declared type: passed through, read wherever the subgraph reads.
    await cache.serve({ subgraph: 'invoices', query: SKU_QUERY, variables: { representations: [sku('A')] }, caller: ANONYMOUS }, send);
    expect(keeping).toEqual([true, undefined]);
  });

  it('keys answers by the selection: another query text is another entry', async () => {
    const catalogue = subgraph();
    await read(catalogue.send, [sku('A')]);
    await read(catalogue.send, [sku('A')], ANONYMOUS, SKU_QUERY.replace('name', 'n:name'));
    expect(catalogue.asked).toHaveLength(2);
  });

  it('keeps no answer that came with errors, and puts the errors at the indexes asked for', async () => {
    const send = async (variables: Record<string, unknown> | undefined): Promise<FetchAnswer> => ({
      data: { _entities: (variables!.representations as unknown[]).map(() => null) },
      errors: [{ path: ['_entities', 0, 'name'] }],
    });
    const catalogue = subgraph();
    await read(catalogue.send, [sku('A')]);
    const answer = await read(send, [sku('A'), sku('B')]);
    expect(answer.errors).toEqual([{ path: ['_entities', 1, 'name'] }]);
    expect(answer.data!._entities).toEqual([{ name: 'name of A' }, null]);
    await read(catalogue.send, [sku('B')]);
    expect(catalogue.asked).toEqual([[sku('A')], [sku('B')]]);
  });

  it('serves a private answer to its own caller only, and keeps none for anonymous callers', async () => {
    const orders = subgraph((r) => ({ orders: { totalCount: r.id === 'alice' ? 2 : 5 } }));
    const member = (id: string) => ({ __typename: 'Member', id });
    const readMember = (caller: Identity, id: string) =>
      cache.serve({ subgraph: 'orders', query: MEMBER_QUERY, variables: { representations: [member(id)] }, caller }, orders.send);
    await readMember(alice, 'alice');
    await readMember(bob, 'alice');
    await readMember(ANONYMOUS, 'alice');
    await readMember(ANONYMOUS, 'alice');
    expect(orders.asked).toHaveLength(4);
    await readMember(alice, 'alice');
    expect(orders.asked).toHaveLength(4);
    await cache.invalidate(event('OrderPaid', { memberId: 'alice' }));
    await readMember(alice, 'alice');
    expect(orders.asked).toHaveLength(5);
  });

  it('drops exactly the entities an event names, and every answer of a type for an event declared without a field', async () => {
    const catalogue = subgraph();
    await read(catalogue.send, [sku('A'), sku('B'), sku('C')]);
    expect(await cache.invalidate(event('ProductChanged', { productId: 'p1', skuCodes: ['A', 'C'] }))).toBe(2);
    expect(await cache.invalidate(event('BrandChanged', { brandId: 'A' }))).toBe(0);
    await read(catalogue.send, [sku('A'), sku('B'), sku('C')]);
    expect(catalogue.asked[1]).toEqual([sku('A'), sku('C')]);
    expect(await cache.invalidate(event('CategoryTreeChanged', { categoryId: 'x', parentId: null }))).toBe(3);
    expect(store.entries).toBe(0);
    expect(cache.counts.evictionsByEvent.get('ProductChanged')).toBe(2);
  });

  it('does not keep an answer whose fetch was in flight when an event named it', async () => {
    let release!: () => void;
    const slow = async (variables: Record<string, unknown> | undefined): Promise<FetchAnswer> => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { data: { _entities: (variables!.representations as unknown[]).map(() => ({ name: 'old' })) } };
    };
    const reading = read(slow, [sku('A')]);
    // The fetch has started (its lookup is done) when the event arrives.
    await new Promise((resolve) => setImmediate(resolve));
    expect(release).toBeDefined();
    await cache.invalidate(event('ProductChanged', { productId: 'p1', skuCodes: ['A'] }));
    release();
    expect((await reading).data!._entities).toEqual([{ name: 'old' }]);
    expect(store.entries).toBe(0);
  });

  it('lets a writer read past answers fetched before their write, while others still get them', async () => {
    const catalogue = subgraph();
    await read(catalogue.send, [sku('A')], alice);
    await cache.wrote(alice);
    await read(catalogue.send, [sku('A')], bob);
    expect(catalogue.asked).toHaveLength(1);
    await read(catalogue.send, [sku('A')], alice);
    expect(catalogue.asked).toHaveLength(2);
    // The answer fetched after the write is one the writer may use.
    await read(catalogue.send, [sku('A')], alice);
    expect(catalogue.asked).toHaveLength(2);
  });

  it('forgets answers past the time to live', async () => {
    const catalogue = subgraph();
    await read(catalogue.send, [sku('A')]);
    clock = 60_001;
    await read(catalogue.send, [sku('A')]);
    expect(catalogue.asked).toHaveLength(2);
  });

  it('never holds more bytes than its bound, however many distinct representations arrive', async () => {
    const maxBytes = 20 * (ENTRY_OVERHEAD_BYTES + 400);
    store = entityStore({ maxBytes, ttlMs: 60_000 });
    cache = entityCache(declarations, store);
    const catalogue = subgraph();
    for (let batch = 0; batch < 50; batch++) {
      await read(
        catalogue.send,
        Array.from({ length: 20 }, (_, i) => sku(`CODE-${batch}-${i}`)),
      );
      expect(store.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(store.entries).toBeGreaterThan(0);
    expect(store.entries).toBeLessThan(1000);
  });

  it('passes through what it may not cache: undeclared types, other subgraphs, other operations', async () => {
    const catalogue = subgraph();
    await read(catalogue.send, [{ __typename: 'Supplier', id: 's1' }]);
    await read(catalogue.send, [{ __typename: 'Supplier', id: 's1' }]);
    await cache.serve(
      { subgraph: 'invoices', query: SKU_QUERY, variables: { representations: [sku('A')] }, caller: ANONYMOUS },
      catalogue.send,
    );
    await cache.serve(
      { subgraph: 'invoices', query: SKU_QUERY, variables: { representations: [sku('A')] }, caller: ANONYMOUS },
      catalogue.send,
    );
    expect(catalogue.asked).toHaveLength(4);
    expect(store.entries).toBe(0);
  });
});
