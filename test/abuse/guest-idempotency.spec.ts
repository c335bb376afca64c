import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { contractExamples, contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Guests once shared one idempotency-key space: a guest reusing another
 * guest's key was told that guest's order number (DUPLICATE_REQUEST), or,
 * with the same basket, handed the whole order with its address. Now a
 * guest's key counts only together with the whole request, so another
 * request with the same key learns nothing and is simply a new order, while
 * a true retry still gets its own order back once.
 */
const PLACE_ORDER = contractOperation('orders.graphql', 'PlaceOrder');

type Placed = {
  placeOrder: { order: { id: string; number: string } | null; userErrors: { code: string; field: string | null; message: string }[] };
};

describe('guests and idempotency keys', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await system?.close();
  });

  const example = contractExamples().PlaceOrder!.input as Record<string, unknown>;
  const guestOrder = (name: string, quantity: number) => ({
    input: {
      ...example,
      idempotencyKey: 'guest-checkout-1',
      couponCode: null,
      lines: [{ skuCode: 'BP-TOY-COR-F', quantity }],
      shippingAddress: { ...(example.shippingAddress as Record<string, unknown>), name },
    },
  });
  const place = async (variables: Record<string, unknown>) => {
    const { status, body } = await system.graphql<Placed>(PLACE_ORDER, variables);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data!.placeOrder;
  };

  it('tells a guest reusing another guest’s key nothing of that order, and gives a true retry its own order', async () => {
    const alice = await place(guestOrder('Alice Guest', 1));
    expect(alice.userErrors).toEqual([]);
    const retry = await place(guestOrder('Alice Guest', 1));
    expect(retry.order?.id).toBe(alice.order!.id);

    const bob = await place(guestOrder('Bob Stranger', 2));
    expect(bob.userErrors).toEqual([]);
    expect(bob.order!.id).not.toBe(alice.order!.id);
    expect(JSON.stringify(bob)).not.toContain(alice.order!.number);
    expect(JSON.stringify(bob)).not.toContain('Alice');

    await expectWellBehavedQueryAnswered(system);
  });
});
