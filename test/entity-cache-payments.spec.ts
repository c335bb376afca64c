import { type OutboxRelay, startOutboxRelay } from '../platform/events/relay.ts';
import { createLogger } from '../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { newId } from '../platform/values/ids.ts';
import { paymentProviders } from '../subgraphs/payments/providers/index.ts';
import type { Callback } from '../subgraphs/payments/providers/wechatpay-simulator.ts';
import { afterEventsHeard, readUntilCached, startCacheSystem } from './support/entity-cache.ts';
import { routerMetric } from './support/router-metrics.ts';
import { placeOrder, type UserError } from './support/shop.ts';
import type { TestSystem } from './support/system.ts';

/**
 * The payments subgraph's part of an order (`Order.payments`,
 * `Order.paymentStatus`) in the router's entity cache (docs/architecture.md
 * §12): kept per caller, dropped by the events that name the order
 * (PaymentCreated, PaymentSucceeded, PaymentClosed, RefundRequested,
 * RefundSucceeded, RefundFailed). A member re-reading their order is answered
 * without asking payments; nobody reads payments older than a delivered
 * event; the member sees their own payment at once; and nobody else is ever
 * given the member's kept answer.
 */
const ORDER_PAYMENTS = `query OrderPayments($id: ID!) {
  order(id: $id) { id paymentStatus payments { channel status refundedAmount { amount } } }
}`;
const CREATE_PAYMENT = `mutation ($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id status qrCodeUrl amount { amount } } userErrors { code field message } }
}`;
const ORDER_REFUNDS = `query OrderRefunds($id: ID!) {
  order(id: $id) { paymentStatus payments { status refundedAmount { amount } refunds { status amount { amount } } } }
}`;
const REFUND_PAYMENT = `mutation ($input: RefundPaymentInput!) {
  refundPayment(input: $input) { refund { status } userErrors { code field message } }
}`;
const SKU = 'OF-VW-GOLF';

type PaymentRow = { channel: string; status: string; refundedAmount: { amount: string } };
type Read = { order: { id: string; paymentStatus: string; payments: PaymentRow[] } | null };

describe.each(databaseTargets())('order payments in the entity cache on $label', (target) => {
  let system: TestSystem;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  /** A cashier who takes cash and gives refunds (another party than the member). */
  let cashier: string;

  beforeAll(async () => {
    ({ system, alice, bob } = await startCacheSystem(target));
    cashier = await system.staffToken(['payments:write', 'payments:read', 'orders:read']);
  });
  /** Payments' outbox relay once a test has held it back (the subgraph's own one is stopped then). */
  let restartedRelay: OutboxRelay | undefined;
  afterAll(async () => {
    await restartedRelay?.stop();
    await system?.close();
  });

  const placed = async () => {
    const result = await placeOrder(system, alice.token, {
      idempotencyKey: `pay-cache-${newId()}`,
      lines: [{ skuCode: SKU, quantity: 1 }],
    });
    if (!result.order) throw new Error(JSON.stringify(result.userErrors));
    return result.order.id;
  };
  const read = async (id: string, token?: string) => {
    const { body } = await system.graphql<Read>(ORDER_PAYMENTS, { id }, token);
    expect(body.errors).toBeUndefined();
    return body.data!.order;
  };
  const cachedRead = (id: string, token: string) => readUntilCached(system, 'router_entity_cache_hits', () => read(id, token));
  const mutate = async (mutation: string, input: Record<string, unknown>, token: string) => {
    const { body } = await system.graphql<Record<string, { userErrors: UserError[] }>>(mutation, { input }, token);
    expect(body.errors).toBeUndefined();
    expect(Object.values(body.data!)[0]!.userErrors).toEqual([]);
    return Object.values(body.data!)[0] as { payment?: { id: string; qrCodeUrl: string | null; amount: { amount: string } } };
  };
  /** The cashier refunds 1.00 CNY of a payment. */
  const refundOneYuan = (paymentId: string, reason: string, idempotencyKey: string) =>
    mutate(REFUND_PAYMENT, { paymentId, amount: { amount: '1.00', currencyCode: 'CNY' }, reason, idempotencyKey }, cashier);
  const heard = <T>(events: string[], change: () => Promise<T>) => afterEventsHeard(system, events, change);

  it('answers a re-read from the cache, and shows the member a cashier’s payment and refund once their events are heard', async () => {
    const id = await placed();
    expect(await cachedRead(id, alice.token)).toEqual({ id, paymentStatus: 'UNPAID', payments: [] });

    const cash = await heard(['PaymentCreated', 'PaymentSucceeded'], () =>
      mutate(CREATE_PAYMENT, { orderId: id, channel: 'CASH', idempotencyKey: `cash-${id}` }, cashier),
    );
    expect(await read(id, alice.token)).toEqual({
      id,
      paymentStatus: 'PAID',
      payments: [{ channel: 'CASH', status: 'SUCCEEDED', refundedAmount: { amount: '0.00' } }],
    });
    // Kept again, then a partial refund: asked for (its amount claimed at once) and settled over the counter.
    const kept = await cachedRead(id, alice.token);
    expect(kept!.payments[0]!.refundedAmount).toEqual({ amount: '0.00' });
    await heard(['RefundRequested', 'RefundSucceeded'], () => refundOneYuan(cash.payment!.id, 'scratched box', `refund-${id}`));
    const after = await read(id, alice.token);
    expect(after!.payments).toEqual([{ channel: 'CASH', status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: '1.00' } }]);
  });

  it('shows the member a payment the provider’s signed callback paid, and a refund it has not confirmed yet, once their events are heard', async () => {
    const id = await placed();
    const wechat = await mutate(CREATE_PAYMENT, { orderId: id, channel: 'WECHAT_PAY', idempotencyKey: `wechat-${id}` }, alice.token);
    const simulator = paymentProviders(system.config).wechatPaySimulator!;
    const outTradeNo = new URL(wechat.payment!.qrCodeUrl!).searchParams.get('out_trade_no')!;
    const totalFen = Math.round(Number(wechat.payment!.amount.amount) * 100);
    const readRefunds = async () => {
      const { body } = await system.graphql<{ order: unknown }>(ORDER_REFUNDS, { id }, alice.token);
      expect(body.errors).toBeUndefined();
      return body.data!.order;
    };
    const keptRefunds = async () => {
      await eventually(
        async () => {
          const hits = await routerMetric(system, 'router_entity_cache_hits');
          await readRefunds();
          return (await routerMetric(system, 'router_entity_cache_hits')) > hits;
        },
        'a read of the order’s refunds answered from the cache',
        { timeoutMs: 15_000 },
      );
    };

    await keptRefunds();
    expect(await readRefunds()).toEqual({
      paymentStatus: 'PENDING',
      payments: [{ status: 'PENDING', refundedAmount: { amount: '0.00' }, refunds: [] }],
    });
    // The customer paid: WeChat's signed callback, not the member, changes the payment.
    await heard(['PaymentSucceeded'], async () => {
      const callback = simulator.paidCallback({ outTradeNo, totalFen });
      expect(await system.post('/callbacks/wechatpay', callback.headers, callback.body)).toEqual({ status: 204, body: '' });
    });
    expect(await readRefunds()).toEqual({
      paymentStatus: 'PAID',
      payments: [{ status: 'SUCCEEDED', refundedAmount: { amount: '0.00' }, refunds: [] }],
    });

    // WeChat answers a refund PROCESSING and confirms it by a callback, held back here: only RefundRequested tells of it.
    await keptRefunds();
    const held: Callback[] = [];
    const release = simulator.connect(async (callback) => held.push(callback));
    try {
      await heard(['RefundRequested'], () => refundOneYuan(wechat.payment!.id, 'late delivery', `refund-${id}`));
    } finally {
      release();
    }
    expect(await readRefunds()).toEqual({
      paymentStatus: 'PAID',
      payments: [{ status: 'SUCCEEDED', refundedAmount: { amount: '1.00' }, refunds: [{ status: 'PENDING', amount: { amount: '1.00' } }] }],
    });
    await keptRefunds();
    expect(held).toHaveLength(1);
    await heard(['RefundSucceeded'], async () => {
      expect(await system.post('/callbacks/wechatpay', held[0]!.headers, held[0]!.body)).toEqual({ status: 204, body: '' });
    });
    expect(await readRefunds()).toEqual({
      paymentStatus: 'PARTIALLY_REFUNDED',
      payments: [
        {
          status: 'PARTIALLY_REFUNDED',
          refundedAmount: { amount: '1.00' },
          refunds: [{ status: 'SUCCEEDED', amount: { amount: '1.00' } }],
        },
      ],
    });
  });

  it('shows the member their own payment at once, others once PaymentCreated is heard, and the kept answer to nobody else', async () => {
    const id = await placed();
    expect(await cachedRead(id, alice.token)).toEqual({ id, paymentStatus: 'UNPAID', payments: [] });
    // The cashier may see the same payments, but is not handed the member's kept answer: their first read asks payments.
    const [hits, misses] = [
      await routerMetric(system, 'router_entity_cache_hits'),
      await routerMetric(system, 'router_entity_cache_misses'),
    ];
    expect((await read(id, cashier))!.payments).toEqual([]);
    expect(await routerMetric(system, 'router_entity_cache_hits')).toBe(hits);
    expect(await routerMetric(system, 'router_entity_cache_misses')).toBeGreaterThan(misses);
    expect((await cachedRead(id, cashier))!.payments).toEqual([]);
    // PaymentCreated stays in payments' outbox until the relay runs again.
    const payments = system.system.subgraphs.find((subgraph) => subgraph.name === 'payments')!;
    const eventsBefore = await routerMetric(system, 'router_entity_cache_events', 'PaymentCreated');
    await payments.relay.stop();
    await mutate(CREATE_PAYMENT, { orderId: id, channel: 'WECHAT_PAY', idempotencyKey: `wechat-${id}` }, alice.token);
    expect(await read(id, alice.token)).toEqual({
      id,
      paymentStatus: 'PENDING',
      payments: [{ channel: 'WECHAT_PAY', status: 'PENDING', refundedAmount: { amount: '0.00' } }],
    });
    // Nothing told the router yet (so the member's read did not come from an eviction): the cashier still reads their kept answer.
    expect((await read(id, cashier))!.payments).toEqual([]);
    restartedRelay = startOutboxRelay(payments.db, payments.bus, { log: createLogger('events', { quiet: true }) });
    await restartedRelay.drain();
    await eventually(
      async () => (await routerMetric(system, 'router_entity_cache_events', 'PaymentCreated')) > eventsBefore,
      'PaymentCreated reached the router',
      { timeoutMs: 15_000 },
    );
    // The cashier's kept answer went with PaymentCreated, the only event of a payment waiting for the customer.
    expect((await read(id, cashier))!.payments).toEqual([{ channel: 'WECHAT_PAY', status: 'PENDING', refundedAmount: { amount: '0.00' } }]);
    // Another member and an anonymous caller are refused the order itself, so never see the member's kept answer.
    expect(await read(id, bob.token)).toBeNull();
    expect((await system.graphql<Read>(ORDER_PAYMENTS, { id })).body.data?.order ?? null).toBeNull();
  });
});

reportSkippedMysql();
