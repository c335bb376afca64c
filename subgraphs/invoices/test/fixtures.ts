import type { Identity } from '../../../platform/auth/identity.ts';
import type { Config } from '../../../platform/config/config.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { address, member } from '../../orders/test/fixtures.ts';
import { cashier, type PaymentsSystem, startPaymentsSystem } from '../../payments/test/fixtures.ts';
import { invoicesSubgraph } from '../server.ts';

/**
 * Invoices needs real orders that were really paid (and refunded), so its
 * tests run catalogue, stock, orders, payments and invoices on free ports,
 * sharing one in-process bus as embedded mode does: CASH payments settle at
 * once, PaymentSucceeded makes the order PAID, RefundSucceeded reaches
 * invoices. Products are created with the tax class a test needs.
 */
export { cashier, member };
export const clerk: Identity = staff('invoices:write', 'invoices:read');
export const invoiceReader: Identity = staff('invoices:read');

export type UserError = { code: string; field: string | null; message: string };
type Money = { amount: string; currencyCode: string };
export type LineView = {
  description: string;
  skuCode: string;
  quantity: number;
  unitPrice: Money;
  discount: Money;
  amount: Money;
  taxRate: string;
  tax: Money;
  net: Money;
};
export type InvoiceView = {
  id: string;
  kind: string;
  number: string | null;
  status: string;
  order: { id: string };
  buyer: { type: string; name: string; taxId: string | null; email: string };
  lines: LineView[];
  subtotal: Money | null;
  taxTotal: Money | null;
  total: Money | null;
  issuedAt: string | null;
  rejectionReason: string | null;
  reason: string | null;
  creditNote: { id: string; number: string } | null;
  creditNotes: { id: string; number: string; total: Money }[];
  creditedInvoice: { id: string } | null;
  pdfUrl: string | null;
};
const MONEY = '{ amount currencyCode }';
export const INVOICE_FIELDS = `id kind number status order { id } buyer { type name taxId email }
  lines { description skuCode quantity unitPrice ${MONEY} discount ${MONEY} amount ${MONEY} taxRate tax ${MONEY} net ${MONEY} }
  subtotal ${MONEY} taxTotal ${MONEY} total ${MONEY} issuedAt rejectionReason reason
  creditNote { id number } creditNotes { id number total ${MONEY} } creditedInvoice { id } pdfUrl`;

export type Payload = { invoice: InvoiceView | null; userErrors: UserError[] };
export const COMPANY = { name: 'Shanghai Auto Parts Co., Ltd.', taxId: '91310115MA1K3YJ20B', email: 'finance@example.com' };

export type InvoicesSystem = {
  payments: PaymentsSystem;
  invoices: TestSubgraph;
  /** Creates a product of `taxClass` with these SKUs (CNY prices) in the catalogue and stocks them. */
  product(
    taxClass: 'STANDARD' | 'REDUCED' | 'EXEMPT',
    skus: { code: string; name?: string; price: string }[],
    name?: string,
  ): Promise<void>;
  /** Places an ONLINE order of the member's and pays it in cash; resolves once orders says PAID. */
  paidOrder(
    memberId: string,
    lines: { skuCode: string; quantity: number }[],
  ): Promise<{ id: string; number: string; total: string; paymentId: string }>;
  /** Places an order and leaves it unpaid. */
  unpaidOrder(memberId: string, lines: { skuCode: string; quantity: number }[]): Promise<{ id: string }>;
  mutate(
    name: 'requestInvoice' | 'issueInvoice' | 'rejectInvoice' | 'voidInvoice',
    input: Record<string, unknown>,
    identity?: Identity,
  ): Promise<Payload>;
  invoice(id: string, identity?: Identity): Promise<InvoiceView | null>;
  /** Staff refund of a cash payment: completed at once; its RefundSucceeded reaches invoices. */
  refund(paymentId: string, amount: string, key: string): Promise<void>;
  /** Waits until every committed event has reached its consumers. */
  settle(): Promise<void>;
  count(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
};

let orderCount = 0;

export async function startInvoicesSystem(config: Config): Promise<InvoicesSystem> {
  const payments = await startPaymentsSystem(config);
  const { orders } = payments;
  const invoices = await startTestSubgraph(invoicesSubgraph, config, { bus: orders.bus, peerUrls: orders.urls });
  orders.urls.invoices = invoices.url;
  let brand: { brandId: string; categoryId: string } | null = null;
  const catalogueWriter = staff('catalogue:write');
  const stockWriter = staff('stock:write', 'stock:read');

  const place = async (memberId: string, lines: { skuCode: string; quantity: number }[]) => {
    const placed = await orders.place(
      { idempotencyKey: `invoices-order-${++orderCount}`, channel: 'ONLINE', lines, shippingAddress: address },
      member(memberId),
    );
    if (!placed.order) throw new Error(`placeOrder: ${JSON.stringify(placed.userErrors)}`);
    return placed.order;
  };

  const system: InvoicesSystem = {
    payments,
    invoices,
    async product(taxClass, skus, name) {
      if (!brand) {
        const made = await orders.catalogue.request<{
          createBrand: { brand: { id: string } };
          createCategory: { category: { id: string } };
        }>(
          'mutation { createBrand(input: { name: "Invoices test brand" }) { brand { id } } createCategory(input: { name: "Invoices test category" }) { category { id } } }',
          {},
          catalogueWriter,
        );
        brand = { brandId: made.data!.createBrand.brand.id, categoryId: made.data!.createCategory.category.id };
      }
      const product = await orders.catalogue.request<{ createProduct: { userErrors: UserError[] } }>(
        'mutation ($input: CreateProductInput!) { createProduct(input: $input) { userErrors { code field message } } }',
        {
          input: {
            name: name ?? `Product ${skus[0]!.code}`,
            ...brand,
            taxClass,
            skus: skus.map((sku) => ({ code: sku.code, name: sku.name ?? sku.code, price: { amount: sku.price, currencyCode: 'CNY' } })),
          },
        },
        catalogueWriter,
      );
      if (product.data?.createProduct.userErrors.length !== 0) throw new Error(`product: ${JSON.stringify(product)}`);
      const warehouse = await orders.stock.request<{ createWarehouse: { warehouse: { id: string } } }>(
        'mutation ($input: CreateWarehouseInput!) { createWarehouse(input: $input) { warehouse { id } } }',
        { input: { code: `INV-WH-${skus[0]!.code}`, name: 'Invoices test warehouse', region: 'East', priority: 1 } },
        stockWriter,
      );
      const received = await orders.stock.request<{ receiveStock: { userErrors: UserError[] } }>(
        'mutation ($input: ReceiveStockInput!) { receiveStock(input: $input) { userErrors { code message } } }',
        {
          input: {
            warehouseId: warehouse.data!.createWarehouse.warehouse.id,
            reference: `INV-OPENING-${skus[0]!.code}`,
            lines: skus.map((sku) => ({ skuCode: sku.code, quantity: 500 })),
          },
        },
        stockWriter,
      );
      if (received.data?.receiveStock.userErrors.length !== 0) throw new Error(`stock: ${JSON.stringify(received)}`);
    },
    async paidOrder(memberId, lines) {
      const order = await place(memberId, lines);
      const paid = await payments.createPayment({ orderId: order.id, channel: 'CASH', idempotencyKey: `cash-${order.id}` }, cashier);
      if (!paid.payment) throw new Error(`createPayment: ${JSON.stringify(paid.userErrors)}`);
      await payments.settle();
      const status = await payments.orderStatus(order.id);
      if (status !== 'PAID') throw new Error(`order ${order.number} is ${status} after paying`);
      return { id: order.id, number: order.number, total: order.total.amount, paymentId: paid.payment.id };
    },
    unpaidOrder: (memberId, lines) => place(memberId, lines),
    async mutate(name, input, identity = clerk) {
      const type = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
      const result = await invoices.request<Record<string, Payload>>(
        `mutation ($input: ${type}!) { ${name}(input: $input) { invoice { ${INVOICE_FIELDS} } userErrors { code field message } } }`,
        { input },
        identity,
      );
      if (result.errors) throw new Error(`${name}: ${JSON.stringify(result.errors)}`);
      return result.data![name]!;
    },
    async invoice(id, identity = invoiceReader) {
      const result = await invoices.request<{ invoice: InvoiceView | null }>(
        `query ($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`,
        { id },
        identity,
      );
      if (result.errors) throw new Error(`invoice: ${JSON.stringify(result.errors)}`);
      return result.data!.invoice;
    },
    async refund(paymentId, amount, key) {
      const result = await payments.payments.request<{ refundPayment: { userErrors: UserError[] } }>(
        'mutation ($input: RefundPaymentInput!) { refundPayment(input: $input) { userErrors { code field message } } }',
        { input: { paymentId, amount: { amount, currencyCode: 'CNY' }, reason: 'returned goods', idempotencyKey: key } },
        cashier,
      );
      if (result.errors || result.data!.refundPayment.userErrors.length) throw new Error(`refund: ${JSON.stringify(result)}`);
      await system.settle();
    },
    async settle() {
      await payments.settle();
      await invoices.server.relay.drain();
    },
    async count(sql, params = []) {
      const db = invoices.server.db;
      const [row] = await db.execute<{ n: number | string }>(db.fork(), sql, params);
      return Number(row?.n ?? 0);
    },
    async close() {
      await invoices.close();
      await payments.close();
    },
  };
  return system;
}

/** Minor units of a Money amount such as "-12.34". */
export function minor(money: { amount: string } | null | undefined): number {
  const match = /^(-)?(\d+)\.(\d{2})$/.exec(money?.amount ?? '');
  if (!match) throw new Error(`not an amount: ${JSON.stringify(money)}`);
  return (match[1] ? -1 : 1) * (Number(match[2]) * 100 + Number(match[3]));
}
