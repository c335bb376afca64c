import type { Identity } from '../../../platform/auth/identity.ts';
import { loadSecrets } from '../../../platform/auth/secrets.ts';
import { eventRecorder } from '../../../platform/events/outbox.ts';
import { createLogger } from '../../../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { eventually } from '../../../platform/testing/eventually.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { subscribeToSubgraph } from '../../../platform/testing/subscription-client.ts';
import { sweepExpiredReservations } from '../../stock/reservations.ts';
import { cancelExpiredOrders } from '../lifecycle.ts';
import { address, cashier, guest, member, type OrdersSystem, paymentSucceeded, startOrdersSystem } from './fixtures.ts';

/**
 * Everything after checkout, against real catalogue, stock and orders
 * subgraphs sharing one in-process bus: payment (by event), cancellation,
 * shipping, completion, returns, who may see and change an order, expiry,
 * and the live orderUpdated feed.
 */
type HistoryEntry = { status: string; note: string | null; actor: string | null; at: string };
type OrderDetail = {
  id: string;
  number: string;
  status: string;
  channel: string;
  carrier: string | null;
  trackingNumber: string | null;
  member: { id: string } | null;
  lines: { sku: { code: string }; quantity: number; returnedQuantity: number }[];
  history: HistoryEntry[];
  createdAt: string;
};
type Connection = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string } }[];
};

const DETAIL = `query ($id: ID!) {
  order(id: $id) {
    id number status channel carrier trackingNumber member { id }
    lines { sku { code } quantity returnedQuantity }
    history { status note actor at }
    createdAt
  }
}`;
const ORDERS = `query ($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } }
}`;
const MEMBER_ORDERS = `query ($id: ID!) {
  _entities(representations: [{ __typename: "Member", id: $id }]) {
    ... on Member { orders(first: 10) { totalCount edges { node { id } } } }
  }
}`;
const MOVEMENTS = `query ($skuCode: String!) {
  stockMovements(skuCode: $skuCode, first: 50) { edges { node { kind quantity onHandDelta reservedDelta reference } } }
}`;
const LIVE_ORDERS = `subscription ($orderId: ID) {
  orderUpdated(orderId: $orderId) { order { id status member { id } } previousStatus at }
}`;

const ordersReader = staff('orders:read');
const stockReader = staff('stock:read');
const quietLog = createLogger('orders-test', { quiet: true });
const INVALID_STATE_TRANSITION = { order: null, userErrors: [expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' })] };

const SKUS = [
  'LC-CANCEL',
  'LC-RACE',
  'LC-PAY',
  'LC-SHIP',
  'LC-UNPAID',
  'LC-STAFF',
  'LC-RET-A',
  'LC-RET-B',
  'LC-RET-C',
  'LC-ILLEGAL',
  'LC-MEMBER',
];

describe.each(databaseTargets())('the order lifecycle on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;
  let keys = 0;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config);
    await system.stockUp(SKUS.map((code) => ({ code, price: '100.00', quantity: code === 'LC-ILLEGAL' || code === 'LC-RACE' ? 100 : 10 })));
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  /** Places an ONLINE order of `lines` and expects it to succeed. */
  async function placeOrder(lines: { skuCode: string; quantity: number }[], identity: Identity = guest) {
    const { order, userErrors } = await system.place(
      { idempotencyKey: `lifecycle-${++keys}`, channel: 'ONLINE', lines, shippingAddress: address },
      identity,
    );
    expect(userErrors).toEqual([]);
    expect(order!.status).toBe('PENDING_PAYMENT');
    return order!;
  }

  async function detail(id: string, identity: Identity = ordersReader): Promise<OrderDetail | null> {
    const result = await system.orders.request<{ order: OrderDetail | null }>(DETAIL, { id }, identity);
    expect(result.errors).toBeUndefined();
    return result.data!.order;
  }

  async function pay(orderId: string) {
    await system.bus.publish([paymentSucceeded(orderId)]);
    expect((await detail(orderId))!.status).toBe('PAID');
  }
  async function ship(orderId: string) {
    const shipped = await system.mutate('shipOrder', { orderId, carrier: 'SF Express', trackingNumber: `SF${orderId.slice(0, 8)}` });
    expect(shipped).toMatchObject({ order: { status: 'SHIPPED' }, userErrors: [] });
  }

  describe('cancelOrder', () => {
    it('cancels a pending order with its reason, releases its reservation and gives the stock back', async () => {
      const before = await system.level('LC-CANCEL');
      const order = await placeOrder([{ skuCode: 'LC-CANCEL', quantity: 3 }]);
      expect(await system.level('LC-CANCEL')).toEqual({ onHand: before.onHand, reserved: 3, available: before.available - 3 });

      const cancelled = await system.mutate('cancelOrder', { orderId: order.id, reason: 'customer changed mind' });
      expect(cancelled.userErrors).toEqual([]);
      expect(cancelled.order).toMatchObject({ id: order.id, status: 'CANCELLED' });
      const after = (await detail(order.id))!;
      expect(after.history).toEqual([
        expect.objectContaining({ status: 'PENDING_PAYMENT', note: null }),
        expect.objectContaining({ status: 'CANCELLED', note: 'customer changed mind', actor: 'staff-test' }),
      ]);
      expect(await system.reservationStatus(order.id)).toBe('RELEASED');
      expect(await system.level('LC-CANCEL')).toEqual(before);
    });

    it('refuses to cancel a cancelled order with INVALID_STATE_TRANSITION and changes nothing', async () => {
      const order = await placeOrder([{ skuCode: 'LC-CANCEL', quantity: 2 }]);
      await system.mutate('cancelOrder', { orderId: order.id, reason: 'first' });
      const before = { order: await detail(order.id), level: await system.level('LC-CANCEL') };

      const again = await system.mutate('cancelOrder', { orderId: order.id, reason: 'second' });
      expect(again).toEqual({
        order: null,
        userErrors: [{ code: 'INVALID_STATE_TRANSITION', field: 'input.orderId', message: expect.stringContaining('is CANCELLED') }],
      });
      expect({ order: await detail(order.id), level: await system.level('LC-CANCEL') }).toEqual(before);
      expect(await system.reservationStatus(order.id)).toBe('RELEASED');
    });

    it('either ships or cancels a paid order that staff ship and cancel at once, and a cancelled one has all its stock back', async () => {
      const before = await system.level('LC-RACE');
      const outcomes: string[] = [];
      // One order at a time, each raced by a shipment and a cancellation, the cancellation delayed by 0 to 9 ms so
      // that across the orders each interleaving of the two requests occurs.
      for (let i = 0; i < 10; i++) {
        const order = await placeOrder([{ skuCode: 'LC-RACE', quantity: 1 }]);
        await pay(order.id);
        const [shipped, cancelled] = await Promise.all([
          system.mutate('shipOrder', { orderId: order.id, carrier: 'SF Express', trackingNumber: `SF-RACE-${i}` }),
          new Promise((resolve) => setTimeout(resolve, i)).then(() =>
            system.mutate('cancelOrder', { orderId: order.id, reason: 'customer changed mind' }),
          ),
        ]);
        // Exactly one of the two wins.
        expect([shipped.order?.status, cancelled.order?.status].filter(Boolean)).toHaveLength(1);
        outcomes.push((await detail(order.id))!.status);
      }
      const shipped = outcomes.filter((status) => status === 'SHIPPED').length;
      expect(outcomes.filter((status) => status !== 'SHIPPED' && status !== 'CANCELLED')).toEqual([]);
      // Only shipped units leave on-hand stock; nothing stays reserved.
      expect(await system.level('LC-RACE')).toEqual({
        onHand: before.onHand - shipped,
        reserved: 0,
        available: before.available - shipped,
      });
      expect(await system.reconcile()).toEqual([]);
    });
  });

  describe('PaymentSucceeded', () => {
    it('moves a pending order to PAID once, however often the event is delivered', async () => {
      const order = await placeOrder([{ skuCode: 'LC-PAY', quantity: 1 }]);
      const event = paymentSucceeded(order.id, 'pay-1');
      // At-least-once delivery: the same event twice, and a second event for the same order.
      await system.bus.publish([event]);
      await system.bus.publish([event]);
      await system.bus.publish([paymentSucceeded(order.id, 'pay-2')]);

      const paid = (await detail(order.id))!;
      expect(paid.status).toBe('PAID');
      expect(paid.history).toEqual([
        expect.objectContaining({ status: 'PENDING_PAYMENT' }),
        expect.objectContaining({ status: 'PAID', note: 'payment pay-1', actor: 'system' }),
      ]);
      // Paying keeps the stock reserved until the order ships.
      expect(await system.reservationStatus(order.id)).toBe('ACTIVE');
      expect(await system.level('LC-PAY')).toMatchObject({ reserved: 1 });
    });
  });

  describe('shipOrder', () => {
    it('ships a paid order: its reservation is committed, on-hand stock goes down and the carrier and tracking number are kept', async () => {
      const before = await system.level('LC-SHIP');
      const order = await placeOrder([{ skuCode: 'LC-SHIP', quantity: 2 }]);
      await pay(order.id);

      const shipped = await system.mutate('shipOrder', { orderId: order.id, carrier: 'SF Express', trackingNumber: 'SF1234567890' });
      expect(shipped.userErrors).toEqual([]);
      expect(shipped.order).toMatchObject({ id: order.id, status: 'SHIPPED' });
      expect(await system.reservationStatus(order.id)).toBe('COMMITTED');
      expect(await system.level('LC-SHIP')).toEqual({ onHand: before.onHand - 2, reserved: 0, available: before.available - 2 });

      const after = (await detail(order.id))!;
      expect(after).toMatchObject({ carrier: 'SF Express', trackingNumber: 'SF1234567890' });
      expect(after.history.map((entry) => [entry.status, entry.note])).toEqual([
        ['PENDING_PAYMENT', null],
        ['PAID', expect.stringMatching(/^payment /)],
        ['SHIPPED', 'SF Express SF1234567890'],
      ]);
      const times = after.history.map((entry) => Date.parse(entry.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(await system.reconcile()).toEqual([]);
    });

    it('refuses to ship an unpaid order with INVALID_STATE_TRANSITION and leaves its stock reserved', async () => {
      const order = await placeOrder([{ skuCode: 'LC-UNPAID', quantity: 1 }]);
      const before = { order: await detail(order.id), level: await system.level('LC-UNPAID') };

      const shipped = await system.mutate('shipOrder', { orderId: order.id, carrier: 'SF Express', trackingNumber: 'SF1' });
      expect(shipped).toEqual({
        order: null,
        userErrors: [{ code: 'INVALID_STATE_TRANSITION', field: 'input.orderId', message: expect.stringContaining('PENDING_PAYMENT') }],
      });
      expect({ order: await detail(order.id), level: await system.level('LC-UNPAID') }).toEqual(before);
      expect(before.level).toMatchObject({ reserved: 1 });
      expect(await system.reservationStatus(order.id)).toBe('ACTIVE');
    });

    it.each([
      ['shipOrder', 'ShipOrderInput', { carrier: 'SF Express', trackingNumber: 'SF2' }],
      ['completeOrder', 'CompleteOrderInput', {}],
      ['receiveReturn', 'ReceiveReturnInput', {}],
    ])('refuses %s to the member who owns the order with FORBIDDEN, from the subgraph’s own check', async (name, type, extra) => {
      const owner = member('m-staff-only');
      const order = await placeOrder([{ skuCode: 'LC-STAFF', quantity: 1 }], owner);
      await pay(order.id);
      const before = { order: await detail(order.id), level: await system.level('LC-STAFF') };

      const result = await system.orders.request(
        `mutation ($input: ${type}!) { ${name}(input: $input) { order { id status } userErrors { code } } }`,
        { input: { orderId: order.id, ...extra } },
        owner,
      );
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toEqual([
        expect.objectContaining({ message: expect.stringContaining('orders:write'), extensions: { code: 'FORBIDDEN' } }),
      ]);
      expect({ order: await detail(order.id), level: await system.level('LC-STAFF') }).toEqual(before);
      expect(await system.reservationStatus(order.id)).toBe('ACTIVE');
    });
  });

  describe('completeOrder, requestReturn and receiveReturn', () => {
    it('completes a shipped order, takes a return of some lines and puts the returned units back on hand', async () => {
      const owner = member('m-returns');
      const order = await placeOrder(
        [
          { skuCode: 'LC-RET-A', quantity: 3 },
          { skuCode: 'LC-RET-B', quantity: 2 },
        ],
        owner,
      );
      await pay(order.id);
      await ship(order.id);
      expect(await system.level('LC-RET-A')).toEqual({ onHand: 7, reserved: 0, available: 7 });
      expect(await system.level('LC-RET-B')).toEqual({ onHand: 8, reserved: 0, available: 8 });

      expect(await system.mutate('completeOrder', { orderId: order.id })).toMatchObject({ order: { status: 'COMPLETED' }, userErrors: [] });
      // The customer asks for the return themself; staff receive it.
      const requested = await system.mutate(
        'requestReturn',
        { orderId: order.id, lines: [{ skuCode: 'LC-RET-A', quantity: 2 }], reason: 'wrong fitment' },
        owner,
      );
      expect(requested.userErrors).toEqual([]);
      expect(requested.order).toMatchObject({ id: order.id, status: 'RETURN_REQUESTED' });
      // Nothing is back in stock until the goods arrive.
      expect(await system.level('LC-RET-A')).toEqual({ onHand: 7, reserved: 0, available: 7 });
      expect((await detail(order.id))!.lines.map((line) => line.returnedQuantity)).toEqual([0, 0]);

      const received = await system.mutate('receiveReturn', { orderId: order.id });
      expect(received.userErrors).toEqual([]);
      expect(received.order).toMatchObject({ id: order.id, status: 'RETURNED' });

      const after = (await detail(order.id, owner))!;
      expect(after.lines).toEqual([
        { sku: { code: 'LC-RET-A' }, quantity: 3, returnedQuantity: 2 },
        { sku: { code: 'LC-RET-B' }, quantity: 2, returnedQuantity: 0 },
      ]);
      expect(after.history.map((entry) => [entry.status, entry.note])).toEqual([
        ['PENDING_PAYMENT', null],
        ['PAID', expect.any(String)],
        ['SHIPPED', expect.any(String)],
        ['COMPLETED', null],
        ['RETURN_REQUESTED', 'wrong fitment'],
        ['RETURNED', 'returned goods received'],
      ]);
      expect(after.history[4]!.actor).toBe('m-returns');

      expect(await system.level('LC-RET-A')).toEqual({ onHand: 9, reserved: 0, available: 9 });
      expect(await system.level('LC-RET-B')).toEqual({ onHand: 8, reserved: 0, available: 8 });
      const movements = await system.stock.request<{ stockMovements: { edges: { node: Record<string, unknown> }[] } }>(
        MOVEMENTS,
        { skuCode: 'LC-RET-A' },
        stockReader,
      );
      expect(movements.errors).toBeUndefined();
      expect(movements.data!.stockMovements.edges[0]!.node).toEqual({
        kind: 'RETURN',
        quantity: 2,
        onHandDelta: 2,
        reservedDelta: 0,
        reference: `${order.number}-RETURN`,
      });
      expect(await system.reconcile()).toEqual([]);
    });

    it.each([
      ['a SKU that is not on the order', [{ skuCode: 'LC-CANCEL', quantity: 1 }], 'input.lines[0].skuCode', /not on order/],
      ['more units than were ordered', [{ skuCode: 'LC-RET-C', quantity: 3 }], 'input.lines[0].quantity', /3/],
      ['no units', [{ skuCode: 'LC-RET-C', quantity: 0 }], 'input.lines[0].quantity', /0/],
      [
        'the same SKU on two lines',
        [
          { skuCode: 'LC-RET-C', quantity: 1 },
          { skuCode: 'LC-RET-C', quantity: 1 },
        ],
        'input.lines[1].skuCode',
        /more than one line/,
      ],
    ])('refuses a return of %s with a user error and writes nothing', async (_case, lines, field, message) => {
      const order = await placeOrder([{ skuCode: 'LC-RET-C', quantity: 2 }]);
      await pay(order.id);
      await ship(order.id);
      const before = { order: await detail(order.id), level: await system.level('LC-RET-C') };

      const result = await system.mutate('requestReturn', { orderId: order.id, lines, reason: 'wrong fitment' });
      expect(result).toEqual({ order: null, userErrors: [{ code: 'INVALID_VALUE', field, message: expect.stringMatching(message) }] });
      expect({ order: await detail(order.id), level: await system.level('LC-RET-C') }).toEqual(before);
      expect(before.order!.status).toBe('SHIPPED');

      // Nothing half-written either: a valid return afterwards asks for exactly what it says.
      await system.mutate('requestReturn', { orderId: order.id, lines: [{ skuCode: 'LC-RET-C', quantity: 1 }], reason: 'ok' });
      expect(await system.mutate('receiveReturn', { orderId: order.id })).toMatchObject({ order: { status: 'RETURNED' } });
      expect((await detail(order.id))!.lines).toEqual([{ sku: { code: 'LC-RET-C' }, quantity: 2, returnedQuantity: 1 }]);
    });
  });

  describe('the state machine', () => {
    type Attempt = 'cancelOrder' | 'shipOrder' | 'completeOrder' | 'requestReturn' | 'receiveReturn';
    const inputOf = (attempt: Attempt, orderId: string): Record<string, unknown> =>
      ({
        cancelOrder: { orderId, reason: 'too late' },
        shipOrder: { orderId, carrier: 'SF Express', trackingNumber: 'SF-ILLEGAL' },
        completeOrder: { orderId },
        requestReturn: { orderId, lines: [{ skuCode: 'LC-ILLEGAL', quantity: 1 }], reason: 'too late' },
        receiveReturn: { orderId },
      })[attempt];
    const toStatus = async (status: string): Promise<string> => {
      const order = await placeOrder([{ skuCode: 'LC-ILLEGAL', quantity: 2 }]);
      const steps: Record<string, () => Promise<unknown>> = {
        PAID: () => pay(order.id),
        SHIPPED: () => ship(order.id),
        COMPLETED: () => system.mutate('completeOrder', { orderId: order.id }),
        RETURN_REQUESTED: () => system.mutate('requestReturn', inputOf('requestReturn', order.id)),
        RETURNED: () => system.mutate('receiveReturn', { orderId: order.id }),
      };
      const path: Record<string, string[]> = {
        PENDING_PAYMENT: [],
        PAID: ['PAID'],
        SHIPPED: ['PAID', 'SHIPPED'],
        COMPLETED: ['PAID', 'SHIPPED', 'COMPLETED'],
        RETURN_REQUESTED: ['PAID', 'SHIPPED', 'RETURN_REQUESTED'],
        RETURNED: ['PAID', 'SHIPPED', 'RETURN_REQUESTED', 'RETURNED'],
      };
      if (status === 'CANCELLED') await system.mutate('cancelOrder', { orderId: order.id, reason: 'setting up' });
      for (const step of path[status] ?? []) await steps[step]!();
      expect((await detail(order.id))!.status).toBe(status);
      return order.id;
    };

    it.each<[string, Attempt[]]>([
      ['PENDING_PAYMENT', ['shipOrder', 'completeOrder', 'requestReturn', 'receiveReturn']],
      ['PAID', ['completeOrder', 'requestReturn', 'receiveReturn']],
      ['SHIPPED', ['cancelOrder', 'receiveReturn']],
      ['COMPLETED', ['cancelOrder', 'shipOrder', 'receiveReturn']],
      ['RETURN_REQUESTED', ['cancelOrder', 'shipOrder', 'completeOrder', 'requestReturn']],
      ['CANCELLED', ['cancelOrder', 'shipOrder', 'completeOrder', 'requestReturn', 'receiveReturn']],
      ['RETURNED', ['cancelOrder', 'shipOrder', 'completeOrder', 'requestReturn', 'receiveReturn']],
    ])('refuses every move out of %s the state machine does not allow, and ignores a late payment', async (status, attempts) => {
      const orderId = await toStatus(status);
      const snapshot = async () => ({
        order: await detail(orderId),
        level: await system.level('LC-ILLEGAL'),
        reservation: await system.reservationStatus(orderId),
      });
      const before = await snapshot();
      for (const attempt of attempts) {
        expect(await system.mutate(attempt, inputOf(attempt, orderId))).toEqual(INVALID_STATE_TRANSITION);
      }
      // A PaymentSucceeded for an order that is no longer pending changes nothing (payments refunds it).
      if (status !== 'PENDING_PAYMENT') await system.bus.publish([paymentSucceeded(orderId)]);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('members and staff', () => {
    it('lets a member see their own ONLINE order, and no other member see or cancel it', async () => {
      const order = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-1'));
      const own = await detail(order.id, member('m-1'));
      expect(own).toMatchObject({ id: order.id, channel: 'ONLINE', status: 'PENDING_PAYMENT', member: { id: 'm-1' } });
      expect(own!.history[0]!.actor).toBe('m-1');

      expect(await detail(order.id, member('m-2'))).toBeNull();
      const cancelled = await system.mutate('cancelOrder', { orderId: order.id, reason: 'not mine' }, member('m-2'));
      expect(cancelled).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'UNKNOWN_ORDER', field: 'input.orderId' })] });
      expect(await detail(order.id, ordersReader)).toEqual(own);
      expect(await system.reservationStatus(order.id)).toBe('ACTIVE');

      const anonymous = await system.orders.request(DETAIL, { id: order.id }, guest);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      // The owner may cancel it.
      expect(await system.mutate('cancelOrder', { orderId: order.id, reason: 'changed mind' }, member('m-1'))).toMatchObject({
        order: { status: 'CANCELLED' },
        userErrors: [],
      });
    });

    it('lists orders for staff with orders:read, filtered by status, channel, member and time, newest first and paged', async () => {
      const placed: OrderDetail[] = [];
      for (let i = 0; i < 3; i++) {
        const order = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-list'));
        placed.push((await detail(order.id))!);
      }
      await system.mutate('cancelOrder', { orderId: placed[1]!.id, reason: 'changed mind' }, member('m-list'));
      const newestFirst = [...placed].reverse().map((order) => order.id);
      const list = async (variables: Record<string, unknown>, identity: Identity = ordersReader) => {
        const result = await system.orders.request<{ orders: Connection }>(ORDERS, variables, identity);
        expect(result.errors).toBeUndefined();
        return result.data!.orders;
      };
      const ids = (connection: Connection) => connection.edges.map((edge) => edge.node.id);

      const all = await list({ filter: { memberId: 'm-list' } });
      expect(all.totalCount).toBe(3);
      expect(ids(all)).toEqual(newestFirst);
      expect(ids(await list({ filter: { memberId: 'm-list', status: 'CANCELLED' } }))).toEqual([placed[1]!.id]);
      expect(ids(await list({ filter: { memberId: 'm-list', status: 'PENDING_PAYMENT', channel: 'ONLINE' } }))).toEqual([
        placed[2]!.id,
        placed[0]!.id,
      ]);
      expect(await list({ filter: { memberId: 'm-list', channel: 'STORE' } })).toMatchObject({ totalCount: 0, edges: [] });
      expect(ids(await list({ filter: { memberId: 'm-list', from: placed[1]!.createdAt } }))).toEqual([placed[2]!.id, placed[1]!.id]);
      expect(ids(await list({ filter: { memberId: 'm-list', to: placed[1]!.createdAt } }))).toEqual([placed[0]!.id]);
      // Across members too, the newest order comes first.
      expect(ids(await list({ first: 1 }))).toEqual([placed[2]!.id]);

      const paged: string[] = [];
      let after: string | null = null;
      do {
        const page: Connection = await list({ filter: { memberId: 'm-list' }, first: 1, after });
        expect(page.totalCount).toBe(3);
        paged.push(...ids(page));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(paged).toEqual(newestFirst);

      const refused = await system.orders.request(ORDERS, { filter: { memberId: 'm-list' } }, member('m-list'));
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('answers Member.orders with that member’s orders only, to that member and to staff, and FORBIDDEN to anyone else', async () => {
      const mine = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-entity'));
      await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-entity-other'));
      type Entities = { _entities: ({ orders: { totalCount: number; edges: { node: { id: string } }[] } } | null)[] };

      for (const identity of [member('m-entity'), ordersReader]) {
        const result = await system.orders.request<Entities>(MEMBER_ORDERS, { id: 'm-entity' }, identity);
        expect(result.errors).toBeUndefined();
        expect(result.data!._entities).toEqual([{ orders: { totalCount: 1, edges: [{ node: { id: mine.id } }] } }]);
      }
      const other = await system.orders.request<Entities>(MEMBER_ORDERS, { id: 'm-entity' }, member('m-entity-other'));
      // Member.orders is nullable: refused, it is null with the error and the member itself still resolves.
      expect(other.data?._entities).toEqual([{ orders: null }]);
      expect(other.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })]);
      const anonymous = await system.orders.request<Entities>(MEMBER_ORDERS, { id: 'm-entity' }, guest);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('orderUpdated', () => {
    /**
     * Subscribes to the orders subgraph as `identity` and collects events until `count` arrived (or an
     * error). `received(n)` waits for the n-th event, so a test makes its next change only after the
     * previous event was resolved: an event shows the order as it is when it is sent.
     */
    type Update = { order: { id: string; status: string; member: { id: string } | null }; previousStatus: string | null; at: string };
    const subscribe = (identity: Identity, variables: Record<string, unknown>, count: number, extensions?: Record<string, unknown>) =>
      subscribeToSubgraph<Update>({
        extensions,
        url: system.orders.url,
        started: () => system.orders.server.subscriptionsStarted(),
        secret: loadSecrets(env.config).internalAuthSecret,
        identity,
        query: LIVE_ORDERS,
        variables,
        field: 'orderUpdated',
        count,
      });

    it('sends a member the status changes of their own orders only, and staff with orders:read those of every order', async () => {
      // Events of earlier tests must not reach these subscribers.
      await system.orders.server.relay.drain();
      const mine = subscribe(member('m-live'), {}, 2);
      const all = subscribe(ordersReader, {}, 3);
      await Promise.all([mine.ready, all.ready]);

      const theirs = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-live-other'));
      const order = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-live'));
      await Promise.all([mine.received(1), all.received(2)]);
      await system.mutate('cancelOrder', { orderId: order.id, reason: 'changed mind' }, member('m-live'));

      const own = await mine.done;
      expect(own.errors).toBeUndefined();
      expect(own.events).toEqual([
        { order: { id: order.id, status: 'PENDING_PAYMENT', member: { id: 'm-live' } }, previousStatus: null, at: expect.any(String) },
        {
          order: { id: order.id, status: 'CANCELLED', member: { id: 'm-live' } },
          previousStatus: 'PENDING_PAYMENT',
          at: expect.any(String),
        },
      ]);
      const staffView = await all.done;
      expect(staffView.errors).toBeUndefined();
      expect(staffView.events.map((event) => [event.order.id, event.order.status, event.previousStatus])).toEqual([
        [theirs.id, 'PENDING_PAYMENT', null],
        [order.id, 'PENDING_PAYMENT', null],
        [order.id, 'CANCELLED', 'PENDING_PAYMENT'],
      ]);
    });

    it('follows one order through payment and shipping when asked for its id', async () => {
      const order = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-follow'));
      await system.orders.server.relay.drain();
      const live = subscribe(member('m-follow'), { orderId: order.id }, 2);
      await live.ready;
      await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-follow'));
      await pay(order.id);
      await live.received(1);
      await ship(order.id);

      const { events, errors } = await live.done;
      expect(errors).toBeUndefined();
      expect(events.map((event) => [event.order.id, event.order.status, event.previousStatus])).toEqual([
        [order.id, 'PAID', 'PENDING_PAYMENT'],
        [order.id, 'SHIPPED', 'PAID'],
      ]);
    });

    it('replays to a member who resumes after a drop the missed changes of their own orders only', async () => {
      await system.orders.server.relay.drain();
      const before = subscribe(member('m-resume'), {}, 1);
      await before.ready;
      const order = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-resume'));
      expect((await before.done).events.map((event) => event.order.id)).toEqual([order.id]);
      const lastSeen = before.positions[0]!;

      // Disconnected meanwhile: another member's order, and a change to their own.
      const theirs = await placeOrder([{ skuCode: 'LC-MEMBER', quantity: 1 }], member('m-resume-other'));
      await system.mutate('cancelOrder', { orderId: order.id, reason: 'changed mind' }, member('m-resume'));
      await system.orders.server.relay.drain();

      const own = await subscribe(member('m-resume'), {}, 1, { resumeAfter: lastSeen }).done;
      expect(own.errors).toBeUndefined();
      expect(own.events.map((event) => [event.order.id, event.order.status])).toEqual([[order.id, 'CANCELLED']]);
      const staffView = subscribe(ordersReader, {}, 2, { resumeAfter: lastSeen });
      expect((await staffView.done).events.map((event) => [event.order.id, event.order.status])).toEqual([
        [theirs.id, 'PENDING_PAYMENT'],
        [order.id, 'CANCELLED'],
      ]);
      const positions = staffView.positions.map(Number);
      expect(positions[0]).toBeGreaterThan(Number(lastSeen));
      expect(positions[1]).toBeGreaterThan(positions[0]!);
    });

    it('refuses an anonymous subscriber with UNAUTHENTICATED', async () => {
      const live = subscribe(guest, {}, 1);
      const { events, errors } = await live.done;
      expect(events).toEqual([]);
      expect(errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    });
  });
});

describe.each(databaseTargets())('expiry of unpaid orders on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;
  let keys = 0;
  const inThirtyOneMinutes = () => new Date(Date.now() + 31 * 60_000);

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config);
    await system.stockUp([{ code: 'EXP-1', price: '50.00', quantity: 10 }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  async function placeOrder() {
    const { order, userErrors } = await system.place({
      idempotencyKey: `expiry-${++keys}`,
      channel: 'ONLINE',
      lines: [{ skuCode: 'EXP-1', quantity: 4 }],
      shippingAddress: address,
    });
    expect(userErrors).toEqual([]);
    return order!;
  }
  async function historyOf(id: string) {
    const result = await system.orders.request<{
      order: { status: string; history: { status: string; note: string | null; actor: string }[] };
    }>('query ($id: ID!) { order(id: $id) { status history { status note actor } } }', { id }, cashier);
    return result.data!.order;
  }
  /** Stock's sweeper as its timer would run it half an hour from now; its ReservationExpired events are relayed to the shared bus. */
  async function sweepStock() {
    const swept = await sweepExpiredReservations({ db: system.stock.server.db, events: eventRecorder('stock') }, inThirtyOneMinutes());
    await system.stock.server.relay.drain();
    return swept;
  }

  it('cancels an unpaid order when stock announces that its reservation expired', async () => {
    const order = await placeOrder();
    expect(await system.level('EXP-1')).toEqual({ onHand: 10, reserved: 4, available: 6 });

    expect(await sweepStock()).toBe(1);
    const after = await eventually(
      async () => {
        const history = await historyOf(order.id);
        return history.status === 'CANCELLED' && history;
      },
      'the order is cancelled',
      { intervalMs: 50 },
    );
    expect(after).toEqual({
      status: 'CANCELLED',
      history: [
        expect.objectContaining({ status: 'PENDING_PAYMENT' }),
        { status: 'CANCELLED', note: 'not paid before the reservation expired', actor: 'system' },
      ],
    });
    expect(await system.reservationStatus(order.id)).toBe('EXPIRED');
    expect(await system.level('EXP-1')).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('cancels an unpaid order whose expiry event never came when the orders sweeper runs, once', async () => {
    const order = await placeOrder();
    const paid = await placeOrder();
    await system.bus.publish([paymentSucceeded(paid.id, 'pay-expiry')]);

    const sweeper = { db: system.orders.server.db, events: eventRecorder('orders'), log: quietLog };
    // Nothing is due yet; half an hour from now, only the unpaid order is.
    expect(await cancelExpiredOrders(sweeper, new Date())).toBe(0);
    expect(await cancelExpiredOrders(sweeper, inThirtyOneMinutes())).toBe(1);
    expect(await cancelExpiredOrders(sweeper, inThirtyOneMinutes())).toBe(0);
    expect(await historyOf(order.id)).toEqual({
      status: 'CANCELLED',
      history: [
        expect.objectContaining({ status: 'PENDING_PAYMENT' }),
        { status: 'CANCELLED', note: 'not paid before the reservation expired', actor: 'system' },
      ],
    });
    // A paid order is never cancelled for its reservation's time.
    expect((await historyOf(paid.id)).status).toBe('PAID');

    // When stock's expiry catches up, its late ReservationExpired changes nothing in orders and the stock comes back.
    await sweepStock();
    expect((await historyOf(order.id)).history.map((entry) => entry.status)).toEqual(['PENDING_PAYMENT', 'CANCELLED']);
    expect(await system.reservationStatus(order.id)).toBe('EXPIRED');
  });
});

describe('the order lifecycle on MySQL', () => {
  reportSkippedMysql();
});
