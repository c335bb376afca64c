import type { Identity } from '../../../platform/auth/identity.ts';
import type { Config } from '../../../platform/config/config.ts';
import { type DatabaseTarget, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { address, member, type OrdersSystem, startOrdersSystem } from '../../orders/test/fixtures.ts';
import { type PaymentProviders, paymentProviders } from '../providers/index.ts';
import type { Callback } from '../providers/wechatpay-simulator.ts';
import { paymentsSubgraph } from '../server.ts';

/**
 * Payments needs real orders (their totals, members and statuses), so its
 * tests run the catalogue, stock, orders and payments subgraphs on free ports,
 * sharing one in-process bus as embedded mode does: PaymentSucceeded reaches
 * orders, OrderCancelled reaches payments. Providers are the simulators,
 * which sign callbacks exactly as the real providers do.
 */
export { member };
export const cashier: Identity = staff('payments:write', 'payments:read', 'orders:write', 'orders:read');
export const paymentsReader: Identity = staff('payments:read');

export type UserError = { code: string; field: string | null; message: string };
export type PaymentView = {
  id: string;
  channel: string;
  status: string;
  amount: { amount: string; currencyCode: string };
  refundedAmount: { amount: string; currencyCode: string };
  qrCodeUrl: string | null;
  transferReference: string | null;
  outTradeNo: string;
  providerReference: string | null;
  order: { id: string } | null;
};
export const PAYMENT_FIELDS =
  'id channel status amount { amount currencyCode } refundedAmount { amount currencyCode } qrCodeUrl transferReference outTradeNo providerReference order { id }';

export type PaymentsSystem = {
  orders: OrdersSystem;
  payments: TestSubgraph;
  providers: PaymentProviders;
  /** Places an ONLINE order of `quantity` units of a SKU priced `price` CNY for the member. */
  placeOrder(memberId: string, options?: { price?: string; quantity?: number }): Promise<{ id: string; number: string; total: string }>;
  createPayment(
    input: { orderId: string; channel: string; idempotencyKey: string },
    identity: Identity,
  ): Promise<{ payment: PaymentView | null; userErrors: UserError[] }>;
  payment(id: string, identity?: Identity): Promise<PaymentView | null>;
  /** POSTs a callback to the payments server's own route, as the router forwards it. */
  deliver(path: '/callbacks/wechatpay' | '/callbacks/alipay', callback: Callback): Promise<{ status: number; body: string }>;
  orderStatus(orderId: string): Promise<string>;
  /** Waits until every event committed so far has reached its consumers (payments -> orders -> payments). */
  settle(): Promise<void>;
  count(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
};

let skuCount = 0;

/** What the tests of one payments suite share: a fresh environment and the running system. */
export type PaymentsSuite = { env: TestEnvironment; system: PaymentsSystem };

/**
 * The set-up of every payments suite on `target`: called in a describe block,
 * it starts the system before the block's tests and stops it and removes its
 * databases after them. The hooks fill the returned object, so tests (and the
 * block's own later beforeAll) read `suite.system` when they run.
 */
export function paymentsSuite(target: DatabaseTarget): PaymentsSuite {
  const suite = {} as PaymentsSuite;
  beforeAll(async () => {
    suite.env = testEnvironment(target);
    suite.system = await startPaymentsSystem(suite.env.config);
  });
  afterAll(async () => {
    await suite.system?.close();
    await suite.env?.cleanup();
  });
  return suite;
}

export async function startPaymentsSystem(config: Config): Promise<PaymentsSystem> {
  const orders = await startOrdersSystem(config);
  const payments = await startTestSubgraph(paymentsSubgraph, config, { bus: orders.bus, peerUrls: orders.urls });
  orders.urls.payments = payments.url;
  const base = payments.url.replace(/\/graphql$/, '');

  const system: PaymentsSystem = {
    orders,
    payments,
    providers: paymentProviders(config),
    async placeOrder(memberId, options = {}) {
      const code = `PAY-SKU-${++skuCount}`;
      await orders.stockUp([{ code, price: options.price ?? '123.45', quantity: 100 }]);
      const placed = await orders.place(
        {
          idempotencyKey: `checkout-${code}`,
          channel: 'ONLINE',
          lines: [{ skuCode: code, quantity: options.quantity ?? 1 }],
          shippingAddress: address,
        },
        member(memberId),
      );
      if (!placed.order) throw new Error(`placeOrder: ${JSON.stringify(placed.userErrors)}`);
      return { id: placed.order.id, number: placed.order.number, total: placed.order.total.amount };
    },
    async createPayment(input, identity) {
      const result = await payments.request<{ createPayment: { payment: PaymentView | null; userErrors: UserError[] } }>(
        `mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { payment { ${PAYMENT_FIELDS} } userErrors { code field message } } }`,
        { input },
        identity,
      );
      if (result.errors) throw new Error(`createPayment: ${JSON.stringify(result.errors)}`);
      return result.data!.createPayment;
    },
    async payment(id, identity = paymentsReader) {
      const result = await payments.request<{ payment: PaymentView | null }>(
        `query ($id: ID!) { payment(id: $id) { ${PAYMENT_FIELDS} } }`,
        { id },
        identity,
      );
      if (result.errors) throw new Error(`payment: ${JSON.stringify(result.errors)}`);
      return result.data!.payment;
    },
    async deliver(path, callback) {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: callback.headers, body: callback.body });
      return { status: response.status, body: await response.text() };
    },
    async orderStatus(orderId) {
      const result = await orders.orders.request<{ order: { status: string } | null }>(
        'query ($id: ID!) { order(id: $id) { status } }',
        { id: orderId },
        staff('orders:read'),
      );
      return result.data!.order!.status;
    },
    async settle() {
      for (let i = 0; i < 3; i++) {
        await payments.server.relay.drain();
        await orders.orders.server.relay.drain();
      }
      await payments.server.relay.drain();
      await paymentProviders(config).wechatPaySimulator?.delivered();
      await payments.server.relay.drain();
    },
    async count(sql, params = []) {
      const db = payments.server.db;
      const [row] = await db.execute<{ n: number | string }>(db.fork(), sql, params);
      return Number(row?.n ?? 0);
    },
    async close() {
      await payments.close();
      await orders.close();
    },
  };
  return system;
}
