import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { OrderEntity } from '../entities/order.entity.ts';
import { ordersSubgraph } from '../server.ts';

/**
 * `Member.orders` for many members in one request (a list of orders, each
 * with its member and their orders): one statement for every member's first
 * page and one for their counts, with the pages, counts and cursors that one
 * member at a time gets.
 */
type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; number: string } }[];
};
type Entities = { _entities: { id: string; orders: Page }[] };

const MEMBERS_ORDERS = `query ($representations: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $representations) {
    ... on Member { id orders(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id number } } } }
  }
}`;
const reader = staff('orders:read');
const members = (...ids: string[]) => ids.map((id) => ({ __typename: 'Member', id }));

describe.each(databaseTargets())('Member.orders batched across members on $label', (target) => {
  let env: TestEnvironment;
  let orders: TestSubgraph;
  let statements: string[] = [];
  /** Each member's order ids, newest first (createdAt, then id, descending): what a page must list. */
  const newestFirst = new Map<string, string[]>();

  beforeAll(async () => {
    env = testEnvironment(target);
    orders = await startTestSubgraph(ordersSubgraph, env.config, { onQuery: (sql) => statements.push(sql) });
    const base = Date.parse('2026-11-01T10:00:00.000Z');
    const seeded: { id: string; memberId: string; createdAt: Date }[] = [];
    // m-a has five orders, two of them created in the same millisecond (the id breaks the tie); m-b one; m-c none.
    const plan: [string, number][] = [
      ['m-a', 0],
      ['m-a', 60_000],
      ['m-a', 60_000],
      ['m-a', 120_000],
      ['m-a', 30_000],
      ['m-b', 10_000],
      ['m-other', 90_000],
    ];
    await orders.server.db.transaction(orders.server.db.fork(), async (tx) => {
      plan.forEach(([memberId, offset], i) => {
        const id = `00000000-0000-7000-8000-00000000000${i}`;
        const createdAt = new Date(base + offset);
        seeded.push({ id, memberId, createdAt });
        tx.create(OrderEntity, {
          id,
          number: `SO-TEST-${i}`,
          status: 'PAID',
          channel: 'ONLINE',
          memberId,
          caller: memberId,
          idempotencyKey: `key-${i}`,
          request: '{}',
          currency: 'CNY',
          subtotalMinor: 1000,
          discountMinor: 0,
          couponCode: null,
          pointsRedeemed: 0,
          totalMinor: 1000,
          refundedMinor: 0,
          reservationExpiresAt: null,
          shippingJson: null,
          storeWarehouseId: null,
          carrier: null,
          trackingNumber: null,
          version: 1,
          createdAt,
          updatedAt: createdAt,
        });
      });
      await tx.flush();
    });
    for (const memberId of ['m-a', 'm-b', 'm-c']) {
      const mine = seeded.filter((order) => order.memberId === memberId);
      mine.sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (x.id < y.id ? 1 : -1));
      newestFirst.set(
        memberId,
        mine.map((order) => order.id),
      );
    }
  });
  afterAll(async () => {
    await orders?.close();
    await env?.cleanup();
  });

  const ask = async (ids: string[], first: number, after?: string) => {
    statements = [];
    const result = await orders.request<Entities>(MEMBERS_ORDERS, { representations: members(...ids), first, after }, reader);
    expect(result.errors).toBeUndefined();
    // The outbox relay polls on its own timer; only the request's statements count.
    const selects = statements.filter((sql) => /^\s*select/i.test(sql) && !sql.includes('outbox_event'));
    return { pages: result.data!._entities.map((member) => member.orders), selects };
  };

  it('reads every member’s first page and count in two statements, however many members', async () => {
    const { pages, selects } = await ask(['m-a', 'm-b', 'm-c'], 2);
    expect(selects).toHaveLength(2);
    expect(pages.map((page) => page.totalCount)).toEqual([5, 1, 0]);
    expect(pages.map((page) => page.edges.map((edge) => edge.node.id))).toEqual([
      newestFirst.get('m-a')!.slice(0, 2),
      newestFirst.get('m-b'),
      [],
    ]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, false, false]);
  });

  it('gives each member the page and cursors it gets alone, and its cursor leads on to the next page', async () => {
    const together = (await ask(['m-a', 'm-b', 'm-c'], 2)).pages;
    for (const [i, id] of ['m-a', 'm-b', 'm-c'].entries()) {
      expect((await ask([id], 2)).pages[0]).toEqual(together[i]);
    }
    const pages: string[][] = [];
    let after = together[0]!.pageInfo.endCursor ?? undefined;
    pages.push(together[0]!.edges.map((edge) => edge.node.id));
    while (after) {
      const next = (await ask(['m-a'], 2, after)).pages[0]!;
      pages.push(next.edges.map((edge) => edge.node.id));
      after = next.pageInfo.hasNextPage ? (next.pageInfo.endCursor ?? undefined) : undefined;
    }
    expect(pages.flat()).toEqual(newestFirst.get('m-a'));
  });

  it('serves different page sizes in one request', async () => {
    const query = `query ($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Member { one: orders(first: 1) { edges { node { id } } } three: orders(first: 3) { totalCount edges { node { id } } } }
      }
    }`;
    type Sizes = {
      _entities: { one: { edges: { node: { id: string } }[] }; three: { totalCount: number; edges: { node: { id: string } }[] } }[];
    };
    const result = await orders.request<Sizes>(query, { representations: members('m-a', 'm-b') }, reader);
    expect(result.errors).toBeUndefined();
    const [a, b] = result.data!._entities;
    expect(a!.one.edges.map((edge) => edge.node.id)).toEqual(newestFirst.get('m-a')!.slice(0, 1));
    expect(a!.three.edges.map((edge) => edge.node.id)).toEqual(newestFirst.get('m-a')!.slice(0, 3));
    expect(b!.three).toEqual({ totalCount: 1, edges: newestFirst.get('m-b')!.map((id) => ({ node: { id } })) });
  });
});

describe('Member.orders batched across members on MySQL', () => reportSkippedMysql());
