import type { TokenMinter } from '../platform/auth/jwt.ts';
import { eventually } from '../platform/testing/eventually.ts';

/**
 * The shop the read workloads look at, made once through our router as a
 * shop would make it: members register and check out (several members at
 * once), staff take the payment in cash (the CASH channel settles at once, so
 * the orders become PAID through the payments → orders events), and each
 * member's first order gets an issued invoice. Afterwards nothing changes
 * them, so one reference answer per request holds for the whole run.
 */
export type ShopMember = { id: string; token: string };
export type ShopOrder = { id: string; member: ShopMember };
export type Shop = { members: ShopMember[]; orders: ShopOrder[] };

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

/** Members checking out at the same time while the shop is set up. */
const MEMBERS_AT_ONCE = 6;
/** The SKUs the orders choose their lines from. */
const SKU_POOL = 40;

export async function openShop(
  routerUrl: string,
  mint: TokenMinter,
  options: {
    members: number;
    ordersPerMember: number;
    /** Makes at least `units` of the SKU available (the harness restocks on the stock subgraph directly). */
    ensureAvailable: (skuCode: string, units: number) => Promise<void>;
    progress: (line: string) => void;
  },
): Promise<Shop> {
  const graphql = graphqlAt(routerUrl);
  const staff = await mint({
    subject: 'bench-setup',
    kind: 'staff',
    scopes: ['catalogue:read', 'stock:read', 'orders:read', 'payments:write', 'invoices:write'],
  });
  const catalogue = await graphql<{ products: { edges: { node: { skus: { code: string; stock: { available: number } }[] } }[] } }>(
    'query { products(first: 100) { edges { node { skus { code stock { available } } } } } }',
    {},
    staff,
  );
  // SKUs that are in stock somewhere (a SKU without a level in any warehouse cannot be restocked by a correction).
  const pool = catalogue.products.edges
    .flatMap((edge) => edge.node.skus.slice(0, 1))
    .filter((sku) => sku.stock.available > 0)
    .map((sku) => sku.code)
    .slice(0, SKU_POOL);
  if (pool.length < 10) throw new Error(`the demo catalogue has too few stocked SKUs (${pool.length})`);

  // Every order's lines are fixed up front (1-3 lines of 1-2 units), so the stock they need can be made available first.
  const linesOf = (m: number, o: number) => {
    const n = m * options.ordersPerMember + o;
    return [0, 1, 2].slice(0, 1 + (n % 3)).map((i) => ({ skuCode: pool[(n * 7 + i * 13) % pool.length]!, quantity: 1 + ((n + i) % 2) }));
  };
  const demand = new Map<string, number>();
  for (let m = 0; m < options.members; m++) {
    for (let o = 0; o < options.ordersPerMember; o++) {
      for (const line of linesOf(m, o)) demand.set(line.skuCode, (demand.get(line.skuCode) ?? 0) + line.quantity);
    }
  }
  for (const [skuCode, units] of demand) await options.ensureAvailable(skuCode, units);

  const openMember = async (m: number): Promise<ShopOrder[]> => {
    const registered = await graphql<{ registerMember: UserErrors & { member: { id: string } | null } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } userErrors { code field message } } }',
      { input: { name: `Bench Member ${m + 1}`, email: `bench.member.${m + 1}@example.com`, password: 'correct horse battery staple' } },
    );
    const id = succeeded('registerMember', registered.registerMember).member!.id;
    // A member token as members' login issues it: kind member, the member's id, no scopes.
    const member = { id, token: await mint({ subject: id, kind: 'member', scopes: [], ttlSeconds: 24 * 3600 }) };
    const orders: ShopOrder[] = [];
    for (let o = 0; o < options.ordersPerMember; o++) {
      const placed = await graphql<{ placeOrder: UserErrors & { order: { id: string } | null } }>(
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } userErrors { code field message } } }',
        { input: { idempotencyKey: `bench-${m}-${o}`, channel: 'ONLINE', lines: linesOf(m, o), shippingAddress: ADDRESS } },
        member.token,
      );
      const orderId = succeeded('placeOrder', placed.placeOrder).order!.id;
      orders.push({ id: orderId, member });
      const paid = await graphql<{ createPayment: UserErrors }>(
        'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { userErrors { code field message } } }',
        { input: { orderId, channel: 'CASH', idempotencyKey: `bench-cash-${m}-${o}` } },
        staff,
      );
      succeeded('createPayment', paid.createPayment);
      if (o === 0) {
        await untilPaid(routerUrl, orderId, staff);
        const requested = await graphql<{ requestInvoice: UserErrors & { invoice: { id: string } | null } }>(
          'mutation ($input: RequestInvoiceInput!) { requestInvoice(input: $input) { invoice { id } userErrors { code field message } } }',
          { input: { orderId, buyer: BUYER } },
          member.token,
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
    return orders;
  };

  // A few members at a time, in member order, so the shop (ids aside) is the same on every run.
  const byMember: ShopOrder[][] = [];
  let next = 0;
  let opened = 0;
  const worker = async () => {
    while (next < options.members) {
      const m = next++;
      byMember[m] = await openMember(m);
      if (++opened % 10 === 0 || opened === options.members)
        options.progress(`  ${opened}/${options.members} members have placed their orders`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MEMBERS_AT_ONCE, options.members) }, worker));
  const orders = byMember.flat();
  for (const order of orders) await untilPaid(routerUrl, order.id, staff);
  return { members: byMember.map((mine) => mine[0]!.member), orders };
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
