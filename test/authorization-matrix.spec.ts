import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { eventually } from '../platform/testing/eventually.ts';
import { type RouterSubscription, subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { scopesOf } from '../subgraphs/members/accounts/roles.ts';
import { CONTRACT_DIR, contractExamples, contractOperation } from './support/contract.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Who may do what, for every operation of the public contract, asked through
 * the real router with real credentials: members who registered and logged
 * in, partners with API keys made by the admin, the seeded admin, and a token
 * per staff role with exactly that role's scopes.
 *
 * A cell is `allow` when the caller's request got past authorization (a
 * business answer such as "no such product" or INVALID_STATE_TRANSITION
 * counts: it is not about who is asking), `deny` when it was refused:
 * FORBIDDEN / UNAUTHENTICATED, or, for another member's order, the answer a
 * stranger gets (null, UNKNOWN_ORDER), which does not even say it exists.
 */
const CALLERS = [
  'anonymous',
  'memberA',
  'memberB',
  'partnerCatalogue',
  'partnerOrders',
  'admin',
  'cashier',
  'stockClerk',
  'finance',
  'merchandiser',
] as const;
type Caller = (typeof CALLERS)[number];
type Cell = 'allow' | 'deny';

/** Shorthands for rows: everybody, nobody, or just the callers named. */
const everyone = (): Record<Caller, Cell> => Object.fromEntries(CALLERS.map((caller) => [caller, 'allow'])) as Record<Caller, Cell>;
const only = (...allowed: Caller[]): Record<Caller, Cell> =>
  Object.fromEntries(CALLERS.map((caller) => [caller, allowed.includes(caller) ? 'allow' : 'deny'])) as Record<Caller, Cell>;
const signedIn = () => only(...CALLERS.filter((caller) => caller !== 'anonymous'));
const ORDER_READERS: Caller[] = ['memberA', 'partnerOrders', 'admin', 'cashier', 'finance'];
const ORDER_WRITERS: Caller[] = ['memberA', 'admin', 'cashier'];

type Row = {
  file: string;
  operation: string;
  expected: Record<Caller, Cell>;
  /** Variables over the contract's example: a real order of member A's, say. */
  variables?: (fixture: Fixture) => Record<string, unknown>;
  /** Fields of subgraphs that do not exist yet; the rest of the operation is still asked. */
  withoutFields?: string[];
};

type Fixture = { orderOfA: string; memberA: string; paidOrderOfA: string; invoiceOfA: string };
const INVOICE_STAFF: Caller[] = ['admin', 'finance'];

const MATRIX: Row[] = [
  { file: 'catalogue.graphql', operation: 'ProductSearch', expected: everyone() },
  { file: 'catalogue.graphql', operation: 'ProductDetail', expected: everyone() },
  { file: 'catalogue.graphql', operation: 'SkuByCode', expected: everyone() },
  { file: 'catalogue.graphql', operation: 'CreateProduct', expected: only('admin', 'merchandiser') },
  { file: 'catalogue.graphql', operation: 'SetSkuPrice', expected: only('admin', 'merchandiser') },
  { file: 'stock.graphql', operation: 'CreateWarehouse', expected: only('admin', 'stockClerk') },
  { file: 'stock.graphql', operation: 'ReceiveStock', expected: only('admin', 'stockClerk') },
  { file: 'stock.graphql', operation: 'AdjustStock', expected: only('admin', 'stockClerk') },
  { file: 'stock.graphql', operation: 'StockInquiry', expected: everyone() },
  { file: 'stock.graphql', operation: 'StockMovements', expected: only('admin', 'cashier', 'stockClerk', 'merchandiser') },
  { file: 'stock.graphql', operation: 'StockReconciliation', expected: only('admin', 'cashier', 'stockClerk', 'merchandiser') },
  { file: 'members.graphql', operation: 'RegisterMember', expected: everyone() },
  { file: 'members.graphql', operation: 'Login', expected: everyone() },
  { file: 'members.graphql', operation: 'Me', expected: signedIn() },
  { file: 'members.graphql', operation: 'CreateApiKey', expected: only('admin') },
  { file: 'members.graphql', operation: 'RevokeApiKey', expected: only('admin') },
  // documents:write: the admin role's alone.
  { file: 'members.graphql', operation: 'PublishTrustedDocuments', expected: only('admin') },
  { file: 'members.graphql', operation: 'MemberDetail', expected: only('admin'), variables: ({ memberA }) => ({ id: memberA }) },
  { file: 'members.graphql', operation: 'IssueCoupons', expected: only('admin') },
  { file: 'orders.graphql', operation: 'PlaceOrder', expected: everyone() },
  {
    file: 'orders.graphql',
    operation: 'OrderDetail',
    expected: only(...ORDER_READERS),
    variables: ({ orderOfA }) => ({ id: orderOfA }),
  },
  { file: 'orders.graphql', operation: 'MyOrders', expected: signedIn() },
  {
    file: 'orders.graphql',
    operation: 'CancelOrder',
    expected: only(...ORDER_WRITERS),
    variables: ({ orderOfA }) => ({ input: { orderId: orderOfA, reason: 'matrix' } }),
  },
  {
    file: 'orders.graphql',
    operation: 'ShipOrder',
    expected: only('admin', 'cashier'),
    variables: ({ orderOfA }) => ({ input: { orderId: orderOfA, carrier: 'SF Express', trackingNumber: 'SF1' } }),
  },
  {
    file: 'orders.graphql',
    operation: 'RequestReturn',
    expected: only(...ORDER_WRITERS),
    variables: ({ orderOfA }) => ({ input: { orderId: orderOfA, lines: [{ skuCode: 'BP-TOY-COR-F', quantity: 1 }], reason: 'matrix' } }),
  },
  {
    file: 'payments.graphql',
    operation: 'CreatePayment',
    expected: only('memberA', 'admin', 'cashier', 'finance'),
    variables: ({ orderOfA }) => ({ input: { orderId: orderOfA, channel: 'WECHAT_PAY', idempotencyKey: 'matrix-pay' } }),
  },
  { file: 'payments.graphql', operation: 'RefundPayment', expected: only('admin', 'cashier', 'finance') },
  { file: 'payments.graphql', operation: 'ReconcileStatement', expected: only('admin', 'cashier', 'finance') },
  // Member A has asked for an invoice of a paid order already: A and invoice staff get INVOICE_EXISTS, a business answer.
  {
    file: 'invoices.graphql',
    operation: 'RequestInvoice',
    expected: only('memberA', ...INVOICE_STAFF),
    variables: ({ paidOrderOfA }) => ({ input: { ...(examples.RequestInvoice as { input: object }).input, orderId: paidOrderOfA } }),
  },
  // The first allowed caller issues A's invoice; the next gets INVALID_STATE_TRANSITION.
  {
    file: 'invoices.graphql',
    operation: 'IssueInvoice',
    expected: only(...INVOICE_STAFF),
    variables: ({ invoiceOfA }) => ({ input: { invoiceId: invoiceOfA } }),
  },
  {
    file: 'invoices.graphql',
    operation: 'InvoiceDetail',
    expected: only('memberA', ...INVOICE_STAFF),
    variables: ({ invoiceOfA }) => ({ id: invoiceOfA }),
  },
  {
    file: 'invoices.graphql',
    operation: 'VoidInvoice',
    expected: only(...INVOICE_STAFF),
    variables: ({ invoiceOfA }) => ({ input: { invoiceId: invoiceOfA, reason: 'matrix' } }),
  },
  { file: 'invoices.graphql', operation: 'RejectInvoice', expected: only(...INVOICE_STAFF) },
];

/**
 * Operations not in the matrix yet, and why. Each must really be out of
 * reach (the test below checks it does not validate against today's API
 * schema), so the day it starts validating this list fails until the
 * operation gets its row.
 */
const NOT_YET: Record<string, string> = {};
/**
 * Subscriptions, asked over the router's graphql-ws endpoint with the same
 * credentials in `connection_init`. `allow` means the caller's subscription
 * delivered the change made after everyone subscribed; `deny` that it was
 * refused (an error for the operation), that its event came with FORBIDDEN
 * or UNAUTHENTICATED errors (a shared stream refuses fields per event, as a
 * query's partial answer does) or, for another member's order, that the
 * change never reached it.
 */
type SubscriptionRow = {
  file: string;
  operation: string;
  field: string;
  expected: Record<Caller, Cell>;
  /** Fields left out of the contract's operation: what remains is what the row is about. */
  withoutFields?: string[];
};
const SUBSCRIPTION_MATRIX: SubscriptionRow[] = [
  {
    file: 'stock.graphql',
    operation: 'LiveStock',
    field: 'stockChanged',
    expected: only('admin', 'cashier', 'stockClerk', 'merchandiser'),
  },
  // A shared stream, public at its root: without the warehouse's own figures (stock:read), anyone may watch it.
  {
    file: 'stock.graphql',
    operation: 'LiveStock',
    field: 'stockChanged',
    withoutFields: ['onHand', 'reserved', 'reason'],
    expected: everyone(),
  },
  {
    file: 'orders.graphql',
    operation: 'LiveOrders',
    field: 'orderUpdated',
    expected: only('memberA', 'partnerOrders', 'admin', 'cashier', 'finance'),
  },
];
const SUBSCRIPTIONS = SUBSCRIPTION_MATRIX.map((row) => row.operation);

const CONTRACT_FILES = ['catalogue.graphql', 'stock.graphql', 'orders.graphql', 'members.graphql', 'payments.graphql', 'invoices.graphql'];
const apiSchema = buildSchema(readFileSync(join(import.meta.dirname, '..', 'schema', 'api.graphql'), 'utf8'));
const contractOperationNames = CONTRACT_FILES.flatMap((file) =>
  [...readFileSync(join(CONTRACT_DIR, file), 'utf8').matchAll(/^(?:query|mutation|subscription) (\w+)/gm)].map(([, name]) => ({
    file,
    name: name!,
  })),
);
const examples = contractExamples();

type Answer = { status: number; body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] } };

const AUTH_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

/** Allowed or refused, read from the answer as a client would (see the file comment). */
function verdict(row: Row, answer: Answer): Cell {
  if (answer.status === 401 || answer.status === 403) return 'deny';
  if (answer.body.errors?.some((error) => AUTH_CODES.has(error.extensions?.code ?? ''))) return 'deny';
  // Any other error (a query that no longer validates, a failure) is neither answer: the test must say so.
  if (answer.status !== 200 || answer.body.errors?.length) {
    throw new Error(`${row.operation} got HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
  }
  const root = Object.values(answer.body.data ?? {})[0] as Record<string, unknown> | null | undefined;
  if ((row.operation === 'OrderDetail' || row.operation === 'InvoiceDetail') && root === null) return 'deny';
  const userErrors = (root?.userErrors ?? []) as { code: string }[];
  if (userErrors.some((error) => error.code === 'UNKNOWN_ORDER' || error.code === 'NOT_ALLOWED')) return 'deny';
  return 'allow';
}

// Who may ask does not depend on the database: SQLite only, to keep the run short.
describe('the authorization matrix through the router', () => {
  const target = { label: 'SQLite', mysqlUrl: undefined } as const;
  let system: TestSystem;
  let fixture: Fixture;
  const send = new Map<Caller, (query: string, variables: Record<string, unknown>) => Promise<Answer>>();
  /** What each caller puts in graphql-ws `connection_init`. */
  const connectionParams = new Map<Caller, Record<string, string>>();
  let memberAToken: string;
  let adminToken: string;

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    const bearer = (token?: string) => (query: string, variables: Record<string, unknown>) => system.graphql(query, variables, token);
    const login = async (email: string, password: string) => {
      const { body } = await system.graphql<{ login: { token: string } }>(contractOperation('members.graphql', 'Login'), {
        input: { email, password },
      });
      return body.data!.login.token;
    };
    const register = async (name: string, email: string) => {
      const password = 'a long matrix password';
      const { body } = await system.graphql<{ registerMember: { member: { id: string } } }>(
        contractOperation('members.graphql', 'RegisterMember'),
        { input: { name, email, password } },
      );
      return { id: body.data!.registerMember.member.id, token: await login(email, password) };
    };
    const memberA = await register('Member A', 'member.a@example.com');
    const memberB = await register('Member B', 'member.b@example.com');
    const admin = await login('admin@example.com', 'development-only-admin');
    const apiKey = async (caller: Caller, scopes: string[]) => {
      const { body } = await system.graphql<{ createApiKey: { secret: string } }>(
        contractOperation('members.graphql', 'CreateApiKey'),
        { input: { name: `matrix ${scopes.join(' ')}`, scopes } },
        admin,
      );
      const secret = body.data!.createApiKey.secret;
      connectionParams.set(caller, { 'x-api-key': secret });
      return (query: string, variables: Record<string, unknown>) => system.graphqlWithHeaders(query, variables, { 'x-api-key': secret });
    };
    const staff = async (role: string) => system.staffToken(scopesOf([role]));
    const tokens: Partial<Record<Caller, string>> = {
      memberA: memberA.token,
      memberB: memberB.token,
      admin,
      cashier: await staff('cashier'),
      stockClerk: await staff('stock-clerk'),
      finance: await staff('finance'),
      merchandiser: await staff('merchandiser'),
    };
    memberAToken = memberA.token;
    adminToken = admin;
    for (const [caller, token] of Object.entries(tokens)) connectionParams.set(caller as Caller, { authorization: `Bearer ${token}` });
    connectionParams.set('anonymous', {});
    send.set('anonymous', bearer());
    send.set('memberA', bearer(memberA.token));
    send.set('memberB', bearer(memberB.token));
    send.set('partnerCatalogue', await apiKey('partnerCatalogue', ['catalogue:read']));
    send.set('partnerOrders', await apiKey('partnerOrders', ['orders:read']));
    for (const caller of ['admin', 'cashier', 'stockClerk', 'finance', 'merchandiser'] as const) send.set(caller, bearer(tokens[caller]));

    const placed = await system.graphql<{ placeOrder: { order: { id: string } | null; userErrors: unknown[] } }>(
      contractOperation('orders.graphql', 'PlaceOrder'),
      { input: { ...(examples.PlaceOrder as { input: object }).input, couponCode: null, idempotencyKey: 'matrix-order-a' } },
      memberA.token,
    );
    const orderOfA = placed.body.data?.placeOrder.order?.id;
    if (!orderOfA) throw new Error(`member A could not place an order: ${JSON.stringify(placed.body)}`);
    // A second order of A's, paid in cash by the admin, with A's invoice request: the invoice rows act on it.
    const paidPlaced = await system.graphql<{ placeOrder: { order: { id: string } | null } }>(
      contractOperation('orders.graphql', 'PlaceOrder'),
      { input: { ...(examples.PlaceOrder as { input: object }).input, couponCode: null, idempotencyKey: 'matrix-order-a-paid' } },
      memberA.token,
    );
    const paidOrderOfA = paidPlaced.body.data!.placeOrder.order!.id;
    await system.graphql(
      contractOperation('payments.graphql', 'CreatePayment'),
      { input: { orderId: paidOrderOfA, channel: 'CASH', idempotencyKey: 'matrix-cash' } },
      admin,
    );
    await eventually(
      async () => {
        const { body } = await system.graphql<{ order: { status: string } }>(
          'query ($id: ID!) { order(id: $id) { status } }',
          { id: paidOrderOfA },
          admin,
        );
        return body.data?.order.status === 'PAID';
      },
      'the cash payment made the order PAID',
      { timeoutMs: 15_000 },
    );
    const requested = await system.graphql<{ requestInvoice: { invoice: { id: string } | null } }>(
      contractOperation('invoices.graphql', 'RequestInvoice'),
      { input: { ...(examples.RequestInvoice as { input: object }).input, orderId: paidOrderOfA } },
      memberA.token,
    );
    const invoiceOfA = requested.body.data?.requestInvoice.invoice?.id;
    if (!invoiceOfA) throw new Error(`member A could not request an invoice: ${JSON.stringify(requested.body)}`);
    fixture = { orderOfA, memberA: memberA.id, paidOrderOfA, invoiceOfA };
  });
  afterAll(async () => {
    await system?.close();
  });

  it.each(
    SUBSCRIPTION_MATRIX.map(
      (row) => [row.withoutFields ? `${row.operation} without ${row.withoutFields.join(', ')}` : row.operation, row] as const,
    ),
  )(
    '%s (a subscription) is allowed and refused as the matrix says',
    async (_, row) => {
      const upstreamStarted = () => system.system.subgraphs.reduce((sum, server) => sum + server.subscriptionsStarted(), 0);
      const routerCounts = async () => {
        const text = await (await fetch(system.system.routerMetricsUrl)).text();
        const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
        return { subscribers: gauge('graphql_subscriptions_open'), upstreams: gauge('graphql_subscription_upstreams_open') };
      };
      const subscriptions = new Map<Caller, RouterSubscription<unknown>>();
      try {
        // One caller at a time: each either is refused at once or its subscription reaches the owning subgraph.
        for (const caller of CALLERS) {
          const before = upstreamStarted();
          const countsBefore = await routerCounts();
          const subscription = subscribeToRouter({
            routerUrl: system.system.routerUrl,
            connectionParams: connectionParams.get(caller),
            query: contractOperation(row.file, row.operation, { withoutFields: row.withoutFields }),
            variables: (examples[row.operation] as Record<string, unknown>) ?? {},
            field: row.field,
          });
          subscriptions.set(caller, subscription);
          const ended = subscription.ended.then(() => true);
          for (const deadline = Date.now() + 10_000; upstreamStarted() === before && Date.now() < deadline; ) {
            if (await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve(false), 25))])) break;
            // Joined a shared stream's upstream, already listening: no new one will start.
            const counts = await routerCounts();
            if (counts.subscribers > countsBefore.subscribers && counts.upstreams === countsBefore.upstreams) break;
          }
        }
        // Then one change everybody allowed must hear about.
        if (row.operation === 'LiveStock') {
          const { body } = await system.graphql<{ stockLevels: { warehouse: { id: string } }[] }>(
            'query { stockLevels(skuCodes: ["BP-TOY-COR-F"]) { warehouse { id } } }',
            {},
            adminToken,
          );
          const warehouseId = body.data!.stockLevels[0]!.warehouse.id;
          await system.graphql(
            contractOperation('stock.graphql', 'AdjustStock'),
            { input: { warehouseId, skuCode: 'BP-TOY-COR-F', delta: 1, reason: 'matrix' } },
            adminToken,
          );
        } else {
          await system.graphql(
            contractOperation('orders.graphql', 'PlaceOrder'),
            { input: { ...(examples.PlaceOrder as { input: object }).input, couponCode: null, idempotencyKey: 'matrix-live-orders' } },
            memberAToken,
          );
        }
        const actual: Record<string, Cell> = {};
        await Promise.all(
          [...subscriptions].map(async ([caller, subscription]) => {
            const outcome = await Promise.race([
              subscription.received(1, 5000).then(
                () => 'event' as const,
                () => 'nothing' as const,
              ),
              subscription.ended.then((end) => end),
            ]);
            if (outcome === 'event') actual[caller] = 'allow';
            else if (outcome === 'nothing')
              actual[caller] = 'deny'; // another member's order never reaches them
            else {
              const codes = (outcome.errors ?? []).map((error) => String(error.extensions?.code));
              if (!codes.some((code) => AUTH_CODES.has(code))) throw new Error(`${caller}: ${JSON.stringify(outcome)}`);
              actual[caller] = 'deny';
            }
          }),
        );
        expect(actual).toEqual(row.expected);
      } finally {
        await Promise.all([...subscriptions.values()].map((subscription) => subscription.dispose()));
      }
    },
    60_000,
  );

  it('covers every operation of the contract, or says why not', () => {
    const covered = new Set([...MATRIX.map((row) => row.operation), ...Object.keys(NOT_YET), ...SUBSCRIPTIONS]);
    expect(contractOperationNames.map(({ name }) => name).filter((name) => !covered.has(name))).toEqual([]);
  });

  // A loop rather than it.each: the list is empty while every operation has its row.
  it('leaves an operation out only while it cannot be asked of the graph', () => {
    for (const name of Object.keys(NOT_YET)) {
      const { file } = contractOperationNames.find((operation) => operation.name === name)!;
      expect({ name, errors: validate(apiSchema, parse(contractOperation(file, name))).length > 0 }).toEqual({ name, errors: true });
    }
  });

  // Rows run one after another, in the order above: a mutation changes what the next row sees
  // (member A's order is cancelled by the first caller allowed to), but never who may ask.
  it.each(MATRIX.map((row) => [row.operation, row] as const))('%s is allowed and refused as the matrix says', async (_, row) => {
    const query = contractOperation(row.file, row.operation, { withoutFields: row.withoutFields });
    const variables = row.variables?.(fixture) ?? examples[row.operation] ?? {};
    const actual: Record<string, Cell> = {};
    for (const caller of CALLERS) actual[caller] = verdict(row, await send.get(caller)!(query, variables));
    expect(actual).toEqual(row.expected);
  });
});
