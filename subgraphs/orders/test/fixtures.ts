import type { Identity } from '../../../platform/auth/identity.ts';
import type { Config, SubgraphName } from '../../../platform/config/config.ts';
import { createInProcessBus, type EventBus } from '../../../platform/events/bus.ts';
import type { DomainEvent } from '../../../platform/events/event.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { catalogueSubgraph } from '../../catalogue/server.ts';
import { membersSubgraph } from '../../members/server.ts';
import { stockSubgraph } from '../../stock/server.ts';
import { ordersSubgraph } from '../server.ts';

/**
 * Orders needs the catalogue (prices) and stock (reservations), so its tests
 * run all three for real on free ports, sharing one in-process bus as
 * embedded mode does (stock's ReservationExpired reaches orders). Tests of
 * coupons and points start members too (`{ members: true }`).
 */
export const cashier: Identity = staff('orders:write', 'orders:read');
export const member = (id: string): Identity => ({ kind: 'member', subject: id, scopes: [] });
export const guest: Identity = { kind: 'anonymous', subject: null, scopes: [] };
const stockWriter = staff('stock:write', 'stock:read');
const catalogueWriter = staff('catalogue:write');

/**
 * Payments do not exist yet. When they do, the payments subgraph announces a
 * successful payment as this PaymentSucceeded event on the bus, and that is
 * what moves an order to PAID; tests publish it exactly as payments will.
 */
export function paymentSucceeded(orderId: string, paymentId = `pay-${orderId.slice(0, 8)}`): DomainEvent {
  return {
    id: newId(),
    type: 'PaymentSucceeded',
    source: 'payments',
    key: orderId,
    occurredAt: new Date().toISOString(),
    data: { orderId, paymentId },
  };
}

export type UserError = { code: string; field: string | null; message: string };
export type OrderView = {
  id: string;
  number: string;
  status: string;
  total: { amount: string };
  lines: { sku: { code: string }; quantity: number; unitPrice: { amount: string } }[];
};
export const ORDER_FIELDS =
  'id number status total { amount currencyCode } lines { sku { code } quantity unitPrice { amount } lineTotal { amount } } history { status note }';

export const address = {
  name: 'Li Wei',
  phone: '+86 138 0000 0000',
  line1: '88 Century Ave',
  city: 'Shanghai',
  postalCode: '200120',
  country: 'CN',
};

export type OrdersSystem = {
  catalogue: TestSubgraph;
  stock: TestSubgraph;
  orders: TestSubgraph;
  /** Started only with `{ members: true }`. */
  members: TestSubgraph | null;
  bus: EventBus;
  urls: Partial<Record<SubgraphName, string>>;
  /** Creates SKUs priced at `price` CNY in the catalogue and stocks them in one warehouse. */
  stockUp(skus: { code: string; price: string; quantity: number }[]): Promise<{ warehouseId: string }>;
  place(input: Record<string, unknown>, identity?: Identity): Promise<{ order: OrderView | null; userErrors: UserError[] }>;
  mutate(name: string, input: Record<string, unknown>, identity?: Identity): Promise<{ order: OrderView | null; userErrors: UserError[] }>;
  level(skuCode: string): Promise<{ onHand: number; reserved: number; available: number }>;
  reservationStatus(reference: string): Promise<string | null>;
  reconcile(): Promise<unknown[]>;
  /** Stops the stock subgraph (to test checkout without it) and starts it again on a new port. */
  stopStock(): Promise<void>;
  startStock(): Promise<void>;
  close(): Promise<void>;
};

let warehouseCount = 0;

export async function startOrdersSystem(config: Config, options: { members?: boolean } = {}): Promise<OrdersSystem> {
  const bus = createInProcessBus();
  const urls: Partial<Record<SubgraphName, string>> = {};
  const catalogue = await startTestSubgraph(catalogueSubgraph, config, { bus, peerUrls: urls });
  urls.catalogue = catalogue.url;
  let stock = await startTestSubgraph(stockSubgraph, config, { bus, peerUrls: urls });
  urls.stock = stock.url;
  const orders = await startTestSubgraph(ordersSubgraph, config, { bus, peerUrls: urls });
  urls.orders = orders.url;
  const members = options.members ? await startTestSubgraph(membersSubgraph, config, { bus, peerUrls: urls }) : null;
  if (members) urls.members = members.url;
  let brand: { brandId: string; categoryId: string } | null = null;

  const mutate = async (name: string, input: Record<string, unknown>, identity: Identity = cashier) => {
    const type = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const result = await orders.request<Record<string, { order: OrderView | null; userErrors: UserError[] }>>(
      `mutation ($input: ${type}!) { ${name}(input: $input) { order { ${ORDER_FIELDS} } userErrors { code field message } } }`,
      { input },
      identity,
    );
    if (result.errors) throw new Error(`${name}: ${JSON.stringify(result.errors)}`);
    return result.data![name]!;
  };

  const system: OrdersSystem = {
    catalogue,
    get stock() {
      return stock;
    },
    orders,
    members,
    bus,
    urls,
    async stockUp(skus) {
      if (!brand) {
        const made = await catalogue.request<{ createBrand: { brand: { id: string } }; createCategory: { category: { id: string } } }>(
          'mutation { createBrand(input: { name: "Orders test brand" }) { brand { id } } createCategory(input: { name: "Orders test category" }) { category { id } } }',
          {},
          catalogueWriter,
        );
        brand = { brandId: made.data!.createBrand.brand.id, categoryId: made.data!.createCategory.category.id };
      }
      const product = await catalogue.request<{ createProduct: { userErrors: UserError[] } }>(
        'mutation ($input: CreateProductInput!) { createProduct(input: $input) { userErrors { code field message } } }',
        {
          input: {
            name: `Product ${skus[0]!.code}`,
            ...brand,
            skus: skus.map((sku) => ({ code: sku.code, name: sku.code, price: { amount: sku.price, currencyCode: 'CNY' } })),
          },
        },
        catalogueWriter,
      );
      if (product.data?.createProduct.userErrors.length !== 0) throw new Error(`stockUp: ${JSON.stringify(product)}`);
      const warehouse = await stock.request<{ createWarehouse: { warehouse: { id: string } } }>(
        'mutation ($input: CreateWarehouseInput!) { createWarehouse(input: $input) { warehouse { id } } }',
        { input: { code: `ORD-WH-${++warehouseCount}`, name: 'Orders test warehouse', region: 'East', priority: warehouseCount } },
        stockWriter,
      );
      const warehouseId = warehouse.data!.createWarehouse.warehouse.id;
      const received = await stock.request<{ receiveStock: { userErrors: UserError[] } }>(
        'mutation ($input: ReceiveStockInput!) { receiveStock(input: $input) { userErrors { code message } } }',
        {
          input: {
            warehouseId,
            reference: `OPENING-${warehouseCount}`,
            lines: skus.map((sku) => ({ skuCode: sku.code, quantity: sku.quantity })),
          },
        },
        stockWriter,
      );
      if (received.data?.receiveStock.userErrors.length !== 0) throw new Error(`stockUp: ${JSON.stringify(received)}`);
      return { warehouseId };
    },
    place: (input, identity = guest) => mutate('placeOrder', input, identity),
    mutate,
    async level(skuCode) {
      const result = await stock.request<{ stockLevels: { onHand: number; reserved: number; available: number }[] }>(
        'query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { onHand reserved available } }',
        { codes: [skuCode] },
      );
      const levels = result.data!.stockLevels;
      return {
        onHand: levels.reduce((sum, level) => sum + level.onHand, 0),
        reserved: levels.reduce((sum, level) => sum + level.reserved, 0),
        available: levels.reduce((sum, level) => sum + level.available, 0),
      };
    },
    async reservationStatus(reference) {
      const result = await stock.request<{ reservation: { status: string } | null }>(
        'query ($reference: String!) { reservation(reference: $reference) { status } }',
        { reference },
        stockWriter,
      );
      return result.data?.reservation?.status ?? null;
    },
    async reconcile() {
      const result = await stock.request<{ stockReconciliation: { discrepancies: unknown[] } }>(
        '{ stockReconciliation { discrepancies { onHand } } }',
        {},
        stockWriter,
      );
      return result.data!.stockReconciliation.discrepancies;
    },
    async stopStock() {
      await stock.close();
    },
    async startStock() {
      stock = await startTestSubgraph(stockSubgraph, config, { bus, peerUrls: urls });
      urls.stock = stock.url;
    },
    async close() {
      await members?.close();
      await orders.close();
      await stock.close().catch(() => undefined);
      await catalogue.close();
    },
  };
  return system;
}
