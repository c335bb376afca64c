import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { campaignFor, couponCodes, type LoyaltyHarness, member, startLoyaltyHarness } from './loyalty-fixtures.ts';

/** The contract's IssueCoupons example (test/contract/examples.json). */
const GOLD_NOVEMBER = {
  campaign: 'Gold November',
  tier: 'GOLD',
  discountPercent: 10,
  minimumSpend: { amount: '200.00', currencyCode: 'CNY' },
  validFrom: '2026-11-01T00:00:00Z',
  validUntil: '2026-11-30T23:59:59Z',
};

describe.each(databaseTargets())('coupon campaigns on $label', (target) => {
  let env: TestEnvironment;
  let loyalty: LoyaltyHarness;

  beforeAll(async () => {
    env = testEnvironment(target);
    loyalty = await startLoyaltyHarness(env.config);
  });
  afterAll(async () => {
    await loyalty?.close();
    await env?.cleanup();
  });

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await loyalty.db.execute<{ n: unknown }>(loyalty.db.fork(), sql, params))[0]!.n);
  const written = async () => ({
    campaigns: await count('select count(*) as n from coupon_campaign'),
    coupons: await count('select count(*) as n from coupon'),
    events: await count("select count(*) as n from outbox_event where type = 'CouponIssued'"),
  });

  describe('issueCoupons', () => {
    it('issues the example campaign to every active GOLD member, one coupon each with its own code, and announces each', async () => {
      const gold = [await loyalty.addMember('GOLD'), await loyalty.addMember('GOLD')];
      const basic = await loyalty.addMember('BASIC');
      const suspended = await loyalty.addMember('GOLD');
      await loyalty.db.run(loyalty.db.fork(), "update member set status = 'SUSPENDED' where id = ?", [suspended]);

      expect(await loyalty.issue(GOLD_NOVEMBER)).toEqual({ issued: 2, userErrors: [] });
      const codes = [...(await couponCodes(loyalty.db, gold[0]!)), ...(await couponCodes(loyalty.db, gold[1]!))];
      expect(codes).toHaveLength(2);
      for (const code of codes) expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}$/);
      expect(new Set(codes).size).toBe(2);
      expect(await couponCodes(loyalty.db, basic)).toEqual([]);
      expect(await couponCodes(loyalty.db, suspended)).toEqual([]);

      const events = await loyalty.db.execute<{ payload: string }>(
        loyalty.db.fork(),
        "select payload from outbox_event where type = 'CouponIssued' order by id",
      );
      expect(events.map((event) => JSON.parse(event.payload))).toEqual(
        expect.arrayContaining(
          gold.map((memberId) =>
            expect.objectContaining({
              memberId,
              campaign: 'Gold November',
              validUntil: '2026-11-30T23:59:59.000Z',
              code: expect.any(String),
            }),
          ),
        ),
      );

      const coupons = await loyalty.coupons(gold[0]!);
      expect(coupons).toEqual([
        {
          code: codes[0],
          description: 'Gold November: 10% off orders of 200.00 CNY or more',
          redeemed: false,
          validUntil: '2026-11-30T23:59:59.000Z',
        },
      ]);
    });

    it('issues again under the same name only to members without one, and refuses other terms under that name', async () => {
      const before = await written();
      expect(await loyalty.issue(GOLD_NOVEMBER)).toEqual({ issued: 0, userErrors: [] });
      const newcomer = await loyalty.addMember('GOLD');
      expect(await loyalty.issue(GOLD_NOVEMBER)).toEqual({ issued: 1, userErrors: [] });
      expect(await couponCodes(loyalty.db, newcomer)).toHaveLength(1);

      const afterNewcomer = await written();
      expect(afterNewcomer.coupons).toBe(before.coupons + 1);
      const other = await loyalty.issue({ ...GOLD_NOVEMBER, discountPercent: 20 });
      expect(other).toEqual({
        issued: 0,
        userErrors: [{ code: 'INVALID_VALUE', field: 'input.campaign', message: expect.stringContaining('10% off') }],
      });
      expect(await written()).toEqual(afterNewcomer);
    });

    it('gives each named member one coupon even when the same campaign is issued concurrently', async () => {
      const members = await Promise.all(Array.from({ length: 5 }, () => loyalty.addMember()));
      const input = campaignFor(members, { discountPercent: null, discountAmount: { amount: '20.00', currencyCode: 'CNY' } });
      const results = await Promise.all(Array.from({ length: 4 }, () => loyalty.issue(input)));
      expect(results.every((result) => result.userErrors.length === 0)).toBe(true);
      expect(results.reduce((sum, result) => sum + result.issued, 0)).toBe(5);
      for (const memberId of members) expect(await couponCodes(loyalty.db, memberId)).toHaveLength(1);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['both a tier and members', { tier: 'GOLD' }, 'input.tier'],
      ['neither a tier nor members', { memberIds: null }, 'input.tier'],
      ['an unknown tier', { memberIds: null, tier: 'DIAMOND' }, 'input.tier'],
      ['an unknown member', { memberIds: ['no-such-member'] }, 'input.memberIds[0]'],
      ['a percentage of 0', { discountPercent: 0 }, 'input.discountPercent'],
      ['a percentage over 100', { discountPercent: 101 }, 'input.discountPercent'],
      ['a percentage and an amount', { discountAmount: { amount: '5.00', currencyCode: 'CNY' } }, 'input.discountPercent'],
      ['a zero amount', { discountPercent: null, discountAmount: { amount: '0.00', currencyCode: 'CNY' } }, 'input.discountAmount'],
      ['too many decimals', { minimumSpend: { amount: '1.001', currencyCode: 'CNY' } }, 'input.minimumSpend'],
      [
        'a minimum in another currency than the amount',
        {
          discountPercent: null,
          discountAmount: { amount: '5.00', currencyCode: 'CNY' },
          minimumSpend: { amount: '50.00', currencyCode: 'USD' },
        },
        'input.minimumSpend',
      ],
      [
        'a window that ends before it starts',
        { validFrom: '2026-12-01T00:00:00Z', validUntil: '2026-11-01T00:00:00Z' },
        'input.validUntil',
      ],
      ['an empty campaign name', { campaign: '  ' }, 'input.campaign'],
    ])('refuses %s with INVALID_VALUE and writes nothing', async (_, overrides, field) => {
      const memberId = await loyalty.addMember();
      const before = await written();
      const result = await loyalty.issue({ ...campaignFor([memberId]), ...overrides });
      expect(result.issued).toBe(0);
      expect(result.userErrors).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', field }));
      expect(await written()).toEqual(before);
    });

    it('is for staff with members:write', async () => {
      const memberId = await loyalty.addMember();
      for (const identity of [staff('members:read'), member(memberId)]) {
        const result = await loyalty.subgraph.request(
          'mutation ($input: IssueCouponsInput!) { issueCoupons(input: $input) { issued } }',
          { input: campaignFor([memberId]) },
          identity,
        );
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      expect(await couponCodes(loyalty.db, memberId)).toEqual([]);
    });
  });

  describe('Member.coupons', () => {
    it('shows a fixed-amount coupon with its terms, and only to the member and to staff with members:read', async () => {
      const memberId = await loyalty.addMember();
      await loyalty.issue(
        campaignFor([memberId], {
          campaign: 'Welcome back',
          discountPercent: null,
          discountAmount: { amount: '30.00', currencyCode: 'CNY' },
          minimumSpend: { amount: '100.00', currencyCode: 'CNY' },
        }),
      );
      const QUERY = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member {
        coupons { code description campaign discountPercent discountAmount { amount currencyCode } minimumSpend { amount } validFrom validUntil redeemed }
      } } }`;
      const variables = { representations: [{ __typename: 'Member', id: memberId }] };
      const own = await loyalty.subgraph.request<{ _entities: { coupons: unknown[] }[] }>(QUERY, variables, member(memberId));
      expect(own.errors).toBeUndefined();
      expect(own.data!._entities[0]!.coupons).toEqual([
        {
          code: expect.any(String),
          description: 'Welcome back: 30.00 CNY off orders of 100.00 CNY or more',
          campaign: 'Welcome back',
          discountPercent: null,
          discountAmount: { amount: '30.00', currencyCode: 'CNY' },
          minimumSpend: { amount: '100.00' },
          validFrom: expect.any(String),
          validUntil: expect.any(String),
          redeemed: false,
        },
      ]);
      expect((await loyalty.subgraph.request(QUERY, variables, staff('members:read'))).errors).toBeUndefined();
      const refused = await loyalty.subgraph.request(QUERY, variables, staff('orders:read'));
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});

describe('coupon campaigns on MySQL', () => {
  reportSkippedMysql();
});
