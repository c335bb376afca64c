import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The members part of the public contract (test/contract/members.graphql),
 * and the orders operations that need a signed-in member, sent through the
 * real router to the real subgraphs with the examples' own variables. Points,
 * the points ledger and coupons are checked in loyalty-contract.spec.ts:
 * here Me and MemberDetail are asked without them.
 */
const LOYALTY_FIELDS = ['points', 'pointsLedger', 'coupons'];
const REGISTER_MEMBER = contractOperation('members.graphql', 'RegisterMember');
const LOGIN = contractOperation('members.graphql', 'Login');
const ME = contractOperation('members.graphql', 'Me', { withoutFields: LOYALTY_FIELDS });
const MEMBER_DETAIL = contractOperation('members.graphql', 'MemberDetail', { withoutFields: LOYALTY_FIELDS });
const PLACE_ORDER = contractOperation('orders.graphql', 'PlaceOrder');
const MY_ORDERS = contractOperation('orders.graphql', 'MyOrders');
const ORDER_DETAIL = contractOperation('orders.graphql', 'OrderDetail', { withoutFields: ['payments', 'invoices'] });
const examples = contractExamples();

type Money = { amount: string; currencyCode: string };
type UserError = { code: string; field: string | null; message: string };
type Registered = { id: string; name: string; email: string | null; tier: { name: string } };
type LoginPayload = { token: string | null; expiresAt: string | null; userErrors: UserError[] };
type OrderSummary = { id: string; number: string; status: string; total: Money };
type MyOrders = { me: { id: string; orders: { totalCount: number; edges: { node: OrderSummary }[] } } | null };
type PlaceOrderVariables = { input: Record<string, unknown> & { idempotencyKey: string } };
type Credentials = { email: string; password: string };

const registration = (examples.RegisterMember as { input: Credentials & { name: string; phone: string } }).input;
const credentials = (examples.Login as { input: Credentials }).input;

describe.each(databaseTargets())('the members contract through the router on $label', (target) => {
  let system: TestSystem;
  /** The example's PlaceOrder without its coupon (a coupon of this member's is loyalty-contract.spec.ts's), under a key of its own. */
  let checkout: PlaceOrderVariables;
  let member: Registered;
  let token: string;
  let order: OrderSummary;

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    const { couponCode: _coupon, ...input } = (examples.PlaceOrder as PlaceOrderVariables).input;
    checkout = { input: { ...input, idempotencyKey: 'members-contract-checkout-1' } };
  });
  afterAll(async () => {
    await system?.close();
  });

  const login = async (input: Credentials) => {
    const { status, body } = await system.graphql<{ login: LoginPayload }>(LOGIN, { input });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data!.login;
  };
  const myOrders = async (bearer: string) => {
    const { status, body } = await system.graphql<MyOrders>(MY_ORDERS, examples.MyOrders, bearer);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data!.me;
  };

  it('RegisterMember registers the example member as BASIC and shows them their own email', async () => {
    const { status, body } = await system.graphql<{ registerMember: { member: Registered | null; userErrors: UserError[] } }>(
      REGISTER_MEMBER,
      examples.RegisterMember,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.registerMember).toEqual({
      member: { id: expect.any(String), name: registration.name, email: registration.email, tier: { name: 'BASIC' } },
      userErrors: [],
    });
    member = body.data!.registerMember.member!;

    // The same example again is a duplicate, whatever the case of its email.
    const again = await system.graphql<{ registerMember: { member: Registered | null; userErrors: UserError[] } }>(REGISTER_MEMBER, {
      input: { ...registration, email: registration.email.toUpperCase() },
    });
    expect(again.body.data!.registerMember).toEqual({
      member: null,
      userErrors: [{ code: 'DUPLICATE_EMAIL', field: 'input.email', message: expect.stringContaining(registration.email) }],
    });
  });

  it('Login with the example variables returns a bearer token and when it expires', async () => {
    const startedAt = Date.now();
    const payload = await login(credentials);
    expect(payload).toEqual({ token: expect.any(String), expiresAt: expect.any(String), userErrors: [] });
    token = payload.token!;
    const expiresIn = Date.parse(payload.expiresAt!) - startedAt;
    expect(expiresIn).toBeGreaterThan(59 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(61 * 60_000);
  });

  it('Login with a wrong password answers INVALID_CREDENTIALS, just as for an unknown email', async () => {
    const wrong = await login({ ...credentials, password: 'not the right password' });
    expect(wrong).toEqual({
      token: null,
      expiresAt: null,
      userErrors: [{ code: 'INVALID_CREDENTIALS', field: null, message: expect.any(String) }],
    });
    expect(await login({ ...credentials, email: 'nobody@example.com' })).toEqual(wrong);
  });

  it('Me answers the signed-in member with their own email, null for staff, and UNAUTHENTICATED without a token', async () => {
    const { status, body } = await system.graphql<{ me: Registered | null }>(ME, examples.Me, token);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { id: member.id, name: registration.name, email: registration.email, tier: { name: 'BASIC' } } } });

    const asStaff = await system.graphql(ME, examples.Me, await system.staffToken(['members:pii', 'orders:read']));
    expect(asStaff.body).toEqual({ data: { me: null } });

    const anonymous = await system.graphql(ME, examples.Me);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('MyOrders lists the orders the member placed with PlaceOrder, owned by the member, and no guest’s', async () => {
    expect(await myOrders(token)).toEqual({ id: member.id, orders: { totalCount: 0, edges: [] } });

    const placed = await system.graphql<{ placeOrder: { order: OrderSummary | null; userErrors: UserError[] } }>(
      PLACE_ORDER,
      checkout,
      token,
    );
    expect(placed.body.errors).toBeUndefined();
    expect(placed.body.data!.placeOrder.userErrors).toEqual([]);
    const { id, number, status, total } = placed.body.data!.placeOrder.order!;
    order = { id, number, status, total };
    expect(order.status).toBe('PENDING_PAYMENT');
    // A guest's checkout with the same key is a different order, and not the member's.
    const guest = await system.graphql<{ placeOrder: { order: OrderSummary | null } }>(PLACE_ORDER, checkout);
    expect(guest.body.data!.placeOrder.order!.id).not.toBe(order.id);

    expect(await myOrders(token)).toEqual({ id: member.id, orders: { totalCount: 1, edges: [{ node: order }] } });
  });

  it('OrderDetail resolves the member of the member’s own order from the members subgraph', async () => {
    const { status, body } = await system.graphql<{ order: { id: string; member: unknown } | null }>(
      ORDER_DETAIL,
      { ...examples.OrderDetail, id: order.id },
      token,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.order).toMatchObject({
      id: order.id,
      number: order.number,
      status: 'PENDING_PAYMENT',
      member: { id: member.id, name: registration.name, tier: { name: 'BASIC' } },
    });
  });

  it('MemberDetail shows the member’s email, phone and orders to the first admin, signed in with Login', async () => {
    const adminLogin = await login({ email: 'admin@example.com', password: 'development-only-admin' });
    expect(adminLogin.userErrors).toEqual([]);
    const { status, body } = await system.graphql(MEMBER_DETAIL, { ...examples.MemberDetail, id: member.id }, adminLogin.token!);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        member: {
          id: member.id,
          name: registration.name,
          email: registration.email,
          phone: registration.phone,
          tier: { name: 'BASIC' },
          orders: { edges: [{ node: { id: order.id, status: 'PENDING_PAYMENT' } }] },
        },
      },
    });
    // The example's id is a placeholder: no such member.
    expect((await system.graphql(MEMBER_DETAIL, examples.MemberDetail, adminLogin.token!)).body).toEqual({ data: { member: null } });
  });

  it('MemberDetail shows a member’s personal data to a staff token holding members:pii, and their orders with orders:read too', async () => {
    const variables = { ...examples.MemberDetail, id: member.id };
    const { body } = await system.graphql(MEMBER_DETAIL, variables, await system.staffToken(['members:pii', 'orders:read']));
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      member: {
        id: member.id,
        name: registration.name,
        email: registration.email,
        phone: registration.phone,
        tier: { name: 'BASIC' },
        orders: { edges: [{ node: { id: order.id, status: 'PENDING_PAYMENT' } }] },
      },
    });
    // members:pii alone does not show a member's orders: the orders subgraph refuses `member.orders`,
    // which comes back null with the error while the rest of the member still resolves.
    const piiOnly = await system.graphql<{ member: Record<string, unknown> }>(
      MEMBER_DETAIL,
      variables,
      await system.staffToken(['members:pii']),
    );
    expect(piiOnly.body.errors).toEqual([
      expect.objectContaining({ path: ['member', 'orders'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(piiOnly.body.errors?.[0]?.message).toMatch(/orders:read/);
    expect(piiOnly.body.data?.member).toMatchObject({ id: expect.any(String), email: registration.email.toLowerCase(), orders: null });
  });

  it('refuses MemberDetail with 403 FORBIDDEN to a token without members:pii, the member’s own included', async () => {
    for (const bearer of [token, await system.staffToken(['orders:read', 'members:read'])]) {
      const { status, body } = await system.graphql(MEMBER_DETAIL, { ...examples.MemberDetail, id: member.id }, bearer);
      expect(status).toBe(403);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.errors?.[0]?.message).toMatch(/members:pii/);
    }
  });
});

describe('the members contract through the router on MySQL', () => {
  reportSkippedMysql();
});
