import { databaseTargets, reportSkippedMysql } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { TRANSFER_REFERENCE } from '../create-payment.ts';
import { cashier, member, paymentsSuite } from './fixtures.ts';

/**
 * createPayment against real catalogue, stock, orders and payments
 * subgraphs: the amount comes from the order, one active payment per order,
 * idempotency keys with Stripe's semantics, and who may pay what.
 */
const ORDER_PAYMENTS = `query ($id: ID!) {
  _entities(representations: [{ __typename: "Order", id: $id }]) {
    ... on Order { paymentStatus payments { id channel status amount { amount currencyCode } } }
  }
}`;

describe.each(databaseTargets())('createPayment on $label', (target) => {
  const suite = paymentsSuite(target);

  const paymentRows = () => suite.system.count('select count(*) as n from payment');

  it("starts a WeChat Pay payment for the order's total with a QR code URL, and answers the same key again with the same payment", async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer, { price: '61.50', quantity: 2 });
    const input = { orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: `wx-${order.id}` };
    const first = await suite.system.createPayment(input, member(buyer));
    expect(first.userErrors).toEqual([]);
    expect(first.payment).toMatchObject({
      channel: 'WECHAT_PAY',
      status: 'PENDING',
      amount: { amount: '123.00', currencyCode: 'CNY' },
      refundedAmount: { amount: '0.00', currencyCode: 'CNY' },
      transferReference: null,
      providerReference: null,
      order: { id: order.id },
    });
    const code = new URL(first.payment!.qrCodeUrl!);
    expect(code.pathname).toBe('/callbacks/simulator/wechatpay');
    expect(code.searchParams.get('out_trade_no')).toBe(first.payment!.outTradeNo);
    expect(code.searchParams.get('total')).toBe('12300');

    expect(await suite.system.createPayment(input, member(buyer))).toEqual(first);
    const changed = await suite.system.createPayment({ ...input, channel: 'ALIPAY' }, member(buyer));
    expect(changed).toEqual({
      payment: null,
      userErrors: [{ code: 'DUPLICATE_REQUEST', field: 'input.idempotencyKey', message: expect.stringContaining(first.payment!.id) }],
    });
  });

  it('keeps one active payment per order: another key is PAYMENT_IN_PROGRESS and writes nothing', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const first = await suite.system.createPayment({ orderId: order.id, channel: 'ALIPAY', idempotencyKey: 'first' }, member(buyer));
    expect(first.userErrors).toEqual([]);
    expect(first.payment?.qrCodeUrl).toContain('/callbacks/simulator/alipay?');
    const before = await paymentRows();
    const second = await suite.system.createPayment({ orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: 'second' }, member(buyer));
    expect(second.userErrors).toEqual([
      { code: 'PAYMENT_IN_PROGRESS', field: 'input.orderId', message: expect.stringContaining(first.payment!.id) },
    ]);
    expect(await paymentRows()).toBe(before);
  });

  it('lets exactly one of many concurrent payments of one order through, whatever their keys', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        suite.system.createPayment(
          { orderId: order.id, channel: i % 2 ? 'ALIPAY' : 'WECHAT_PAY', idempotencyKey: `race-${i}` },
          member(buyer),
        ),
      ),
    );
    expect(results.filter((result) => result.payment)).toHaveLength(1);
    expect(results.filter((result) => result.userErrors[0]?.code === 'PAYMENT_IN_PROGRESS')).toHaveLength(7);
    expect(await suite.system.count('select count(*) as n from payment where order_id = ?', [order.id])).toBe(1);
  });

  it('answers concurrent retries of one key with the one payment they created', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const input = { orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: 'same-key' };
    const results = await Promise.all(Array.from({ length: 6 }, () => suite.system.createPayment(input, member(buyer))));
    expect(results.flatMap((result) => result.userErrors)).toEqual([]);
    const ids = new Set(results.map((result) => result.payment?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(String));
    expect(await suite.system.count('select count(*) as n from payment where order_id = ?', [order.id])).toBe(1);
  });

  it("refuses to pay another member's order as if it did not exist, and writes nothing", async () => {
    const order = await suite.system.placeOrder(newId());
    const before = await paymentRows();
    const result = await suite.system.createPayment(
      { orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: 'not-mine' },
      member(newId()),
    );
    expect(result).toEqual({ payment: null, userErrors: [{ code: 'UNKNOWN_ORDER', field: 'input.orderId', message: expect.any(String) }] });
    const unknown = await suite.system.createPayment({ orderId: newId(), channel: 'WECHAT_PAY', idempotencyKey: 'nothing' }, cashier);
    expect(unknown.userErrors[0]?.code).toBe('UNKNOWN_ORDER');
    expect(await paymentRows()).toBe(before);
  });

  it('takes CASH only from a cashier, and settles it at once so the order is PAID', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const refused = await suite.system.createPayment({ orderId: order.id, channel: 'CASH', idempotencyKey: 'cash' }, member(buyer));
    expect(refused.userErrors).toEqual([
      { code: 'NOT_ALLOWED', field: 'input.channel', message: expect.stringContaining('payments:write') },
    ]);
    const readerOnly = await suite.system.createPayment(
      { orderId: order.id, channel: 'CASH', idempotencyKey: 'cash' },
      staff('payments:read', 'orders:write'),
    );
    expect(readerOnly.userErrors[0]?.code).toBe('NOT_ALLOWED');

    const cash = await suite.system.createPayment({ orderId: order.id, channel: 'CASH', idempotencyKey: 'cash' }, cashier);
    expect(cash.payment).toMatchObject({ channel: 'CASH', status: 'SUCCEEDED', qrCodeUrl: null, amount: { amount: '123.45' } });
    await suite.system.settle();
    expect(await suite.system.orderStatus(order.id)).toBe('PAID');
    expect(
      await suite.system.count("select count(*) as n from outbox_event where type = 'PaymentSucceeded' and event_key = ?", [order.id]),
    ).toBe(1);
  });

  it('gives a bank transfer a unique reference to quote and leaves it pending', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const transfer = await suite.system.createPayment(
      { orderId: order.id, channel: 'BANK_TRANSFER', idempotencyKey: 'bank' },
      member(buyer),
    );
    expect(transfer.payment).toMatchObject({ status: 'PENDING', qrCodeUrl: null });
    expect(transfer.payment!.transferReference).toMatch(new RegExp(`^${TRANSFER_REFERENCE.source}$`));
  });

  it('refuses an order that is not waiting for payment (paid or cancelled)', async () => {
    const buyer = newId();
    const paid = await suite.system.placeOrder(buyer);
    await suite.system.createPayment({ orderId: paid.id, channel: 'CASH', idempotencyKey: 'paid-cash' }, cashier);
    await suite.system.settle();
    const again = await suite.system.createPayment({ orderId: paid.id, channel: 'WECHAT_PAY', idempotencyKey: 'again' }, member(buyer));
    expect(again.userErrors).toEqual([{ code: 'ORDER_NOT_PAYABLE', field: 'input.orderId', message: expect.stringContaining('PAID') }]);

    const cancelled = await suite.system.placeOrder(buyer);
    await suite.system.orders.mutate('cancelOrder', { orderId: cancelled.id, reason: 'changed my mind' }, member(buyer));
    const late = await suite.system.createPayment({ orderId: cancelled.id, channel: 'ALIPAY', idempotencyKey: 'late' }, member(buyer));
    expect(late.userErrors[0]).toMatchObject({ code: 'ORDER_NOT_PAYABLE', message: expect.stringContaining('CANCELLED') });
  });

  it("adds the order's payments and payment status to Order, for its member and payments staff only", async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const { payment } = await suite.system.createPayment(
      { orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: 'seen' },
      member(buyer),
    );
    const view = async (identity: Parameters<typeof suite.system.payments.request>[2]) =>
      (await suite.system.payments.request<{ _entities: unknown[] }>(ORDER_PAYMENTS, { id: order.id }, identity)).data!._entities[0];
    const expected = {
      paymentStatus: 'PENDING',
      payments: [{ id: payment!.id, channel: 'WECHAT_PAY', status: 'PENDING', amount: { amount: '123.45', currencyCode: 'CNY' } }],
    };
    expect(await view(member(buyer))).toEqual(expected);
    expect(await view(staff('payments:read'))).toEqual(expected);
    expect(await view(member(newId()))).toEqual({ paymentStatus: 'UNPAID', payments: [] });
    expect(await suite.system.payment(payment!.id, member(newId()))).toBeNull();
    expect((await suite.system.payment(payment!.id, member(buyer)))?.id).toBe(payment!.id);
  });
});

describe('createPayment on MySQL', () => {
  reportSkippedMysql();
});
