import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { OTLP_KIND, type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../platform/testing/otlp-receiver.ts';
import { newId } from '../platform/values/ids.ts';
import { paymentProviders } from '../subgraphs/payments/providers/index.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { placeExampleOrder } from './support/shoppers.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Issue 24, D1: one trace per client request, exported by the OpenTelemetry
 * SDK of every service to a real OTLP/HTTP receiver (protobuf, decoded with
 * the OTLP schema). The whole system runs as `npm start` runs it (every
 * subgraph and the router in one process, each with its own TracerProvider
 * and `service.name`), with OTEL_EXPORTER_OTLP_ENDPOINT pointing at the
 * receiver. A member places the contract's example order and pays it with
 * WeChat Pay; the provider's signed callback, one request to the router,
 * must come back as one trace: the router, payments, the bus (publish and
 * consume), orders marking the order paid, stock keeping the paid order's
 * reservation, members crediting points, with SQL statements inside.
 * On MySQL the bus is RabbitMQ when AMQP_URL is set, so the trace context
 * crosses the broker in message headers.
 */
const CREATE_PAYMENT = contractOperation('payments.graphql', 'CreatePayment');
type Money = { amount: string; currencyCode: string };

describe.each(databaseTargets())('one trace per request across the system on $label', (target) => {
  let system: TestSystem;
  let receiver: OtlpReceiver;
  const amqpUrl = target.mysqlUrl ? process.env.AMQP_URL : undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    system = await startTestSystem(target, {
      SEED_DEMO_DATA: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      ...(amqpUrl ? { AMQP_URL: amqpUrl } : {}),
    });
  });
  afterAll(async () => {
    await system?.close();
    await receiver?.close();
  });

  const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const byId = (spans: ReceivedSpan[]) => new Map(spans.map((span) => [span.spanId, span]));
  /** The span's ancestors up to the root, nearest first. */
  const ancestors = (spans: ReceivedSpan[], span: ReceivedSpan) => {
    const index = byId(spans);
    const chain: ReceivedSpan[] = [];
    for (
      let parent = span.parentSpanId && index.get(span.parentSpanId);
      parent;
      parent = parent.parentSpanId && index.get(parent.parentSpanId)
    )
      chain.push(parent);
    return chain;
  };

  it('traces placing an order: the operation span at the router, a fetch per subgraph, the subgraphs and their SQL', async () => {
    const token = await system.memberToken(newId());
    const orderId = await placeExampleOrder(system, token, `traced-${newId()}`);
    const operation = await eventually(
      () => receiver.spans.find((span) => span.service === 'router' && span.name === 'mutation PlaceOrder') ?? false,
      'the router span of PlaceOrder',
    );
    expect(operation.kind).toBe(OTLP_KIND.server);
    expect(operation.attributes).toMatchObject({ 'graphql.operation.name': 'PlaceOrder', 'graphql.operation.type': 'mutation' });
    // Never the variables: nothing of the order's input (the address, the idempotency key) is in any span.
    const address = (contractExamples().PlaceOrder as { input: { shippingAddress: { line1: string } } }).input.shippingAddress.line1;
    expect(JSON.stringify(receiver.spans)).not.toContain(address);

    const spans = await eventually(() => {
      const found = inTrace(operation.traceId);
      return found.some((span) => span.service === 'stock' && span.kind === OTLP_KIND.server) && found;
    }, 'the spans of the order reaching stock');
    const fetchOrders = spans.find((span) => span.service === 'router' && span.name === 'fetch orders');
    expect(fetchOrders?.parentSpanId).toBe(operation.spanId);
    const ordersServer = spans.find((span) => span.service === 'orders' && span.kind === OTLP_KIND.server);
    expect(ordersServer?.parentSpanId).toBe(fetchOrders?.spanId);
    expect(ordersServer?.attributes['graphql.operation.type']).toBe('mutation');
    // Orders reserves the stock: stock's request is a child of orders' work.
    const stockServer = spans.find((span) => span.service === 'stock' && span.kind === OTLP_KIND.server)!;
    expect(ancestors(spans, stockServer)).toContainEqual(ordersServer);
    // SQL statements of orders, inside its request, without the values it wrote.
    const ordersSql = spans.filter((span) => span.service === 'orders' && span.name.startsWith('SQL '));
    expect(ordersSql.length).toBeGreaterThan(0);
    expect(ordersSql.every((span) => ancestors(spans, span).includes(ordersServer!))).toBe(true);
    expect(ordersSql.map((span) => span.attributes['db.query.text']).join('\n')).not.toContain(orderId);
  });

  it('traces a payment callback as one trace: router, payments, the bus, orders, stock and the members consumer, with SQL inside', async () => {
    const token = await system.memberToken(newId());
    const orderId = await placeExampleOrder(system, token, `traced-paid-${newId()}`);
    const { body } = await system.graphql<{
      createPayment: { payment: { qrCodeUrl: string; amount: Money } | null; userErrors: unknown[] };
    }>(
      CREATE_PAYMENT,
      {
        input: {
          ...(contractExamples().CreatePayment as { input: object }).input,
          orderId,
          channel: 'WECHAT_PAY',
          idempotencyKey: newId(),
        },
      },
      token,
    );
    const payment = body.data!.createPayment.payment!;
    const [yuan, cents = ''] = payment.amount.amount.split('.');
    const callback = paymentProviders(system.config).wechatPaySimulator!.paidCallback({
      outTradeNo: new URL(payment.qrCodeUrl).searchParams.get('out_trade_no')!,
      totalFen: Number(yuan) * 100 + Number(cents.padEnd(2, '0')),
      transactionId: '4200000000000000000000000024',
    });
    const traceparent = `00-${newTraceId()}-00f067aa0ba902b7-01`;
    const traceId = traceparent.split('-')[1]!;
    expect(await system.post('/callbacks/wechatpay', { ...callback.headers, traceparent }, callback.body)).toEqual({
      status: 204,
      body: '',
    });

    const spans = await eventually(
      () => {
        const found = inTrace(traceId);
        const has = (service: string, name: string) => found.some((span) => span.service === service && span.name === name);
        const server = (service: string) => found.some((span) => span.service === service && span.kind === OTLP_KIND.server);
        return (
          ['router', 'payments', 'stock'].every(server) &&
          has('orders', 'process PaymentSucceeded') &&
          has('members', 'process OrderPaid') &&
          found
        );
      },
      'the router, payments, stock and the consumers of the payment in its trace',
      { timeoutMs: 15_000 },
    );
    const routerSpan = spans.find((span) => span.service === 'router' && span.kind === OTLP_KIND.server)!;
    expect(routerSpan).toMatchObject({ parentSpanId: '00f067aa0ba902b7', attributes: { 'http.route': '/callbacks' } });
    const paymentsServer = spans.find((span) => span.service === 'payments' && span.kind === OTLP_KIND.server)!;
    expect(paymentsServer.parentSpanId).toBe(routerSpan.spanId);
    // The event left the outbox under a producer span in the trace of the request that recorded it.
    const publish = spans.find((span) => span.name === 'publish PaymentSucceeded')!;
    expect(publish).toMatchObject({ service: 'payments', kind: OTLP_KIND.producer });
    expect(ancestors(spans, publish)).toContainEqual(paymentsServer);
    const ordersConsumer = spans.find((span) => span.service === 'orders' && span.name === 'process PaymentSucceeded')!;
    expect(ordersConsumer).toMatchObject({ kind: OTLP_KIND.consumer, parentSpanId: publish.spanId });
    // Orders keeps the paid order's reservation at stock, inside its consumer.
    const stockServer = spans.find((span) => span.service === 'stock' && span.kind === OTLP_KIND.server)!;
    expect(ancestors(spans, stockServer)).toContainEqual(ordersConsumer);
    // Orders' OrderPaid reaches members, who credit the points: a consumer span two hops down the bus.
    const membersConsumer = spans.find((span) => span.service === 'members' && span.name === 'process OrderPaid')!;
    expect(ancestors(spans, membersConsumer)).toContainEqual(ordersConsumer);
    for (const work of [paymentsServer, ordersConsumer, membersConsumer, stockServer]) {
      const sql = spans.filter((span) => span.name.startsWith('SQL ') && span.parentSpanId === work.spanId);
      expect({
        service: work.service,
        name: work.name,
        sql: sql.length > 0 && sql.every((span) => span.kind === OTLP_KIND.client),
      }).toEqual({
        service: work.service,
        name: work.name,
        sql: true,
      });
    }
    // One tree: every span's parent is in the trace (a parent ends, and is exported, after its children),
    // except the caller's span the router continued.
    await eventually(() => {
      const all = inTrace(traceId);
      const ids = byId(all);
      expect(all.filter((span) => !ids.has(span.parentSpanId ?? '')).map((span) => span.parentSpanId)).toEqual(['00f067aa0ba902b7']);
    }, 'every span of the trace under the caller’s');
  });
});

reportSkippedMysql();

function newTraceId(): string {
  return newId().replaceAll('-', '').padEnd(32, '0').slice(0, 32);
}
