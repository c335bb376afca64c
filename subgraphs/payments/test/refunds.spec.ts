import { databaseTargets, reportSkippedMysql } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { AlipayError } from '../providers/alipay-client.ts';
import { cashier, member, type PaymentView, paymentsSuite, type UserError } from './fixtures.ts';

/**
 * refundPayment: full or partial, several per payment, never more than was
 * paid in total (also under concurrency), idempotent by key; completed by the
 * provider's signed refund callback (WeChat Pay) or its synchronous answer
 * (Alipay). And a cancelled order's payments: closed when unpaid, refunded
 * when paid.
 */
type RefundView = { id: string; status: string; amount: { amount: string; currencyCode: string } };
type RefundPayload = {
  refund: RefundView | null;
  payment: { id: string; status: string; refundedAmount: { amount: string } } | null;
  userErrors: UserError[];
};

const REFUND = `mutation ($input: RefundPaymentInput!) {
  refundPayment(input: $input) {
    refund { id status amount { amount currencyCode } }
    payment { id status refundedAmount { amount currencyCode } }
    userErrors { code field message }
  }
}`;

describe.each(databaseTargets())('refunds on $label', (target) => {
  const suite = paymentsSuite(target);

  const paid = async (channel: 'WECHAT_PAY' | 'ALIPAY' | 'CASH', price = '100.00'): Promise<{ orderId: string; payment: PaymentView }> => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer, { price });
    const identity = channel === 'CASH' ? cashier : member(buyer);
    const { payment } = await suite.system.createPayment({ orderId: order.id, channel, idempotencyKey: `pay-${order.id}` }, identity);
    const minor = Math.round(Number(price) * 100);
    if (channel === 'WECHAT_PAY') {
      await suite.system.deliver(
        '/callbacks/wechatpay',
        suite.system.providers.wechatPaySimulator!.paidCallback({ outTradeNo: payment!.outTradeNo, totalFen: minor }),
      );
    } else if (channel === 'ALIPAY') {
      await suite.system.deliver(
        '/callbacks/alipay',
        suite.system.providers.alipaySimulator!.tradeNotify({ outTradeNo: payment!.outTradeNo, totalAmount: price }),
      );
    }
    await suite.system.settle();
    return { orderId: order.id, payment: payment! };
  };
  const refund = async (input: { paymentId: string; amount: string; key: string; reason?: string }, identity = cashier) => {
    const result = await suite.system.payments.request<{ refundPayment: RefundPayload }>(
      REFUND,
      {
        input: {
          paymentId: input.paymentId,
          amount: { amount: input.amount, currencyCode: 'CNY' },
          reason: input.reason ?? 'partial return',
          idempotencyKey: input.key,
        },
      },
      identity,
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.refundPayment;
  };
  const refundEvents = async (orderId: string) => {
    const db = suite.system.payments.server.db;
    const rows = await db.execute<{ payload: string }>(
      db.fork(),
      "select payload from outbox_event where type = 'RefundSucceeded' and event_key = ? order by id",
      [orderId],
    );
    return rows.map((row) => JSON.parse(row.payload) as { amount: { minor: number }; full: boolean });
  };
  const refundRows = () => suite.system.count('select count(*) as n from refund');

  it("refunds part of a WeChat payment; WeChat's signed refund callback completes it, then the rest refunds it fully", async () => {
    const { orderId, payment } = await paid('WECHAT_PAY');
    const first = await refund({ paymentId: payment.id, amount: '30.00', key: 'r1' });
    expect(first).toEqual({
      refund: { id: expect.any(String), status: 'PENDING', amount: { amount: '30.00', currencyCode: 'CNY' } },
      payment: { id: payment.id, status: 'SUCCEEDED', refundedAmount: { amount: '30.00', currencyCode: 'CNY' } },
      userErrors: [],
    });
    await suite.system.settle();
    expect((await suite.system.payment(payment.id))?.status).toBe('PARTIALLY_REFUNDED');
    expect(await refundEvents(orderId)).toEqual([
      expect.objectContaining({ amount: { minor: 3000, currency: 'CNY' }, full: false, paymentId: payment.id }),
    ]);

    const rest = await refund({ paymentId: payment.id, amount: '70.00', key: 'r2' });
    expect(rest.userErrors).toEqual([]);
    await suite.system.settle();
    expect(await suite.system.payment(payment.id)).toMatchObject({ status: 'REFUNDED', refundedAmount: { amount: '100.00' } });
    expect((await refundEvents(orderId)).map((event) => event.full)).toEqual([false, true]);
  });

  it('refuses a refund above what is left and writes nothing', async () => {
    const { payment } = await paid('ALIPAY');
    await refund({ paymentId: payment.id, amount: '60.00', key: 'a1' });
    const before = await refundRows();
    const over = await refund({ paymentId: payment.id, amount: '40.01', key: 'a2' });
    expect(over).toEqual({
      refund: null,
      payment: null,
      userErrors: [{ code: 'REFUND_EXCEEDS_PAYMENT', field: 'input.amount.amount', message: expect.stringContaining('40.00 left') }],
    });
    expect(await refundRows()).toBe(before);
    expect((await suite.system.payment(payment.id))?.refundedAmount.amount).toBe('60.00');
  });

  it('completes an Alipay refund at once, since Alipay answers refunds synchronously', async () => {
    const { orderId, payment } = await paid('ALIPAY');
    const result = await refund({ paymentId: payment.id, amount: '100.00', key: 'full' });
    expect(result.refund?.status).toBe('SUCCEEDED');
    expect(result.payment).toMatchObject({ status: 'REFUNDED', refundedAmount: { amount: '100.00' } });
    expect((await refundEvents(orderId)).map((event) => event.full)).toEqual([true]);
  });

  it('never refunds more than was paid, however many refunds race', async () => {
    const { payment } = await paid('CASH');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refund({ paymentId: payment.id, amount: '30.00', key: `race-${i}` })),
    );
    const accepted = results.filter((result) => result.refund);
    expect(accepted).toHaveLength(3);
    expect(results.filter((result) => result.userErrors[0]?.code === 'REFUND_EXCEEDS_PAYMENT')).toHaveLength(7);
    expect(await suite.system.payment(payment.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: '90.00' } });
    expect(await suite.system.count('select count(*) as n from refund where payment_id = ?', [payment.id])).toBe(3);
  });

  it('refunds once per idempotency key, and calls a different input under the same key DUPLICATE_REQUEST', async () => {
    const { orderId, payment } = await paid('CASH');
    const inputs = { paymentId: payment.id, amount: '10.00', key: 'once' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => refund(inputs)));
    expect(new Set(answers.map((answer) => answer.refund?.id)).size).toBe(1);
    expect(await suite.system.count('select count(*) as n from refund where payment_id = ?', [payment.id])).toBe(1);
    expect((await refund({ ...inputs, amount: '11.00' })).userErrors).toEqual([
      { code: 'DUPLICATE_REQUEST', field: 'input.idempotencyKey', message: expect.any(String) },
    ]);
    expect(await refundEvents(orderId)).toHaveLength(1);
  });

  it('refuses to refund an unpaid payment, an unknown one, zero, or without payments:write', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const { payment } = await suite.system.createPayment(
      { orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: 'unpaid' },
      member(buyer),
    );
    expect((await refund({ paymentId: payment!.id, amount: '1.00', key: 'u1' })).userErrors[0]?.code).toBe('INVALID_STATE_TRANSITION');
    expect((await refund({ paymentId: payment!.id, amount: '0.00', key: 'u2' })).userErrors[0]?.code).toBe('INVALID_VALUE');
    expect((await refund({ paymentId: newId(), amount: '1.00', key: 'u3' })).userErrors[0]?.code).toBe('UNKNOWN_PAYMENT');
    const asMember = await suite.system.payments.request(
      REFUND,
      { input: { paymentId: payment!.id, amount: { amount: '1.00', currencyCode: 'CNY' }, reason: 'x', idempotencyKey: 'm' } },
      member(buyer),
    );
    expect(asMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await suite.system.count('select count(*) as n from refund where payment_id = ?', [payment!.id])).toBe(0);
  });

  it("fails a refund on WeChat's REFUND.ABNORMAL callback and frees its amount", async () => {
    const { payment } = await paid('WECHAT_PAY');
    const simulator = suite.system.providers.wechatPaySimulator!;
    const disconnect = simulator.connect(async () => undefined); // hold back the simulator's own SUCCESS callback
    try {
      const pending = await refund({ paymentId: payment.id, amount: '25.00', key: 'abnormal' });
      const db = suite.system.payments.server.db;
      const [row] = await db.execute<{ out_refund_no: string }>(db.fork(), 'select out_refund_no from refund where id = ?', [
        pending.refund!.id,
      ]);
      const abnormal = simulator.refundCallback({
        outTradeNo: payment.outTradeNo,
        outRefundNo: row!.out_refund_no,
        refundFen: 2500,
        totalFen: 10000,
        status: 'ABNORMAL',
      });
      expect((await suite.system.deliver('/callbacks/wechatpay', abnormal)).status).toBe(204);
      expect((await suite.system.payment(payment.id))?.refundedAmount.amount).toBe('0.00');
      const forged = simulator.refundCallback({
        outTradeNo: payment.outTradeNo,
        outRefundNo: row!.out_refund_no,
        refundFen: 2499,
        totalFen: 10000,
      });
      expect((await suite.system.deliver('/callbacks/wechatpay', forged)).status).toBe(400);
    } finally {
      disconnect();
    }
  });

  it('frees the amount when Alipay refuses a refund, and keeps it pending (sent again on retry) when Alipay does not answer', async () => {
    const { payment } = await paid('ALIPAY');
    const alipay = suite.system.providers.alipay;
    const real = alipay.refund;
    try {
      alipay.refund = async () => {
        throw new AlipayError('ACQ.SELLER_BALANCE_NOT_ENOUGH', 'seller balance not enough');
      };
      const refused = await refund({ paymentId: payment.id, amount: '40.00', key: 'refused' });
      expect(refused.refund?.status).toBe('FAILED');
      expect(refused.userErrors).toEqual([
        { code: 'PROVIDER_REFUSED', field: 'input.paymentId', message: expect.stringContaining('seller balance') },
      ]);
      expect(refused.payment?.refundedAmount.amount).toBe('0.00');

      alipay.refund = async () => {
        throw new TypeError('fetch failed');
      };
      const unanswered = await refund({ paymentId: payment.id, amount: '40.00', key: 'unanswered' });
      expect(unanswered.refund?.status).toBe('PENDING');
      expect(unanswered.userErrors[0]?.code).toBe('SERVICE_UNAVAILABLE');
      expect(unanswered.payment?.refundedAmount.amount).toBe('40.00');
      alipay.refund = real;
      const retried = await refund({ paymentId: payment.id, amount: '40.00', key: 'unanswered' });
      expect(retried).toMatchObject({ refund: { id: unanswered.refund!.id, status: 'SUCCEEDED' }, userErrors: [] });
    } finally {
      alipay.refund = real;
    }
  });

  it('closes the pending payment of an order that is cancelled, so the order can no longer be paid with it', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer);
    const { payment } = await suite.system.createPayment(
      { orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: 'to-close' },
      member(buyer),
    );
    await suite.system.orders.mutate('cancelOrder', { orderId: order.id, reason: 'found it cheaper' }, member(buyer));
    await suite.system.settle();
    expect((await suite.system.payment(payment!.id))?.status).toBe('CLOSED');
    expect(suite.system.providers.wechatPaySimulator!.isClosed(payment!.outTradeNo)).toBe(true);
    // Paid anyway (the customer scanned as it closed): acknowledged, kept for review, nothing changes.
    const before = await suite.system.count('select count(*) as n from callback_review');
    const late = suite.system.providers.wechatPaySimulator!.paidCallback({ outTradeNo: payment!.outTradeNo, totalFen: 12345 });
    expect((await suite.system.deliver('/callbacks/wechatpay', late)).status).toBe(204);
    expect(await suite.system.count('select count(*) as n from callback_review')).toBe(before + 1);
    expect((await suite.system.payment(payment!.id))?.status).toBe('CLOSED');
  });

  it('refunds in full what is left of a paid order that is cancelled', async () => {
    const { orderId, payment } = await paid('ALIPAY');
    await refund({ paymentId: payment.id, amount: '15.00', key: 'before-cancel' });
    await suite.system.orders.mutate('cancelOrder', { orderId, reason: 'out of stock after all' }, staff('orders:write', 'orders:read'));
    await suite.system.settle();
    expect(await suite.system.payment(payment.id)).toMatchObject({ status: 'REFUNDED', refundedAmount: { amount: '100.00' } });
    expect((await refundEvents(orderId)).map((event) => [event.amount.minor, event.full])).toEqual([
      [1500, false],
      [8500, true],
    ]);
  });
});

describe('refunds on MySQL', () => {
  reportSkippedMysql();
});
