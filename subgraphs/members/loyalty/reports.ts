import { badUserInput } from '../../../platform/graphql/errors.ts';
import { moneyView } from '../../../platform/values/money.ts';
import { membersPerTier } from '../accounts/member-repository.ts';
import type { MembersContext } from '../context.ts';
import { MemberEntity, TIERS } from '../entities/account.entity.ts';
import { pointsLiability } from './points-repository.ts';
import { LOYALTY_CURRENCY } from './tiers.ts';

const MAX_DAYS = 366;

/**
 * Staff reports on members: sign-ups per day in a period, how members spread
 * over the tiers today, and what the points they hold are worth (each point
 * is one minor unit of the loyalty currency at checkout), the liability the
 * business carries. Sign-ups are bucketed by UTC day in code: date functions
 * differ between SQLite and MySQL, and a year of sign-ups is one indexed scan.
 */
export async function memberReport(ctx: MembersContext, args: { from: Date; to: Date }) {
  const days = (args.to.getTime() - args.from.getTime()) / 86_400_000;
  if (!(days > 0) || days > MAX_DAYS) {
    throw badUserInput(
      `to must be after from, at most ${MAX_DAYS} days later; received ${args.from.toISOString()} to ${args.to.toISOString()}`,
      'to',
    );
  }
  const joined = await ctx.em.find(
    MemberEntity,
    { createdAt: { $gte: args.from, $lt: args.to } },
    { fields: ['createdAt'], orderBy: { createdAt: 'asc' } },
  );
  const perDay = new Map<string, number>();
  for (const member of joined) {
    const day = member.createdAt.toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }

  const countOf = await membersPerTier(ctx.db, ctx.em);
  const liability = await pointsLiability(ctx.db, ctx.em);
  const { points } = liability;
  return {
    from: args.from,
    to: args.to,
    newMembersPerDay: [...perDay].map(([day, count]) => ({ day, count })),
    tierDistribution: TIERS.map((tier) => ({ tier: { name: tier }, members: countOf.get(tier) ?? 0 })),
    pointsLiability: { points, members: liability.members, value: moneyView(points, LOYALTY_CURRENCY) },
  };
}
