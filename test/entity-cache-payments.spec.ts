import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { newId } from '../platform/values/ids.ts';
import { routerMetric } from './support/router-metrics.ts';
import { placeOrder, registeredMember, type UserError } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

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
  createPayment(input: $input) { payment { id status } userErrors { code field message } }
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
    const amqp: Record<string, string> = target.mysqlUrl && process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL } : {};
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', ...amqp });
    const suffix = newId().slice(-8).toLowerCase();
    alice = await registeredMember(system, { name: 'Alice', email: `alice-${suffix}@example.com` });
    bob = await registeredMember(system, { name: 'Bob', email: `bob-${suffix}@example.com` });
    cashier = await system.staffToken(['payments:write', 'payments:read', 'orders:read']);
  });
  afterAll(async () => {
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
  /** Reads until a read of the order's payments is answered from the cache (with RabbitMQ nothing is kept until bound). */
  const cachedRead = async (id: string, token: string) => {
    let answer: Read['order'] = null;
    await eventually(
      async () => {
        const hits = await routerMetric(system, 'router_entity_cache_hits');
        answer = await read(id, token);
        return (await routerMetric(system, 'router_entity_cache_hits')) > hits;
      },
      'a read of the order’s payments answered from the cache',
      { timeoutMs: 15_000 },
    );
    return answer as Read['order'];
  };
  const mutate = async (mutation: string, input: Record<string, unknown>, token: string) => {
    const { body } = await system.graphql<Record<string, { userErrors: UserError[] }>>(mutation, { input }, token);
    expect(body.errors).toBeUndefined();
    expect(Object.values(body.data!)[0]!.userErrors).toEqual([]);
    return Object.values(body.data!)[0] as { payment?: { id: string } };
  };
  /** Runs `change` and waits until the router has heard each of `events`. */
  const heard = async <T>(events: string[], change: () => Promise<T>) => {
    const before = await Promise.all(events.map((event) => routerMetric(system, 'router_entity_cache_events', event)));
    const changed = await change();
    for (const [index, event] of events.entries()) {
      await eventually(
        async () => (await routerMetric(system, 'router_entity_cache_events', event)) > before[index]!,
        `${event} reached the router`,
        {
          timeoutMs: 15_000,
        },
      );
    }
    return changed;
  };

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
    await heard(['RefundRequested', 'RefundSucceeded'], () =>
      mutate(
        REFUND_PAYMENT,
        {
          paymentId: cash.payment!.id,
          amount: { amount: '1.00', currencyCode: 'CNY' },
          reason: 'scratched box',
          idempotencyKey: `refund-${id}`,
        },
        cashier,
      ),
    );
    const after = await read(id, alice.token);
    expect(after!.payments).toEqual([{ channel: 'CASH', status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: '1.00' } }]);
  });

  it('shows the member their own payment at once, others once PaymentCreated is heard, and the kept answer to nobody else', async () => {
    const id = await placed();
    expect(await cachedRead(id, alice.token)).toEqual({ id, paymentStatus: 'UNPAID', payments: [] });
    expect((await cachedRead(id, cashier))!.payments).toEqual([]);
    await heard(['PaymentCreated'], async () => {
      await mutate(CREATE_PAYMENT, { orderId: id, channel: 'WECHAT_PAY', idempotencyKey: `wechat-${id}` }, alice.token);
      expect(await read(id, alice.token)).toEqual({
        id,
        paymentStatus: 'PENDING',
        payments: [{ channel: 'WECHAT_PAY', status: 'PENDING', refundedAmount: { amount: '0.00' } }],
      });
    });
    // The cashier's kept answer went with PaymentCreated, the only event of a payment waiting for the customer.
    expect((await read(id, cashier))!.payments).toEqual([{ channel: 'WECHAT_PAY', status: 'PENDING', refundedAmount: { amount: '0.00' } }]);
    // Another member and an anonymous caller are refused the order itself, so never see the member's kept answer.
    expect(await read(id, bob.token)).toBeNull();
    expect((await system.graphql<Read>(ORDER_PAYMENTS, { id })).body.data?.order ?? null).toBeNull();
  });
});

reportSkippedMysql();
