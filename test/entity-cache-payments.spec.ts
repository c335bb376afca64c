import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { newId } from '../platform/values/ids.ts';
import { afterEventsHeard, readUntilCached, startCacheSystem } from './support/entity-cache.ts';
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
    ({ system, alice, bob } = await startCacheSystem(target));
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
  const cachedRead = (id: string, token: string) => readUntilCached(system, 'router_entity_cache_hits', () => read(id, token));
  const mutate = async (mutation: string, input: Record<string, unknown>, token: string) => {
    const { body } = await system.graphql<Record<string, { userErrors: UserError[] }>>(mutation, { input }, token);
    expect(body.errors).toBeUndefined();
    expect(Object.values(body.data!)[0]!.userErrors).toEqual([]);
    return Object.values(body.data!)[0] as { payment?: { id: string } };
  };
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
