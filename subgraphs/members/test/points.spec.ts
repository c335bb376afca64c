import { eventRecorder } from '../../../platform/events/outbox.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { expirePoints } from '../loyalty/points.ts';
import { ageOutSpend, pointsEarned, tierForSpend } from '../loyalty/tiers.ts';
import { type LoyaltyHarness, member, startLoyaltyHarness } from './loyalty-fixtures.ts';

const DAY = 86_400_000;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

describe('tier rules', () => {
  it('earns one point per whole CNY paid, times the tier multiplier, rounded down', () => {
    expect(pointsEarned(289_90, 'CNY', 'BASIC')).toBe(289);
    expect(pointsEarned(289_90, 'CNY', 'SILVER')).toBe(361); // 289 × 1.25 = 361.25
    expect(pointsEarned(289_90, 'CNY', 'GOLD')).toBe(433); // 289 × 1.5 = 433.5
    expect(pointsEarned(289_90, 'CNY', 'PLATINUM')).toBe(578);
    expect(pointsEarned(99, 'CNY', 'PLATINUM')).toBe(0);
    expect(pointsEarned(1000_00, 'USD', 'GOLD')).toBe(0);
  });

  it('places spend in tiers at 2,000, 10,000 and 50,000 CNY', () => {
    expect(tierForSpend(0)).toBe('BASIC');
    expect(tierForSpend(1999_99)).toBe('BASIC');
    expect(tierForSpend(2000_00)).toBe('SILVER');
    expect(tierForSpend(10_000_00)).toBe('GOLD');
    expect(tierForSpend(50_000_00)).toBe('PLATINUM');
  });
});

describe.each(databaseTargets())('points and tiers on $label', (target) => {
  let env: TestEnvironment;
  let loyalty: LoyaltyHarness;

  beforeAll(async () => {
    env = testEnvironment(target, { POINTS_EXPIRY_DAYS: '365' });
    loyalty = await startLoyaltyHarness(env.config);
  });
  afterAll(async () => {
    await loyalty?.close();
    await env?.cleanup();
  });

  /** What the background sweeper runs with. */
  const deps = () => ({ db: loyalty.db, events: eventRecorder('members'), config: env.config, log: quiet });
  const paid = (memberId: string, orderId: string, totalMinor: number, at?: Date) =>
    loyalty.orderEvent('OrderPaid', { orderId, memberId, totalMinor, previousStatus: 'PENDING_PAYMENT', at });
  const outbox = async (type: string) =>
    (
      await loyalty.db.execute<{ payload: string }>(loyalty.db.fork(), 'select payload from outbox_event where type = ? order by id', [
        type,
      ])
    ).map((row) => JSON.parse(row.payload) as Record<string, unknown>);

  describe('earning on OrderPaid', () => {
    it('credits the points once per order, however often the order is announced paid', async () => {
      const memberId = await loyalty.addMember();
      const orderId = newId();
      await paid(memberId, orderId, 289_90);
      await paid(memberId, orderId, 289_90); // a second event for the same order (a replay with a new id)
      expect(await loyalty.balance(memberId)).toBe(289);
      expect(await loyalty.ledger(memberId)).toEqual([{ delta: 289, reason: 'EARNED', orderId, remaining: 289 }]);
      await loyalty.expectConsistent(memberId);
    });

    it('ignores guest orders and orders of members it does not know', async () => {
      await loyalty.orderEvent('OrderPaid', { orderId: newId(), memberId: null, totalMinor: 500_00 });
      await paid('no-such-member', newId(), 500_00);
      expect(await loyalty.balance('no-such-member')).toBe(0);
    });

    it('earns at the tier the member had when paying, then moves the tier up and announces it', async () => {
      const memberId = await loyalty.addMember();
      await paid(memberId, newId(), 1500_00);
      expect(await loyalty.tier(memberId)).toBe('BASIC');
      await paid(memberId, newId(), 600_00); // 2,100 CNY in 12 months
      expect(await loyalty.tier(memberId)).toBe('SILVER');
      await paid(memberId, newId(), 100_00); // earned at SILVER: 100 × 1.25
      expect((await loyalty.ledger(memberId)).map((entry) => entry.delta)).toEqual([1500, 600, 125]);
      expect(await outbox('MemberTierChanged')).toContainEqual(expect.objectContaining({ memberId, from: 'BASIC', to: 'SILVER' }));
    });

    it('lets the sweeper take a tier back down once its spend is older than 12 months', async () => {
      const memberId = await loyalty.addMember();
      const paidAt = new Date(Date.now() - 300 * DAY);
      await paid(memberId, newId(), 12_000_00, paidAt);
      expect(await loyalty.tier(memberId)).toBe('GOLD');
      // Sixty-six days later the order has left the window.
      await ageOutSpend(deps(), new Date(Date.now() + 66 * DAY));
      expect(await loyalty.tier(memberId)).toBe('BASIC');
    });
  });

  describe('reversals', () => {
    it('reverses points in proportion to a refund, once per refund id, and then the rest when the order is returned', async () => {
      const memberId = await loyalty.addMember();
      const orderId = newId();
      await paid(memberId, orderId, 1000_00); // 1,000 points
      await loyalty.refund({ refundId: 'refund-a', orderId, minor: 250_00 });
      await loyalty.refund({ refundId: 'refund-a', orderId, minor: 250_00 }); // delivered twice
      expect(await loyalty.balance(memberId)).toBe(750);
      await loyalty.orderEvent('OrderReturned', { orderId, memberId, totalMinor: 1000_00, previousStatus: 'RETURN_REQUESTED' });
      await loyalty.orderEvent('OrderReturned', { orderId, memberId, totalMinor: 1000_00, previousStatus: 'RETURN_REQUESTED' });
      await loyalty.refund({ refundId: 'refund-b', orderId, minor: 750_00, full: true });
      expect(await loyalty.balance(memberId)).toBe(0);
      expect((await loyalty.ledger(memberId)).map((entry) => [entry.reason, entry.delta])).toEqual([
        ['EARNED', 1000],
        ['REVERSED', -250],
        ['REVERSED', -750],
      ]);
      await loyalty.expectConsistent(memberId);
    });

    it('settles a refund that arrives before the payment it refunds', async () => {
      const memberId = await loyalty.addMember();
      const orderId = newId();
      await loyalty.refund({ refundId: `early-${orderId}`, orderId, minor: 100_00 });
      await paid(memberId, orderId, 400_00);
      expect(await loyalty.balance(memberId)).toBe(300);
      await loyalty.expectConsistent(memberId);
    });

    it('never takes the balance below zero: points already spent are written off', async () => {
      const memberId = await loyalty.addMember();
      const orderId = newId();
      await paid(memberId, orderId, 500_00);
      const applied = await loyalty.apply({
        orderId: newId(),
        memberId,
        pointsToRedeem: 400,
        subtotal: { amount: '100.00', currencyCode: 'CNY' },
      });
      expect(applied.userErrors).toEqual([]);
      await loyalty.orderEvent('OrderCancelled', { orderId, memberId, totalMinor: 500_00, previousStatus: 'PAID' });
      expect(await loyalty.balance(memberId)).toBe(0);
      const [row] = await loyalty.db.execute<Record<string, unknown>>(
        loyalty.db.fork(),
        'select earned_points, reversed_points, written_off_points from order_loyalty where order_id = ?',
        [orderId],
      );
      expect([row!.earned_points, row!.reversed_points, row!.written_off_points].map(Number)).toEqual([500, 100, 400]);
      await loyalty.expectConsistent(memberId);
    });

    it('gives back the points a paid order redeemed when it is cancelled, and reverses what it earned', async () => {
      const memberId = await loyalty.addMember();
      await paid(memberId, newId(), 300_00);
      const orderId = newId();
      const applied = await loyalty.apply({ orderId, memberId, pointsToRedeem: 200, subtotal: { amount: '50.00', currencyCode: 'CNY' } });
      expect(applied.userErrors).toEqual([]);
      await paid(memberId, orderId, 48_00); // 50.00 less 2.00 of points: earns 48
      expect(await loyalty.balance(memberId)).toBe(148);
      await loyalty.orderEvent('OrderCancelled', { orderId, memberId, totalMinor: 48_00, previousStatus: 'PAID' });
      expect(await loyalty.balance(memberId)).toBe(300);
      expect((await loyalty.ledger(memberId)).slice(-2).map((entry) => [entry.reason, entry.delta])).toEqual([
        ['RESTORED', 200],
        ['REVERSED', -48],
      ]);
      await loyalty.expectConsistent(memberId);
    });
  });

  describe('expiry', () => {
    it('expires what is left of lots older than POINTS_EXPIRY_DAYS, oldest first, redemptions having taken from the oldest', async () => {
      const memberId = await loyalty.addMember();
      const now = Date.now();
      await paid(memberId, newId(), 100_00, new Date(now - 400 * DAY)); // expires 35 days ago
      await paid(memberId, newId(), 100_00, new Date(now - 200 * DAY)); // expires in 165 days
      await paid(memberId, newId(), 100_00, new Date(now - 10 * DAY)); // expires in 355 days
      // Redeeming 150 empties the oldest lot and takes 50 from the next.
      const applied = await loyalty.apply({
        orderId: newId(),
        memberId,
        pointsToRedeem: 150,
        subtotal: { amount: '10.00', currencyCode: 'CNY' },
      });
      expect(applied.userErrors).toEqual([]);
      // The oldest lot is past its expiry, but the redemption emptied it: nothing of it is left to expire.
      await expirePoints(deps(), new Date(now));
      expect(await loyalty.balance(memberId)).toBe(150);
      // Past the second lot's expiry: what the redemption left of it (50) expires, the newest lot stays.
      await expirePoints(deps(), new Date(now + 170 * DAY));
      expect(await loyalty.balance(memberId)).toBe(100);
      const ledger = await loyalty.ledger(memberId);
      expect(ledger.filter((entry) => entry.reason === 'EXPIRED').map((entry) => entry.delta)).toEqual([-50]);
      // Running again expires nothing more.
      await expirePoints(deps(), new Date(now + 170 * DAY));
      expect(await loyalty.ledger(memberId)).toEqual(ledger);
      await loyalty.expectConsistent(memberId);
    });

    it('returns restored points to the lots they came from, so they expire as they would have', async () => {
      const memberId = await loyalty.addMember();
      const now = Date.now();
      await paid(memberId, newId(), 100_00, new Date(now - 300 * DAY)); // expires in 65 days
      await paid(memberId, newId(), 100_00, new Date(now - 10 * DAY));
      const orderId = newId();
      await loyalty.apply({ orderId, memberId, pointsToRedeem: 100, subtotal: { amount: '10.00', currencyCode: 'CNY' } });
      await loyalty.orderEvent('OrderCancelled', { orderId, memberId, totalMinor: 900, previousStatus: 'PENDING_PAYMENT' });
      expect(await loyalty.balance(memberId)).toBe(200);
      await expirePoints(deps(), new Date(now + 70 * DAY));
      expect(await loyalty.balance(memberId)).toBe(100);
      expect((await loyalty.ledger(memberId)).at(-1)).toMatchObject({ reason: 'EXPIRED', delta: -100 });
      await loyalty.expectConsistent(memberId);
    });
  });

  describe('Member.points and Member.pointsLedger', () => {
    const QUERY = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member {
      points pointsLedger(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { delta reason orderId createdAt expiresAt } } }
    } } }`;

    it('shows the member their balance and ledger, newest first, in pages', async () => {
      const memberId = await loyalty.addMember();
      const orders = [newId(), newId(), newId()];
      for (const orderId of orders) await paid(memberId, orderId, 10_00);
      const result = await loyalty.subgraph.request<{
        _entities: {
          points: number;
          pointsLedger: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string };
            edges: { node: { delta: number; orderId: string; expiresAt: string } }[];
          };
        }[];
      }>(QUERY, { representations: [{ __typename: 'Member', id: memberId }] }, member(memberId));
      expect(result.errors).toBeUndefined();
      const [view] = result.data!._entities;
      expect(view!.points).toBe(30);
      expect(view!.pointsLedger.totalCount).toBe(3);
      expect(view!.pointsLedger.pageInfo.hasNextPage).toBe(true);
      expect(view!.pointsLedger.edges.map((edge) => edge.node.orderId)).toEqual([orders[2], orders[1]]);
      expect(Date.parse(view!.pointsLedger.edges[0]!.node.expiresAt) - Date.now()).toBeGreaterThan(364 * DAY);
      const next = await loyalty.subgraph.request<{ _entities: { pointsLedger: { edges: { node: { orderId: string } }[] } }[] }>(
        QUERY.replace('pointsLedger(first: 2)', `pointsLedger(first: 2, after: "${view!.pointsLedger.pageInfo.endCursor}")`),
        { representations: [{ __typename: 'Member', id: memberId }] },
        member(memberId),
      );
      expect(next.data!._entities[0]!.pointsLedger.edges.map((edge) => edge.node.orderId)).toEqual([orders[0]]);
    });

    it('shows them to staff with members:read or members:pii, and refuses everyone else with FORBIDDEN', async () => {
      const memberId = await loyalty.addMember();
      await paid(memberId, newId(), 10_00);
      const ask = (identity: Parameters<typeof loyalty.subgraph.request>[2]) =>
        loyalty.subgraph.request<{ _entities: ({ points: number } | null)[] }>(
          'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { id points } } }',
          { representations: [{ __typename: 'Member', id: memberId }] },
          identity,
        );
      expect((await ask(staff('members:read'))).data!._entities[0]).toEqual({ id: memberId, points: 10 });
      expect((await ask(staff('members:pii'))).data!._entities[0]).toEqual({ id: memberId, points: 10 });
      for (const identity of [staff('orders:read'), member('someone-else')]) {
        const refused = await ask(identity);
        expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(refused.errors?.[0]?.message).toMatch(/members:read/);
      }
    });
  });
});

describe('points and tiers on MySQL', () => {
  reportSkippedMysql();
});
