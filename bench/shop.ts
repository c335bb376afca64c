import type { TokenMinter } from '../platform/auth/jwt.ts';
import { eventually } from '../platform/testing/eventually.ts';

/**
 * The orders the read workloads look at, made once through our router as a
 * shop would make them: members register and check out, staff take the
 * payment in cash (the CASH channel settles at once, so the orders become
 * PAID through the payments → orders events), and each member's first order
 * gets an issued invoice. Afterwards nothing changes them, so one reference
 * answer per request holds for the whole run.
 */
export type ShopOrders = { orderIds: string[] };

type GraphQL = <T>(query: string, variables: Record<string, unknown>, token?: string) => Promise<T>;

export function graphqlAt(url: string): GraphQL {
  return async <T>(query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (response.status !== 200 || body.errors) {
      throw new Error(`${query.slice(0, 50).replace(/\s+/g, ' ')}...: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
    }
    return body.data!;
  };
}

type UserErrors = { userErrors: { code: string; message: string }[] };

function succeeded<T extends UserErrors>(what: string, payload: T): T {
  if (payload.userErrors.length) throw new Error(`${what}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

export const ADDRESS = {
  name: 'Li Wei',
  phone: '+86 138 0000 0000',
  line1: '88 Century Ave',
  city: 'Shanghai',
  postalCode: '200120',
  country: 'CN',
};
const BUYER = { name: 'Shanghai Auto Parts Co., Ltd.', taxId: '91310115MA1K3YJ20B', email: 'finance@example.com' };

export async function openShop(
  routerUrl: string,
  mint: TokenMinter,
  options: { members: number; ordersPerMember: number; progress: (line: string) => void },
): Promise<ShopOrders> {
  const graphql = graphqlAt(routerUrl);
  const staff = await mint({
    subject: 'bench-setup',
    kind: 'staff',
    scopes: ['catalogue:read', 'stock:read', 'orders:read', 'payments:write', 'invoices:write'],
  });
  const catalogue = await graphql<{ products: { edges: { node: { skus: { code: string; stock: { available: number } }[] } }[] } }>(
    'query { products(first: 50) { edges { node { skus { code stock { available } } } } } }',
    {},
    staff,
  );
  const stocked = catalogue.products.edges
    .flatMap((edge) => edge.node.skus)
    .filter((sku) => sku.stock.available >= options.members * options.ordersPerMember)
    .map((sku) => sku.code);
  if (stocked.length < 3) throw new Error(`the demo catalogue has too few stocked SKUs (${stocked.length})`);

  const orderIds: string[] = [];
  for (let m = 0; m < options.members; m++) {
    const registered = await graphql<{ registerMember: UserErrors & { member: { id: string } | null } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } userErrors { code field message } } }',
      { input: { name: `Bench Member ${m + 1}`, email: `bench.member.${m + 1}@example.com`, password: 'correct horse battery staple' } },
    );
    const memberId = succeeded('registerMember', registered.registerMember).member!.id;
    const member = await mint({ subject: memberId, kind: 'member', scopes: [] });
    for (let o = 0; o < options.ordersPerMember; o++) {
      const n = m * options.ordersPerMember + o;
      const lines = [0, 1, 2]
        .slice(0, 1 + (n % 3))
        .map((i) => ({ skuCode: stocked[(n + i * 7) % stocked.length]!, quantity: 1 + (i % 2) }));
      const placed = await graphql<{ placeOrder: UserErrors & { order: { id: string } | null } }>(
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } userErrors { code field message } } }',
        { input: { idempotencyKey: `bench-${n}`, channel: 'ONLINE', lines, shippingAddress: ADDRESS } },
        member,
      );
      const orderId = succeeded('placeOrder', placed.placeOrder).order!.id;
      orderIds.push(orderId);
      const paid = await graphql<{ createPayment: UserErrors }>(
        'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { userErrors { code field message } } }',
        { input: { orderId, channel: 'CASH', idempotencyKey: `bench-cash-${n}` } },
        staff,
      );
      succeeded('createPayment', paid.createPayment);
      if (o === 0) {
        await untilPaid(routerUrl, orderId, staff);
        const requested = await graphql<{ requestInvoice: UserErrors & { invoice: { id: string } | null } }>(
          'mutation ($input: RequestInvoiceInput!) { requestInvoice(input: $input) { invoice { id } userErrors { code field message } } }',
          { input: { orderId, buyer: BUYER } },
          member,
        );
        const invoiceId = succeeded('requestInvoice', requested.requestInvoice).invoice!.id;
        const issued = await graphql<{ issueInvoice: UserErrors }>(
          'mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { userErrors { code field message } } }',
          { input: { invoiceId } },
          staff,
        );
        succeeded('issueInvoice', issued.issueInvoice);
      }
    }
    options.progress(`  member ${m + 1}/${options.members}: ${options.ordersPerMember} orders placed and paid`);
  }
  for (const orderId of orderIds) await untilPaid(routerUrl, orderId, staff);
  return { orderIds };
}

/** Waits until the payment's event has made the order PAID. */
function untilPaid(routerUrl: string, orderId: string, token: string): Promise<unknown> {
  const graphql = graphqlAt(routerUrl);
  return eventually(
    async () => {
      const { order } = await graphql<{ order: { status: string } }>(
        'query ($id: ID!) { order(id: $id) { status } }',
        { id: orderId },
        token,
      );
      return order.status === 'PAID';
    },
    `order ${orderId} is PAID after its cash payment`,
    { timeoutMs: 15_000, intervalMs: 25 },
  );
}
