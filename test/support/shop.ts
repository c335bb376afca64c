import { eventually } from '../../platform/testing/eventually.ts';
import { newId } from '../../platform/values/ids.ts';
import type { TestSystem } from './system.ts';

/**
 * A shop to buy from in end-to-end tests, set up through the router as staff
 * would: SKUs in the catalogue, stock in a warehouse, members who register
 * and pay. A payment is the PaymentSucceeded event the payments subgraph
 * publishes, put on the bus every embedded subgraph shares.
 */
export type UserError = { code: string; field: string | null; message: string };

async function ok<T>(system: TestSystem, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const { status, body } = await system.graphql<T>(query, variables, token);
  if (status !== 200 || body.errors) throw new Error(`${query.slice(0, 60)}...: ${status} ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** Creates SKUs priced in CNY and receives `quantity` of each into a new warehouse. */
export async function stockedSkus(system: TestSystem, skus: { code: string; price: string; quantity: number }[]): Promise<void> {
  const token = await system.staffToken(['catalogue:write', 'stock:write', 'stock:read']);
  const suffix = newId().slice(-8);
  const made = await ok<{ createBrand: { brand: { id: string } }; createCategory: { category: { id: string } } }>(
    system,
    'mutation ($brand: CreateBrandInput!, $category: CreateCategoryInput!) { createBrand(input: $brand) { brand { id } } createCategory(input: $category) { category { id } } }',
    { brand: { name: `Loyalty brand ${suffix}` }, category: { name: `Loyalty category ${suffix}` } },
    token,
  );
  const product = await ok<{ createProduct: { userErrors: UserError[] } }>(
    system,
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { userErrors { code field message } } }',
    {
      input: {
        name: `Loyalty product ${suffix}`,
        brandId: made.createBrand.brand.id,
        categoryId: made.createCategory.category.id,
        skus: skus.map((sku) => ({ code: sku.code, name: sku.code, price: { amount: sku.price, currencyCode: 'CNY' } })),
      },
    },
    token,
  );
  if (product.createProduct.userErrors.length) throw new Error(JSON.stringify(product.createProduct.userErrors));
  const warehouse = await ok<{ createWarehouse: { warehouse: { id: string } } }>(
    system,
    'mutation ($input: CreateWarehouseInput!) { createWarehouse(input: $input) { warehouse { id } } }',
    { input: { code: `LY-${suffix.toUpperCase()}`, name: 'Loyalty warehouse', region: 'East', priority: 1 } },
    token,
  );
  const received = await ok<{ receiveStock: { userErrors: UserError[] } }>(
    system,
    'mutation ($input: ReceiveStockInput!) { receiveStock(input: $input) { userErrors { code message } } }',
    {
      input: {
        warehouseId: warehouse.createWarehouse.warehouse.id,
        reference: `LOYALTY-${suffix}`,
        lines: skus.map((sku) => ({ skuCode: sku.code, quantity: sku.quantity })),
      },
    },
    token,
  );
  if (received.receiveStock.userErrors.length) throw new Error(JSON.stringify(received.receiveStock.userErrors));
}

/** Registers a member through the router; returns their id and a bearer token of theirs. */
export async function registeredMember(system: TestSystem, input: { name: string; email: string; password?: string; phone?: string }) {
  const data = await ok<{ registerMember: { member: { id: string } | null; userErrors: UserError[] } }>(
    system,
    'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } userErrors { code field message } } }',
    { input: { password: 'correct horse battery staple', ...input } },
  );
  if (!data.registerMember.member) throw new Error(JSON.stringify(data.registerMember.userErrors));
  const id = data.registerMember.member.id;
  return { id, token: await system.memberToken(id) };
}

export type PlacedOrder = {
  id: string;
  status: string;
  total: { amount: string };
  discount: { amount: string };
  couponCode: string | null;
  pointsRedeemed: number;
};

/** placeOrder through the router: an ONLINE order of the lines to a fixed address. */
export async function placeOrder(
  system: TestSystem,
  token: string,
  input: { idempotencyKey: string; lines: { skuCode: string; quantity: number }[]; couponCode?: string; pointsToRedeem?: number },
): Promise<{ order: PlacedOrder | null; userErrors: UserError[] }> {
  const data = await ok<{ placeOrder: { order: PlacedOrder | null; userErrors: UserError[] } }>(
    system,
    `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) {
      order { id status total { amount } discount { amount } couponCode pointsRedeemed }
      userErrors { code field message }
    } }`,
    {
      input: {
        channel: 'ONLINE',
        shippingAddress: {
          name: 'Li Wei',
          phone: '+86 138 0000 0000',
          line1: '88 Century Ave',
          city: 'Shanghai',
          postalCode: '200120',
          country: 'CN',
        },
        ...input,
      },
    },
    token,
  );
  return data.placeOrder;
}

/** The payments subgraph's PaymentSucceeded for the order, on the shared bus. */
export async function paymentSucceeded(system: TestSystem, orderId: string): Promise<void> {
  const bus = system.system.subgraphs.find((subgraph) => subgraph.name === 'orders')!.bus;
  await bus.publish([
    {
      id: newId(),
      type: 'PaymentSucceeded',
      source: 'payments',
      key: orderId,
      occurredAt: new Date().toISOString(),
      data: { orderId, paymentId: `pay-${orderId.slice(0, 8)}` },
    },
  ]);
}

export type Loyalty = {
  points: number;
  tier: { name: string };
  coupons: { code: string; description: string; validUntil: string; redeemed: boolean }[];
};

/** The signed-in member's points, tier and coupons. */
export async function myLoyalty(system: TestSystem, token: string): Promise<Loyalty> {
  const data = await ok<{ me: Loyalty }>(
    system,
    '{ me { points tier { name } coupons { code description validUntil redeemed } } }',
    {},
    token,
  );
  return data.me;
}

/** Places one order per amount for the member and pays each, waiting until members has credited the points. */
export async function paidOrders(system: TestSystem, member: { id: string; token: string }, skuCode: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const before = (await myLoyalty(system, member.token)).points;
    const placed = await placeOrder(system, member.token, {
      idempotencyKey: `paid-${member.id}-${newId()}`,
      lines: [{ skuCode, quantity: 1 }],
    });
    if (!placed.order) throw new Error(JSON.stringify(placed.userErrors));
    await paymentSucceeded(system, placed.order.id);
    await eventually(async () => (await myLoyalty(system, member.token)).points > before, `order ${placed.order.id} earned its points`, {
      timeoutMs: 15_000,
    });
  }
}

/** The id of a demo warehouse (SEED_DEMO_DATA), by its code: SH-01 unless another is named. */
export async function demoWarehouseId(system: TestSystem, code = 'SH-01'): Promise<string> {
  const data = await ok<{ warehouses: { id: string; code: string }[] }>(system, '{ warehouses { id code } }', {});
  const warehouse = data.warehouses.find((candidate) => candidate.code === code);
  if (!warehouse) throw new Error(`no demo warehouse ${code}`);
  return warehouse.id;
}
