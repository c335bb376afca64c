import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { newId } from '../platform/values/ids.ts';
import { afterEventsHeard, readUntilCached, startCacheSystem } from './support/entity-cache.ts';
import { paymentSucceeded, placeOrder } from './support/shop.ts';
import type { TestSystem } from './support/system.ts';

/**
 * Orders' `order(id)` in the entity cache (docs/architecture.md §12, "Root
 * fields"): a lookup by its one argument, kept per caller and dropped by the
 * order events that name that order. A member re-reading their order is
 * answered without asking orders; nobody reads a status older than a
 * delivered event; the member sees their own change at once; and nobody
 * else is ever given the member's kept answer.
 */
const ORDER = 'query MyOrder($id: ID!) { order(id: $id) { id status } }';
const CANCEL = `mutation ($input: CancelOrderInput!) {
  cancelOrder(input: $input) { order { status } userErrors { code message } }
}`;
const SKU = 'OF-VW-GOLF';

type Read = { order: { id: string; status: string } | null };

describe.each(databaseTargets())('order lookups in the entity cache on $label', (target) => {
  let system: TestSystem;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  beforeAll(async () => {
    ({ system, alice, bob } = await startCacheSystem(target));
  });
  afterAll(async () => {
    await system?.close();
  });

  const read = async (id: string, token?: string) => {
    const { body } = await system.graphql<Read>(ORDER, { id }, token);
    expect(body.errors).toBeUndefined();
    return body.data!.order;
  };
  const placed = async () => {
    const result = await placeOrder(system, alice.token, { idempotencyKey: `cache-${newId()}`, lines: [{ skuCode: SKU, quantity: 1 }] });
    if (!result.order) throw new Error(JSON.stringify(result.userErrors));
    return result.order.id;
  };
  const cachedRead = (id: string, token: string) => readUntilCached(system, 'router_entity_cache_root_hits', () => read(id, token));

  it('answers a member’s re-read from the cache, and never older than the OrderPaid that names it', async () => {
    const id = await placed();
    expect(await cachedRead(id, alice.token)).toEqual({ id, status: 'PENDING_PAYMENT' });

    await afterEventsHeard(system, ['OrderPaid'], () => paymentSucceeded(system, id));
    expect(await read(id, alice.token)).toEqual({ id, status: 'PAID' });
  });

  it('never gives the member’s kept answer to anyone else', async () => {
    const id = await placed();
    expect(await cachedRead(id, alice.token)).toEqual({ id, status: 'PENDING_PAYMENT' });
    // Another member and an anonymous caller are refused the order (null, or an error for the anonymous one).
    expect(await read(id, bob.token)).toBeNull();
    const { body } = await system.graphql<Read>(ORDER, { id });
    expect(body.data?.order ?? null).toBeNull();
    // Staff who may read every order get it, fetched for them.
    const staff = await system.staffToken(['orders:read']);
    expect(await read(id, staff)).toEqual({ id, status: 'PENDING_PAYMENT' });
  });

  it('shows the member their own cancellation at once, before its event can arrive', async () => {
    const id = await placed();
    expect(await cachedRead(id, alice.token)).toEqual({ id, status: 'PENDING_PAYMENT' });
    const { body } = await system.graphql<{ cancelOrder: { order: { status: string }; userErrors: unknown[] } }>(
      CANCEL,
      { input: { orderId: id, reason: 'changed my mind' } },
      alice.token,
    );
    expect(body.data!.cancelOrder.userErrors).toEqual([]);
    expect(await read(id, alice.token)).toEqual({ id, status: 'CANCELLED' });
  });
});

reportSkippedMysql();
