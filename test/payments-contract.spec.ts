import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { newId } from '../platform/values/ids.ts';
import { paymentProviders } from '../subgraphs/payments/providers/index.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The payments part of the public contract (test/contract/payments.graphql)
 * through the real router to the real subgraphs: a member places an order and
 * pays it through each online channel, the providers' signed callbacks reach
 * payments through the router's /callbacks/ routes, the order becomes PAID,
 * staff refund part of it and reconcile WeChat's statement. The providers are
 * the simulators, which sign exactly as the real ones do.
 */
const PLACE_ORDER = contractOperation('orders.graphql', 'PlaceOrder');
// Invoices are invoices-contract.spec.ts's; `member` needs a registered member, which this test does not make.
const ORDER_DETAIL = contractOperation('orders.graphql', 'OrderDetail', { withoutFields: ['invoices', 'member'] });
const CREATE_PAYMENT = contractOperation('payments.graphql', 'CreatePayment');
const REFUND_PAYMENT = contractOperation('payments.graphql', 'RefundPayment');
const RECONCILE_STATEMENT = contractOperation('payments.graphql', 'ReconcileStatement');
const examples = contractExamples();

type Money = { amount: string; currencyCode: string };
type UserError = { code: string; field: string | null; message: string };
type CreatedPayment = {
  id: string;
  channel: string;
  status: string;
  amount: Money;
  qrCodeUrl: string | null;
  order: { id: string; status: string } | null;
};
type OrderDetail = { id: string; status: string; total: Money; payments: { id: string; channel: string; status: string; amount: Money }[] };

describe.each(databaseTargets())('the payments contract through the router on $label', (target) => {
  let system: TestSystem;
  let staff: string;

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    staff = await system.staffToken(['payments:write', 'payments:read', 'orders:read']);
  });
  afterAll(async () => {
    await system?.close();
  });

  const simulators = () => paymentProviders(system.config);
  const placeOrder = async (token: string) => {
    const { couponCode: _coupon, ...input } = (examples.PlaceOrder as { input: Record<string, unknown> }).input;
    const { body } = await system.graphql<{ placeOrder: { order: { id: string; total: Money } | null; userErrors: UserError[] } }>(
      PLACE_ORDER,
      { input: { ...input, idempotencyKey: newId() } },
      token,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.placeOrder.userErrors).toEqual([]);
    return body.data!.placeOrder.order!;
  };
  const createPayment = async (orderId: string, channel: string, token: string) => {
    const { body } = await system.graphql<{ createPayment: { payment: CreatedPayment | null; userErrors: UserError[] } }>(
      CREATE_PAYMENT,
      { input: { ...(examples.CreatePayment as { input: object }).input, orderId, channel, idempotencyKey: `pay-${orderId}` } },
      token,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.createPayment;
  };
  const detail = async (id: string, token: string) => {
    const { body } = await system.graphql<{ order: OrderDetail | null }>(ORDER_DETAIL, { id }, token);
    expect(body.errors).toBeUndefined();
    return body.data!.order!;
  };
  /** Events travel through the outbox and the bus after each commit: reads ask again until they show the outcome. */
  const EVENTS_ARRIVE = { timeoutMs: 5_000, intervalMs: 50 };
  const fen = (money: Money) => {
    const [yuan, cents = ''] = money.amount.split('.');
    return Number(yuan) * 100 + Number(cents.padEnd(2, '0'));
  };
  const outTradeNo = (payment: CreatedPayment) => new URL(payment.qrCodeUrl!).searchParams.get('out_trade_no')!;

  let wechatPayment: CreatedPayment;
  let wechatProviderReference: string;

  it("pays an order with WeChat Pay: the signed callback through the router's /callbacks/wechatpay makes the order PAID", async () => {
    const buyer = await system.memberToken(newId());
    const order = await placeOrder(buyer);
    const created = await createPayment(order.id, 'WECHAT_PAY', buyer);
    expect(created.userErrors).toEqual([]);
    wechatPayment = created.payment!;
    expect(wechatPayment).toEqual({
      id: expect.any(String),
      channel: 'WECHAT_PAY',
      status: 'PENDING',
      amount: order.total,
      qrCodeUrl: expect.stringContaining('/callbacks/simulator/wechatpay?out_trade_no='),
      order: { id: order.id, status: 'PENDING_PAYMENT' },
    });

    wechatProviderReference = '4200000000000000000000000042';
    const callback = simulators().wechatPaySimulator!.paidCallback({
      outTradeNo: outTradeNo(wechatPayment),
      totalFen: fen(order.total),
      transactionId: wechatProviderReference,
    });
    expect(await system.post('/callbacks/wechatpay', callback.headers, callback.body)).toEqual({ status: 204, body: '' });
    const paid = await eventually(
      async () => {
        const value = await detail(order.id, buyer);
        return value.status === 'PAID' && value;
      },
      'the order is PAID',
      EVENTS_ARRIVE,
    );
    expect(paid).toMatchObject({
      status: 'PAID',
      payments: [{ id: wechatPayment.id, channel: 'WECHAT_PAY', status: 'SUCCEEDED', amount: order.total }],
    });
  });

  it('refuses a forged callback at the router and keeps it for review; the order stays unpaid', async () => {
    const buyer = await system.memberToken(newId());
    const order = await placeOrder(buyer);
    const { payment } = await createPayment(order.id, 'WECHAT_PAY', buyer);
    // Genuine and for the right amount, it would pay the order; one changed byte of the body makes it a forgery.
    const genuine = simulators().wechatPaySimulator!.paidCallback({ outTradeNo: outTradeNo(payment!), totalFen: fen(order.total) });
    const tampered = genuine.body.replace('"event_type":"TRANSACTION.SUCCESS"', '"event_type":"TRANSACTION.SUCCESS" ');
    expect(tampered).not.toBe(genuine.body);
    const answer = await system.post('/callbacks/wechatpay', genuine.headers, tampered);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ code: 'FAIL', message: expect.stringContaining('does not verify') });
    const { body } = await system.graphql<{ paymentCallbackReviews: { edges: { node: { body: string } }[] } }>(
      '{ paymentCallbackReviews(first: 1) { edges { node { body } } } }',
      {},
      staff,
    );
    expect(body.data!.paymentCallbackReviews.edges[0]!.node.body).toBe(tampered);
    expect((await detail(order.id, buyer)).status).toBe('PENDING_PAYMENT');
  });

  it("pays an order with Alipay: the signed notify through the router's /callbacks/alipay is answered success", async () => {
    const buyer = await system.memberToken(newId());
    const order = await placeOrder(buyer);
    const { payment } = await createPayment(order.id, 'ALIPAY', buyer);
    expect(payment).toMatchObject({
      channel: 'ALIPAY',
      status: 'PENDING',
      qrCodeUrl: expect.stringContaining('/callbacks/simulator/alipay?'),
    });
    const notify = simulators().alipaySimulator!.tradeNotify({ outTradeNo: outTradeNo(payment!), totalAmount: order.total.amount });
    expect(await system.post('/callbacks/alipay', notify.headers, notify.body)).toEqual({ status: 200, body: 'success' });
    const paid = await eventually(
      async () => {
        const value = await detail(order.id, buyer);
        return value.status === 'PAID' && value;
      },
      'the order is PAID',
      EVENTS_ARRIVE,
    );
    expect(paid.payments).toEqual([{ id: payment!.id, channel: 'ALIPAY', status: 'SUCCEEDED', amount: order.total }]);
  });

  it("serves the simulator's scan-and-pay page through the router in development", async () => {
    const buyer = await system.memberToken(newId());
    const order = await placeOrder(buyer);
    const { payment } = await createPayment(order.id, 'WECHAT_PAY', buyer);
    const pageUrl = new URL(payment!.qrCodeUrl!);
    const page = await fetch(new URL(`${pageUrl.pathname}${pageUrl.search}`, system.system.routerUrl));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Scan and pay');
  });

  it('refunds part of the WeChat payment, completed by the provider’s signed refund callback', async () => {
    const { body } = await system.graphql<{
      refundPayment: {
        refund: { id: string; status: string; amount: Money } | null;
        payment: { id: string; status: string; refundedAmount: Money } | null;
        userErrors: UserError[];
      };
    }>(
      REFUND_PAYMENT,
      {
        input: {
          ...(examples.RefundPayment as { input: object }).input,
          paymentId: wechatPayment.id,
          amount: { amount: '100.00', currencyCode: 'CNY' },
        },
      },
      staff,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.refundPayment).toEqual({
      refund: { id: expect.any(String), status: 'PENDING', amount: { amount: '100.00', currencyCode: 'CNY' } },
      payment: { id: wechatPayment.id, status: 'SUCCEEDED', refundedAmount: { amount: '100.00', currencyCode: 'CNY' } },
      userErrors: [],
    });
    const refunded = await eventually(
      async () => {
        const value = (
          await system.graphql<{ payment: { status: string; refunds: { status: string }[] } }>(
            'query ($id: ID!) { payment(id: $id) { status refunds { status } } }',
            { id: wechatPayment.id },
            staff,
          )
        ).body.data!.payment;
        return value.status === 'PARTIALLY_REFUNDED' && value;
      },
      'the payment is PARTIALLY_REFUNDED',
      EVENTS_ARRIVE,
    );
    expect(refunded).toEqual({ status: 'PARTIALLY_REFUNDED', refunds: [{ status: 'SUCCEEDED' }] });
    // RefundSucceeded reaches orders, which keeps what was refunded of the order.
    const order = await eventually(
      async () => {
        const value = (
          await system.graphql<{ order: { status: string; refunded: Money } }>(
            'query ($id: ID!) { order(id: $id) { status refunded { amount currencyCode } } }',
            { id: wechatPayment.order!.id },
            staff,
          )
        ).body.data!.order;
        return value.refunded.amount !== '0.00' && value;
      },
      'the order shows the refund',
      EVENTS_ARRIVE,
    );
    expect(order).toEqual({ status: 'PAID', refunded: { amount: '100.00', currencyCode: 'CNY' } });
  });

  it("reconciles WeChat's statement: the paid payment matches, an unknown row is listed", async () => {
    const time = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const header = (examples.ReconcileStatement as { input: { statementCsv: string } }).input.statementCsv;
    const csv = `${header}${time},${wechatProviderReference},${outTradeNo(wechatPayment)},${wechatPayment.amount.amount},SUCCESS\n${time},4200000000000000000000000099,${'9'.repeat(32)},1.00,SUCCESS\n`;
    const { body } = await system.graphql<{
      reconcileStatement: {
        report: { channel: string; matched: number; missingInLedger: { providerReference: string }[] } | null;
        userErrors: UserError[];
      };
    }>(RECONCILE_STATEMENT, { input: { channel: 'WECHAT_PAY', statementCsv: csv } }, staff);
    expect(body.errors).toBeUndefined();
    expect(body.data!.reconcileStatement.userErrors).toEqual([]);
    expect(body.data!.reconcileStatement.report).toMatchObject({
      channel: 'WECHAT_PAY',
      matched: 1,
      missingInLedger: [{ providerReference: '4200000000000000000000000099' }],
    });
  });

  it('validates the contract examples as they are: an unknown order is a user error, not a failure', async () => {
    const buyer = await system.memberToken(newId());
    const { body } = await system.graphql<{ createPayment: { payment: null; userErrors: UserError[] } }>(
      CREATE_PAYMENT,
      examples.CreatePayment,
      buyer,
    );
    expect(body.data!.createPayment.userErrors[0]?.code).toBe('UNKNOWN_ORDER');
    const anonymous = await system.graphql(CREATE_PAYMENT, examples.CreatePayment);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the payments contract through the router on MySQL', () => {
  reportSkippedMysql();
});
