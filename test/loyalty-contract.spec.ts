import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { paidOrders, registeredMember, stockedSkus, type UserError } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The loyalty part of the members contract (test/contract/members.graphql):
 * Me and MemberDetail with points, the points ledger and coupons, and
 * IssueCoupons with the example's own variables, through the real router.
 * The member reaches GOLD for real, by paying for orders worth 10,000 CNY.
 */
const ME = contractOperation('members.graphql', 'Me');
const MEMBER_DETAIL = contractOperation('members.graphql', 'MemberDetail');
const ISSUE_COUPONS = contractOperation('members.graphql', 'IssueCoupons');
const examples = contractExamples();

type Me = {
  me: {
    id: string;
    name: string;
    email: string;
    tier: { name: string };
    points: number;
    pointsLedger: { edges: { node: { delta: number; reason: string; createdAt: string } }[] };
    coupons: { code: string; description: string; validUntil: string; redeemed: boolean }[];
  } | null;
};

describe.each(databaseTargets())('the loyalty contract through the router on $label', (target) => {
  let system: TestSystem;
  let member: { id: string; token: string };

  beforeAll(async () => {
    system = await startTestSystem(target);
    await stockedSkus(system, [{ code: 'LY-GEARBOX', price: '5000.00', quantity: 10 }]);
    member = await registeredMember(system, { name: 'Gold Member', email: 'gold.member@example.com' });
    // 5,000 points at BASIC make the member SILVER; the next 5,000 CNY earn 6,250 at SILVER and make them GOLD.
    await paidOrders(system, member, 'LY-GEARBOX', 2);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('IssueCoupons issues the example campaign to the GOLD member and is refused without members:write', async () => {
    const writer = await system.staffToken(['members:write']);
    const { status, body } = await system.graphql<{ issueCoupons: { issued: number; userErrors: UserError[] } }>(
      ISSUE_COUPONS,
      examples.IssueCoupons,
      writer,
    );
    expect(status).toBe(200);
    expect(body).toEqual({ data: { issueCoupons: { issued: 1, userErrors: [] } } });
    // Once per member per campaign: the same call again issues nothing.
    expect((await system.graphql(ISSUE_COUPONS, examples.IssueCoupons, writer)).body).toEqual({
      data: { issueCoupons: { issued: 0, userErrors: [] } },
    });

    const refused = await system.graphql(ISSUE_COUPONS, examples.IssueCoupons, await system.staffToken(['members:read']));
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('Me shows the member their tier, points, ledger (newest first) and coupons', async () => {
    const { status, body } = await system.graphql<Me>(ME, examples.Me, member.token);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.me).toEqual({
      id: member.id,
      name: 'Gold Member',
      email: 'gold.member@example.com',
      tier: { name: 'GOLD' },
      points: 11_250,
      pointsLedger: {
        edges: [
          { node: { delta: 6250, reason: 'EARNED', createdAt: expect.any(String) } },
          { node: { delta: 5000, reason: 'EARNED', createdAt: expect.any(String) } },
        ],
      },
      coupons: [
        {
          code: expect.stringMatching(/^[A-Z2-9]{10}$/),
          description: 'Gold November: 10% off orders of 200.00 CNY or more',
          validUntil: '2026-11-30T23:59:59.000Z',
          redeemed: false,
        },
      ],
    });
  });

  it('MemberDetail shows staff with members:pii the member’s points, and their orders with orders:read', async () => {
    const token = await system.staffToken(['members:pii', 'orders:read']);
    const { status, body } = await system.graphql<{ member: Record<string, unknown> }>(
      MEMBER_DETAIL,
      { ...examples.MemberDetail, id: member.id },
      token,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.member).toEqual({
      id: member.id,
      name: 'Gold Member',
      email: 'gold.member@example.com',
      phone: null,
      tier: { name: 'GOLD' },
      points: 11_250,
      orders: { edges: [{ node: { id: expect.any(String), status: 'PAID' } }, { node: { id: expect.any(String), status: 'PAID' } }] },
    });
  });
});

describe('the loyalty contract through the router on MySQL', () => {
  reportSkippedMysql();
});
