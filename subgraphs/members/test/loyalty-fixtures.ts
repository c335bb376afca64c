import type { Identity } from '../../../platform/auth/identity.ts';
import type { Config } from '../../../platform/config/config.ts';
import type { Database } from '../../../platform/db/database.ts';
import { createInProcessBus, type EventBus } from '../../../platform/events/bus.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { MemberEntity, type TierName } from '../entities/account.entity.ts';
import { membersSubgraph } from '../server.ts';

/**
 * The members subgraph on a free port with a bus of its own, on which tests
 * publish the orders and payments events exactly as those subgraphs do, and
 * the orders service identity that calls applyCheckoutDiscounts.
 */
export const ordersService: Identity = { kind: 'service', subject: 'orders', scopes: ['members:checkout'] };
export const member = (id: string): Identity => ({ kind: 'member', subject: id, scopes: [] });
export const couponWriter = staff('members:write');

export type UserError = { code: string; field: string | null; message: string };
export type Discounts = {
  orderId: string;
  couponCode: string | null;
  couponDiscount: { amount: string; currencyCode: string };
  pointsRedeemed: number;
  pointsDiscount: { amount: string; currencyCode: string };
  total: { amount: string; currencyCode: string };
};
export type ApplyResult = { discounts: Discounts | null; userErrors: UserError[] };

const APPLY = `mutation ($input: ApplyCheckoutDiscountsInput!) {
  applyCheckoutDiscounts(input: $input) {
    discounts { orderId couponCode couponDiscount { amount currencyCode } pointsRedeemed pointsDiscount { amount currencyCode } total { amount currencyCode } }
    userErrors { code field message }
  }
}`;
const RELEASE = `mutation ($input: ReleaseCheckoutDiscountsInput!) {
  releaseCheckoutDiscounts(input: $input) { released userErrors { code field message } }
}`;
export const ISSUE = `mutation ($input: IssueCouponsInput!) {
  issueCoupons(input: $input) { issued userErrors { code field message } }
}`;

export type LoyaltyHarness = {
  subgraph: TestSubgraph;
  bus: EventBus;
  db: Database;
  /** A member written straight into the database (registration hashes a password: slow, and not what these tests are about). */
  addMember(tier?: TierName): Promise<string>;
  /** Publishes an orders event (OrderPaid, OrderCancelled, ...) as the orders subgraph records it. */
  orderEvent(
    type: string,
    order: { orderId: string; memberId: string | null; totalMinor?: number; currency?: string; previousStatus?: string | null; at?: Date },
  ): Promise<void>;
  refund(refund: { refundId: string; orderId: string; minor: number; currency?: string; full?: boolean }): Promise<void>;
  balance(memberId: string): Promise<number>;
  tier(memberId: string): Promise<string>;
  /** Ledger entries oldest first. */
  ledger(memberId: string): Promise<{ delta: number; reason: string; orderId: string | null; remaining: number | null }[]>;
  /** balance == sum of the ledger == sum of what the lots hold, and >= 0. */
  expectConsistent(memberId: string): Promise<void>;
  apply(input: Record<string, unknown>, identity?: Identity): Promise<ApplyResult>;
  release(orderId: string): Promise<{ released: boolean; userErrors: UserError[] }>;
  issue(input: Record<string, unknown>, identity?: Identity): Promise<{ issued: number; userErrors: UserError[] }>;
  /** The codes of a member's coupons, newest first, read as the member. */
  coupons(memberId: string): Promise<{ code: string; description: string; redeemed: boolean; validUntil: string }[]>;
  close(): Promise<void>;
};

export async function startLoyaltyHarness(config: Config): Promise<LoyaltyHarness> {
  const bus = createInProcessBus();
  const subgraph = await startTestSubgraph(membersSubgraph, config, { bus });
  const db = subgraph.server.db;
  const rows = <T>(sql: string, params: unknown[]) => db.execute<T>(db.fork(), sql, params);

  const request = async <T>(query: string, variables: Record<string, unknown>, identity: Identity, field: string): Promise<T> => {
    const result = await subgraph.request<Record<string, T>>(query, variables, identity);
    if (result.errors) throw new Error(`${field}: ${JSON.stringify(result.errors)}`);
    return result.data![field]!;
  };

  const harness: LoyaltyHarness = {
    subgraph,
    bus,
    db,
    async addMember(tier = 'BASIC') {
      const id = newId();
      await db.transaction(db.fork(), async (tx) => {
        tx.create(MemberEntity, {
          id,
          name: 'Loyal Member',
          email: `${id}@example.com`,
          phone: null,
          tier,
          status: 'ACTIVE',
          createdAt: new Date(),
        });
      });
      return id;
    },
    async orderEvent(type, order) {
      const at = order.at ?? new Date();
      await bus.publish([
        {
          id: newId(),
          type,
          source: 'orders',
          key: order.orderId,
          occurredAt: at.toISOString(),
          data: {
            orderId: order.orderId,
            number: `SO-TEST-${order.orderId.slice(0, 6)}`,
            status: type,
            previousStatus: order.previousStatus ?? null,
            memberId: order.memberId,
            channel: 'ONLINE',
            total: { minor: order.totalMinor ?? 0, currency: order.currency ?? 'CNY' },
            note: null,
            at: at.toISOString(),
          },
        },
      ]);
    },
    async refund(refund) {
      await bus.publish([
        {
          id: newId(),
          type: 'RefundSucceeded',
          source: 'payments',
          key: refund.orderId,
          occurredAt: new Date().toISOString(),
          data: {
            refundId: refund.refundId,
            paymentId: `pay-${refund.orderId.slice(0, 8)}`,
            orderId: refund.orderId,
            amount: { minor: refund.minor, currency: refund.currency ?? 'CNY' },
            full: refund.full ?? false,
          },
        },
      ]);
    },
    async balance(memberId) {
      const [row] = await rows<{ balance: unknown }>('select balance from points_account where member_id = ?', [memberId]);
      return Number(row?.balance ?? 0);
    },
    async tier(memberId) {
      const [row] = await rows<{ tier: string }>('select tier from member where id = ?', [memberId]);
      return row!.tier;
    },
    async ledger(memberId) {
      const entries = await rows<{ delta: unknown; reason: string; order_id: string | null; remaining: unknown }>(
        'select delta, reason, order_id, remaining from points_entry where member_id = ? order by id',
        [memberId],
      );
      return entries.map((entry) => ({
        delta: Number(entry.delta),
        reason: entry.reason,
        orderId: entry.order_id,
        remaining: entry.remaining === null ? null : Number(entry.remaining),
      }));
    },
    async expectConsistent(memberId) {
      const entries = await harness.ledger(memberId);
      const balance = await harness.balance(memberId);
      expect(balance).toBeGreaterThanOrEqual(0);
      expect(entries.reduce((sum, entry) => sum + entry.delta, 0)).toBe(balance);
      expect(entries.reduce((sum, entry) => sum + (entry.remaining ?? 0), 0)).toBe(balance);
      for (const entry of entries) if (entry.remaining !== null) expect(entry.remaining).toBeGreaterThanOrEqual(0);
    },
    apply: (input, identity = ordersService) => request<ApplyResult>(APPLY, { input }, identity, 'applyCheckoutDiscounts'),
    release: (orderId) => request(RELEASE, { input: { orderId } }, ordersService, 'releaseCheckoutDiscounts'),
    issue: (input, identity = couponWriter) => request(ISSUE, { input }, identity, 'issueCoupons'),
    async coupons(memberId) {
      const me = await request<{ coupons: { code: string; description: string; redeemed: boolean; validUntil: string }[] }>(
        'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { coupons { code description redeemed validUntil } } } }',
        { representations: [{ __typename: 'Member', id: memberId }] },
        member(memberId),
        '_entities',
      );
      return (me as unknown as { coupons: { code: string; description: string; redeemed: boolean; validUntil: string }[] }[])[0]!.coupons;
    },
    close: () => subgraph.close(),
  };
  return harness;
}

/** A coupon campaign valid now, for the members named. */
export function campaignFor(memberIds: string[], overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    campaign: `Campaign ${newId()}`,
    memberIds,
    discountPercent: 10,
    validFrom: new Date(now - 86_400_000).toISOString(),
    validUntil: new Date(now + 30 * 86_400_000).toISOString(),
    ...overrides,
  };
}

/** Reads a member's coupon codes straight from the database, newest first. */
export async function couponCodes(db: Database, memberId: string): Promise<string[]> {
  const rows = await db.execute<{ code: string }>(
    db.fork(),
    'select code from coupon where member_id = ? order by created_at desc, id desc',
    [memberId],
  );
  return rows.map((row) => row.code);
}
